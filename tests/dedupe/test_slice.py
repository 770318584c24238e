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
