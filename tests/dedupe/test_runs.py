"""Dedupe across runs: later copies join earlier stories and keep their ids, a bridging copy merges two
stories, and documents split in two runs give the same stories as one run over all of them."""

from __future__ import annotations

import random

import pandas as pd
import pyarrow as pa

from crosswire.dedupe import Earlier, assign_stories, find_stories, held_texts
from crosswire.settings import Settings
from crosswire.store import to_arrow
from tests.dedupe.helpers import (
    EMPTY_SIGNATURES,
    SETTINGS,
    as_prior,
    clusters,
    doc,
    run,
)


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


def test_earlier_documents_signed_by_another_algorithm_are_signed_again(seed_docs):
    scraped, published = seed_docs[1], seed_docs[0]
    first = run([scraped], run_id="r1")
    prior, signatures = as_prior(first, [scraped])
    stale = to_arrow(signatures.to_pandas().assign(algorithm="rensa-0.1/an-older-shingling", minhash=None,
                                                   lead_minhash=None), "signatures")
    second = run([published], prior, stale, run_id="r2")
    assert list(second.articles["article_id"]) == list(first.articles["article_id"])
    assert second.articles.iloc[0]["n_copies"] == 2


def test_a_run_reads_only_the_earlier_stories_its_documents_touch(corpus_bodies):
    earlier = [doc(f"o{i}", text, title=title) for i, (title, text) in enumerate(corpus_bodies[:20])]
    earlier.append(doc("u0", "UPDATE: corrected figures.\n\n" + corpus_bodies[0][1], when="2024-01-02"))
    first = run(earlier, run_id="r1")
    prior, signatures = as_prior(first, earlier)
    later = pd.DataFrame([doc("c0", corpus_bodies[0][1] + "\n\nRead more", when="2024-02-01")])
    corpus, stories = find_stories(Earlier.held(prior, signatures), later, held_texts(later["text"]),
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
