"""Dedupe on the corpus slice kept in the repository (tests/fixtures/corpus): each release and a copy a
re-poster changed (its last paragraph replaced by the re-poster's note, sentences glued, runs of whitespace,
a carousel counter) are one story; the releases stay apart."""

from __future__ import annotations

import re

from crosswire.clean import clean_document
from tests.dedupe.helpers import doc, run


def reposted(text: str) -> str:
    """The release without its last paragraph, a note of the re-poster's instead, and the seed pair's damage:
    sentences glued together, blank lines padded with spaces, a counter in front."""
    text = text.rsplit("\n\n", 1)[0] + "\n\nThis release was shared by the Regional Justice Digest with the office's leave."
    return "1 / 8\n" + re.sub(r"([a-z][.!?”]) (?=[A-Z“])", r"\1", text).replace("\n\n", "\n   \t\n")


def test_a_damaged_copy_joins_its_release_and_releases_stay_apart(corpus_slice):
    texts = [c.text for c in (clean_document(t) for office in corpus_slice.values() for t in office.values())
             if c.is_article]
    docs = [doc(f"p{n}", text) for n, text in enumerate(texts)]
    copies = [doc(f"c{n}", clean_document(reposted(text)).text, when="2024-01-02") for n, text in enumerate(texts)]
    assert all(c["text"] != d["text"] for c, d in zip(copies, docs))  # the copies are damaged, not equal
    stories = run(docs + copies).assignments.set_index("doc_id")["article_id"]
    assert stories[[f"p{n}" for n in range(len(texts))]].is_unique
    assert all(stories[f"c{n}"] == stories[f"p{n}"] for n in range(len(texts)))


def test_copies_of_every_kind_join_their_release_and_no_two_releases_merge(corpus_slice):
    """benchmarks/noise.py's kinds of copies (scrapers, e-mail, PDFs, news sites, site moves ...) of the slice's
    releases, each kind cleaned as a channel of its own: nearly all join their release, no release another."""
    import random
    import sys

    from crosswire.clean import learn_boilerplate
    from tests.conftest import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from noise import KINDS, Release

    releases = [Release(page, c.title, c.text, c.published_at and c.published_at.date())
                for office in corpus_slice.values() for page in office.values()
                if (c := clean_document(page)).is_article and c.title]
    rng, docs, of = random.Random(5), [], {}
    for n, release in enumerate(releases):
        docs.append(doc(f"r{n}", release.text, title=release.title))
    for kind, make in KINDS.items():
        made = [make(release, rng) for release in releases]
        template = learn_boilerplate(raw for raw, content_type, _ in made if "html" not in content_type)
        for n, (raw, content_type, hints) in enumerate(made):
            cleaned = clean_document(raw, content_type, boilerplate=template, hints=hints)
            if cleaned.is_article:
                docs.append(doc(f"{kind}-{n}", cleaned.text, title=cleaned.title, when="2024-01-02"))
                of[f"{kind}-{n}"] = f"r{n}"
    stories = run(docs).assignments.set_index("doc_id")["article_id"]
    assert stories[[f"r{n}" for n in range(len(releases))]].is_unique  # no two releases in one story
    joined = sum(stories[copy] == stories[release] for copy, release in of.items())
    assert joined / (len(releases) * len(KINDS)) > 0.95
