"""clean_document on the gold labels and a corpus sample, and the thresholds it reads from the settings."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from crosswire.clean import clean_document
from crosswire.settings import Settings
from tests.clean.helpers import CHROME, CORPUS

EARLIEST = datetime(1980, 1, 1, tzinfo=timezone.utc)
REASONS = {"empty", "not-text", "bot-wall", "error-page", "index-page", "too-short", "too-long"}


def test_gold_titles_dates_and_verdicts(shared, templates):
    gold = [json.loads(line) for line in (shared / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    hits = Counter()
    for label in gold:
        path = Path(label["file"])
        office = path.parent.name
        cleaned = clean_document((shared / path).read_text(encoding="utf-8"), boilerplate=templates.get(office, frozenset()))
        published = cleaned.published_at.date().isoformat() if cleaned.published_at else None
        hits["title"] += cleaned.title == label["title"]
        hits["published"] += published == label["published"]
        hits["is_article"] += cleaned.is_article == label["is_article"]
    assert len(gold) == 30
    assert hits["is_article"] >= 29 and hits["title"] >= 27 and hits["published"] >= 28, hits


def test_corpus_sample_is_clean(shared, templates):
    files = sorted((shared / CORPUS).glob("*/*.txt"))
    sample = random.Random(1).sample(files, 150)
    results = [clean_document(f.read_text(encoding="utf-8"), boilerplate=templates[f.parent.name]) for f in sample]
    articles = [r for r in results if r.is_article]
    assert len(articles) >= 0.9 * len(results)
    assert {r.reason for r in results} <= REASONS | {None}
    for r in articles:
        assert r.word_count >= 40 and 0 <= r.junk_ratio <= 1
        assert not CHROME.search(r.text), r.text[:200]
        assert "\n\n\n" not in r.text and "  " not in r.text
        assert r.language and len(r.language) == 2
        assert r.published_at is None or EARLIEST <= r.published_at <= datetime.now(timezone.utc)
    assert sum(r.title is not None for r in articles) >= 0.95 * len(articles)
    assert sum(r.published_at is not None for r in articles) >= 0.9 * len(articles)


def test_article_length_limits_come_from_the_settings(seeds):
    words = clean_document(seeds["published"]).word_count
    short = clean_document(seeds["published"], settings=Settings(clean={"min_article_words": words + 1}))
    long = clean_document(seeds["published"], settings=Settings(clean={"max_article_words": words - 1}))
    assert (short.reason, short.detail) == ("too-short", f"{words} words < {words + 1}")
    assert (long.reason, long.detail) == ("too-long", f"{words} words > {words - 1}")
    assert clean_document(seeds["published"], settings=Settings(clean={"min_article_words": words})).is_article
