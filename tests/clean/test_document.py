"""clean_document on the gold labels and a corpus sample, and the thresholds it reads from the settings."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from crosswire.clean import clean_document
from crosswire.clean.html import parse, visible_words
from crosswire.settings import Settings
from tests.clean.helpers import CHROME, CORPUS

EARLIEST = datetime(1980, 1, 1, tzinfo=timezone.utc)
REASONS = {"empty", "not-text", "bot-wall", "error-page", "index-page", "too-short", "too-long", "too-many-lines"}


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


def test_the_date_of_the_body_dateline_is_the_release_date(corpus_slice):
    """The page's header dates the post (a week later); the release's own dateline dates the release."""
    page = corpus_slice["miami_dade_fl"][
        "press-release_state-attorney-katherine-fernandez-rundle-to-receive-the-golden-eagle-award.txt"]
    posted = "Admin | November 19, 2025\n"
    lead = ("Miami, November 12, 2025 – State Attorney Katherine Fernandez Rundle announced today the arrest of a "
            "property manager charged with stealing from the condominium association she managed for six years.\n\n")
    body = clean_document(page).text
    cleaned = clean_document(f"Former Property Manager Charged\n{posted}\n{lead}{body}")
    assert cleaned.published_at == datetime(2025, 11, 12, tzinfo=timezone.utc)
    assert clean_document(f"Former Property Manager Charged\n{posted}\n{body}").published_at == datetime(
        2025, 11, 19, tzinfo=timezone.utc)


def test_a_lead_glued_to_the_fields_of_an_advisory_is_no_title():
    raw = ("Miami, Florida, State Attorney Jane Doe will hold a press conference to announce the arrest of 13 people "
           "involved in the theft, sale and buying of catalytic converters.WHO: State Attorney Jane Doe\n"
           "Police Director John Roe\nWHEN: Thursday, August 29, 2024 at 2:30 p.m.\n"
           "WHERE: State Attorney’s Office, 1350 NW 12 Avenue, Miami\n")
    cleaned = clean_document(raw)
    assert cleaned.is_article and cleaned.title is None and cleaned.text.startswith("Miami, Florida, State Attorney")


def test_a_page_too_large_to_be_a_release_is_refused_before_it_is_cleaned(seeds, monkeypatch):
    """Its words (HTML: those a reader sees) or its lines are counted, and nothing else is done."""
    def cleaned(*args, **kwargs):
        raise AssertionError("the page was cleaned")

    monkeypatch.setattr("crosswire.clean.document.repair", cleaned)
    monkeypatch.setattr("crosswire.clean.document.main_text", cleaned)
    settings = Settings(clean={"max_article_words": 100, "max_page_words": 1000, "max_page_lines": 500})
    words = clean_document("\n\n".join([seeds["published"]] * 4), settings=settings)
    lines = clean_document("\n" * 600 + seeds["published"], settings=settings)
    paragraphs = "<p>A line of the page in five words.</p>\n" * 200
    html = clean_document(f"<html><body>{paragraphs}</body></html>", "text/html", settings=settings)
    assert (words.reason, words.detail) == ("too-long", "1436 words on the page > 1000, not cleaned")
    assert (lines.reason, lines.detail) == ("too-many-lines", "628 lines on the page > 500, not cleaned")
    assert (html.reason, html.detail) == ("too-long", "1600 words on the page > 1000, not cleaned")
    assert not (words.is_article or lines.is_article or html.is_article)


def test_the_words_of_a_pages_scripts_and_styles_are_not_counted_as_its_size():
    page = (f"<html><head><title>T</title><script>{'var x = 1; ' * 900}</script></head><body>"
            f"<p>{'word ' * 300}</p><script>{'f(x); ' * 2000}</script><style>{'p {{ }} ' * 500}</style></body></html>")
    assert visible_words(parse(page)) == 300
    assert clean_document(page, "text/html", settings=Settings(clean={"max_article_words": 1000, "max_page_words": 1000})).is_article
