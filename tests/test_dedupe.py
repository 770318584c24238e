"""Dedupe on cleaned real text: copies join one story, distinct releases never merge, ids stay stable."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from crosswire.settings import Settings
from crosswire.store import Store, to_arrow
from tasks import dedupe
from tasks.clean import clean_document, learn_boilerplate
from tasks.dedupe import Corpus, assign_stories, held_texts, packed, signature, verified

SETTINGS = Settings()
EMPTY_SIGNATURES = Store("/nonexistent").arrow("signatures")


def doc(doc_id: str, text: str, *, title=None, published=None, when="2024-01-01", uri=None) -> dict:
    return {"doc_id": doc_id, "text": text, "title": title, "language": "en", "junk_ratio": 0.0,
            "published_at": pd.Timestamp(published).tz_convert("UTC") if published else pd.NaT,
            "word_count": len(text.split()), "ingested_at": pd.Timestamp(when, tz="UTC"),
            "source_uri": uri or f"/data/{doc_id}.txt"}


def run(new: list[dict], prior: pd.DataFrame | None = None, signatures: pa.Table | None = None,
        run_id: str = "r1"):
    prior = prior if prior is not None else pd.DataFrame(columns=list(new[0]) + ["article_id"])
    signatures = signatures if signatures is not None else EMPTY_SIGNATURES
    return assign_stories(pd.DataFrame(new), prior, signatures, run_id, SETTINGS)


def as_prior(stories, docs: list[dict]) -> tuple[pd.DataFrame, pa.Table]:
    frame = pd.DataFrame(docs).merge(stories.assignments[["doc_id", "article_id"]], on="doc_id")
    return frame, stories.signatures


@pytest.fixture(scope="module")
def seed_docs(seeds) -> list[dict]:
    published, scraped = clean_document(seeds["published"]), clean_document(seeds["scraped"])
    return [doc("d000", published.text, title=published.title, published=published.published_at, when="2024-01-02"),
            doc("d001", scraped.text, when="2024-01-01")]


@pytest.fixture(scope="module")
def corpus_bodies(shared) -> list[tuple[str, str]]:
    """Cleaned (title, text) of distinct Orange County releases, which share one site template."""
    files = sorted((shared / "corpora" / "prosecutor-press-releases" / "orange_ca").glob("*.txt"))
    raw = [f.read_text(encoding="utf-8", errors="replace") for f in files[::40]]
    template = learn_boilerplate(raw)
    cleaned = [clean_document(r, boilerplate=template) for r in raw]
    return [(c.title, c.text) for c in cleaned if c.is_article]


def test_seed_copies_are_one_story_with_the_published_copy_canonical(seed_docs):
    stories = run(seed_docs)
    assert len(stories.articles) == 1
    article = stories.articles.iloc[0]
    assert article["n_copies"] == 2 and article["canonical_doc_id"] == "d000"
    assert article["title"].startswith("Increasing cybercrime") and article["title_from"] == "d000"
    assert article["published_at"] == pd.Timestamp("2021-10-28", tz="UTC")
    assert article["article_id"] == "ad000"  # named after its first copy by place, whatever the batch order
    assert stories.assignments["similarity"].min() > 0.9


def test_distinct_releases_sharing_a_template_do_not_merge(corpus_bodies):
    docs = [doc(f"o{i}", text, title=title) for i, (title, text) in enumerate(corpus_bodies)]
    stories = run(docs)
    merged = stories.articles[stories.articles["n_copies"] > 1]
    titles = {i: t for i, (t, _) in enumerate(corpus_bodies)}
    for article in merged.itertuples():  # a merged pair must be the same release: same title
        members = stories.assignments.loc[stories.assignments["article_id"] == article.article_id, "doc_id"]
        assert len({titles[int(m[1:])] for m in members}) == 1
    assert len(stories.articles) >= len(docs) - 2


def test_noisy_copies_of_corpus_releases_join_their_story(corpus_bodies):
    rng = random.Random(7)
    originals = [(t, x) for t, x in corpus_bodies if len(x.split()) > 150][:20]
    docs = []
    for i, (title, text) in enumerate(originals):
        docs.append(doc(f"o{i}", text, title=title))
        paragraphs = text.split("\n\n")
        teaser = "\n\n".join(paragraphs[: max(2, len(paragraphs) * 2 // 3)]) + "\n\nRead more"
        glued = text.replace(". ", ".").replace("\n\n", " ")
        docs.append(doc(f"c{i}", rng.choice([teaser, glued, "UPDATE: " + text])))
    stories = run(docs)
    story = stories.assignments.set_index("doc_id")["article_id"]
    for i in range(len(originals)):
        assert story[f"c{i}"] == story[f"o{i}"], f"copy {i} missed its story"
    assert len(stories.articles) == len(originals)


def test_later_copy_joins_the_earlier_story_and_keeps_its_id(seed_docs):
    scraped, published = seed_docs[1], seed_docs[0]
    first = run([scraped], run_id="r1")
    prior, signatures = as_prior(first, [scraped])
    second = run([published], prior, signatures, run_id="r2")
    assert list(second.articles["article_id"]) == list(first.articles["article_id"])
    assert second.articles.iloc[0]["canonical_doc_id"] == "d000" and second.articles.iloc[0]["n_copies"] == 2
    together = run(seed_docs)  # the same story; one run names it after its first copy by place
    assert together.articles[["canonical_doc_id", "n_copies"]].values.tolist() == [["d000", 2]]
    assert list(together.articles["article_id"]) == ["ad000"]


def test_a_run_without_new_documents_changes_no_story(seed_docs):
    prior, signatures = as_prior(run(seed_docs), seed_docs)
    stories = assign_stories(pd.DataFrame(columns=list(seed_docs[0])), prior, signatures, "r2", SETTINGS)
    assert stories.assignments.empty and stories.articles.empty and stories.signatures.num_rows == 0


def test_a_copy_that_bridges_two_stories_merges_them_and_records_it(corpus_bodies):
    title, text = next((t, x) for t, x in corpus_bodies if len(x.split("\n\n")) >= 6)
    paragraphs = text.split("\n\n")
    cut = len(paragraphs) * 2 // 5  # the parts share a fifth of the text: too little to be one story
    opening, ending = "\n\n".join(paragraphs[:len(paragraphs) - cut]), "\n\n".join(paragraphs[cut:])
    halves = [doc("h1", opening, when="2024-01-01"), doc("h2", ending, when="2024-01-02")]
    before = run(halves)
    assert len(before.articles) == 2
    prior, signatures = as_prior(before, halves)
    after = run([doc("full", text, title=title, when="2024-01-03")], prior, signatures, run_id="r2")
    assert list(after.merges["article_id"]) == ["ah2"] and list(after.merges["merged_into"]) == ["ah1"]
    assert list(after.articles["article_id"]) == ["ah1"] and after.articles.iloc[0]["n_copies"] == 3


def test_short_texts_are_their_own_shingle():
    short = signature("Case dismissed.", 5)
    assert len(short.shingles) == len(short.lead) == len(short.opening) == 1
    assert len(signature("One two three four five six", 5).shingles) == 2
    assert verified(signature("a b", 5), signature("a b c", 5), SETTINGS) is None
    assert verified(signature("Case dismissed.", 5), signature("case  dismissed", 5), SETTINGS) == 1.0


def test_signatures_come_back_by_group_as_made(corpus_bodies, monkeypatch):
    monkeypatch.setattr(dedupe, "CHUNK", 4)  # texts read 4 at a time: a group's signatures span read chunks
    docs = pd.DataFrame([doc(f"o{i}", text, title=title) for i, (title, text) in enumerate(corpus_bodies[:12])])
    prior = pd.DataFrame(columns=list(docs.columns) + ["article_id"])
    corpus = Corpus(prior, docs, held_texts(prior["text"]), held_texts(docs["text"]), SETTINGS)
    expected = {p: signature(text, SETTINGS.dedupe.shingle_size, title) for p, (text, title)
                in enumerate(zip(corpus.texts_at(np.arange(12)), corpus.meta["title"]))}
    positions = np.array([11, 0, 3, 7, 8, 2, 5, 9, 1])
    units = np.array([1, 2, 1, 3, 2, 3, 1, 4, 4])  # components or stories: kept together
    groups = packed(units, size=4)
    assert all(len(set(groups[units == unit])) == 1 for unit in set(units))
    seen = {}
    for group, held in corpus.signatures_by_group(positions, groups):
        assert sorted(held.positions.tolist()) == sorted(positions[groups == group].tolist())
        assert (groups == group).sum() <= 4 or len(set(units[groups == group])) == 1
        seen |= {p: held[p] for p in held.positions.tolist()}
    assert sorted(seen) == sorted(positions.tolist())
    assert all(seen[p].title == expected[p].title and all(
        np.array_equal(getattr(seen[p], f), getattr(expected[p], f)) for f in ("shingles", "lead", "opening"))
        for p in seen)


def clusters(assignment: pd.Series) -> set[frozenset]:
    return {frozenset(group.index) for _, group in assignment.groupby(assignment)}


def test_two_runs_give_the_same_stories_as_one(corpus_bodies):
    rng = random.Random(11)
    docs = []
    for i, (title, text) in enumerate(corpus_bodies[:30]):
        docs.append(doc(f"o{i}", text, title=title, when=f"2024-01-{1 + i % 28:02d}"))
        if i % 2 == 0:
            paragraphs = text.split("\n\n")
            docs.append(doc(f"t{i}", "\n\n".join(paragraphs[: max(1, len(paragraphs) // 2)]) + "\n\nRead more",
                            title=title, when=f"2024-02-{1 + i % 28:02d}"))
            docs.append(doc(f"u{i}", "UPDATE: corrected figures.\n\n" + text, when=f"2024-03-{1 + i % 28:02d}"))
    together = run(docs).assignments.set_index("doc_id")["article_id"]
    for trial in range(3):
        rng.shuffle(docs)
        half = len(docs) // 2
        first = run(docs[:half], run_id="r1")
        prior, signatures = as_prior(first, docs[:half])
        if trial == 1:  # stored digests read in pieces, as from the store's part files, in a shuffled order
            signatures = pa.Table.from_batches(signatures.take(rng.sample(range(len(signatures)), len(signatures)))
                                               .to_batches(max_chunksize=4))
        second = run(docs[half:], prior, signatures, run_id="r2")
        split = second.assignments.set_index("doc_id")["article_id"].combine_first(
            prior.set_index("doc_id")["article_id"])
        assert clusters(split) == clusters(together), f"trial {trial}"
    assert len(clusters(together)) == 30


def test_a_publication_date_window_keeps_far_apart_copies_apart(seed_docs):
    published, scraped = seed_docs
    late = dict(scraped, published_at=pd.Timestamp("2023-06-01", tz="UTC"))
    window = Settings(dedupe={"window_days": 30})
    assert len(assign_stories(pd.DataFrame([published, late]), pd.DataFrame(columns=list(late) + ["article_id"]),
                              EMPTY_SIGNATURES, "r1", window).articles) == 2
    assert len(run([published, late]).articles) == 1  # no window by default


def test_earlier_documents_signed_by_another_algorithm_are_signed_again(seed_docs):
    scraped, published = seed_docs[1], seed_docs[0]
    first = run([scraped], run_id="r1")
    prior, signatures = as_prior(first, [scraped])
    stale = to_arrow(signatures.to_pandas().assign(algorithm="rensa-0.1/an-older-shingling", minhash=None,
                                                   lead_minhash=None), "signatures")
    second = run([published], prior, stale, run_id="r2")
    assert list(second.articles["article_id"]) == list(first.articles["article_id"])
    assert second.articles.iloc[0]["n_copies"] == 2


def test_buckets_a_template_fills_are_skipped_and_copies_still_meet(corpus_bodies):
    docs = []
    for i, (title, text) in enumerate(corpus_bodies[:40]):
        docs.append(doc(f"o{i}", text, title=title))
        docs.append(doc(f"u{i}", "UPDATE: corrected figures.\n\n" + text))
    capped = assign_stories(pd.DataFrame(docs), pd.DataFrame(columns=list(docs[0]) + ["article_id"]),
                            EMPTY_SIGNATURES, "r1", Settings(dedupe={"max_bucket": 2}))
    story = capped.assignments.set_index("doc_id")["article_id"]
    assert all(story[f"u{i}"] == story[f"o{i}"] for i in range(len(docs) // 2))
    assert capped.candidates < run(docs).candidates  # the office's shared openings fill bigger buckets


def test_a_run_reads_only_the_earlier_stories_its_documents_touch(corpus_bodies):
    earlier = [doc(f"o{i}", text, title=title) for i, (title, text) in enumerate(corpus_bodies[:20])]
    earlier.append(doc("u0", "UPDATE: corrected figures.\n\n" + corpus_bodies[0][1], when="2024-01-02"))
    first = run(earlier, run_id="r1")
    prior, signatures = as_prior(first, earlier)
    later = pd.DataFrame([doc("c0", corpus_bodies[0][1] + "\n\nRead more", when="2024-02-01")])
    corpus, stories = dedupe.find_stories(dedupe.Earlier.held(prior, signatures), later, held_texts(later["text"]),
                                          "r2", SETTINGS, lambda rows: None)
    assert sorted(corpus.meta["doc_id"].iloc[:corpus.new_from]) == ["o0", "u0"]  # story o0's copies, no other
    assert stories.articles[["article_id", "n_copies"]].values.tolist() == [["ao0", 3]]


def test_a_bucket_counts_the_earlier_documents_in_it(corpus_bodies):
    """A bucket too large to make pairs is as large in a second run as in one run over all documents."""
    capped = Settings(dedupe={"max_bucket": 2})
    originals = [doc(f"o{i}", text, title=title) for i, (title, text) in enumerate(corpus_bodies[:40])]
    updates = [doc(f"u{i}", "UPDATE: corrected figures.\n\n" + text, when="2024-01-02")
               for i, (_, text) in enumerate(corpus_bodies[:40])]
    together = assign_stories(pd.DataFrame(originals + updates), pd.DataFrame(columns=list(originals[0]) + ["article_id"]),
                              EMPTY_SIGNATURES, "r1", capped)
    first = assign_stories(pd.DataFrame(originals), pd.DataFrame(columns=list(originals[0]) + ["article_id"]),
                           EMPTY_SIGNATURES, "r1", capped)
    prior, signatures = as_prior(first, originals)
    second = assign_stories(pd.DataFrame(updates), prior, signatures, "r2", capped)
    split = second.assignments.set_index("doc_id")["article_id"].combine_first(prior.set_index("doc_id")["article_id"])
    assert clusters(split) == clusters(together.assignments.set_index("doc_id")["article_id"])
    assert second.candidates < assign_stories(pd.DataFrame(updates), prior, signatures, "r2", SETTINGS).candidates


def test_each_story_carries_its_canonical_copys_text(corpus_bodies):
    """Earlier and new canonical copies mixed in one run: each story gets its own canonical copy's text."""
    bodies = corpus_bodies[:8]
    earlier = [doc(f"o{i}", text, title=title if i >= 4 else None) for i, (title, text) in enumerate(bodies)]
    first = run(earlier, run_id="r1")
    prior, signatures = as_prior(first, earlier)
    later = [doc(f"c{i}", text, title=title, when="2024-02-01") if i < 4  # with the title the first lacked
             else doc(f"c{i}", "UPDATE: " + text, when="2024-02-02") for i, (title, text) in enumerate(bodies)]
    second = run(later, prior, signatures, run_id="r2")
    texts = {d["doc_id"]: d["text"] for d in earlier + later}
    canonical = second.articles.set_index("canonical_doc_id")["text"]
    assert sorted(canonical.index) == ["c0", "c1", "c2", "c3", "o4", "o5", "o6", "o7"]
    assert all(text == texts[doc_id] for doc_id, text in canonical.items())
