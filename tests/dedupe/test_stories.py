"""Dedupe on cleaned real text in one run: copies join one story, distinct releases never merge."""

from __future__ import annotations

import random

import pandas as pd

from crosswire.dedupe import assign_stories
from crosswire.settings import Settings
from tests.dedupe.helpers import EMPTY_SIGNATURES, doc, run


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


def test_a_publication_date_window_keeps_far_apart_copies_apart(seed_docs):
    published, scraped = seed_docs
    late = dict(scraped, published_at=pd.Timestamp("2023-06-01", tz="UTC"))
    window = Settings(dedupe={"window_days": 30})
    assert len(assign_stories(pd.DataFrame([published, late]), pd.DataFrame(columns=list(late) + ["article_id"]),
                              EMPTY_SIGNATURES, "r1", window).articles) == 2
    assert len(run([published, late]).articles) == 1  # no window by default


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
