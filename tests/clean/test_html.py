"""HTML through trafilatura: main text, metadata, the recall retry; trafilatura's pinned version."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import datetime, timezone

from crosswire.clean import clean_document
from crosswire.settings import Settings
from tests.clean.helpers import pinned_and_installed


def test_trafilatura_is_the_pinned_version():
    """crosswire.clean.html calls steps of trafilatura.metadata, not its public API: it is pinned exactly,
    and an upgrade must go through a review of those calls (and this pin)."""
    pinned, installed = pinned_and_installed("trafilatura")
    assert pinned is not None, "pyproject.toml must pin trafilatura exactly (trafilatura==X.Y.Z)"
    assert installed == pinned


def test_html_goes_through_trafilatura(shared):
    bench = shared / "benchmarks" / "article-extraction"
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    page_id = sorted(truth)[0]
    html = gzip.decompress((bench / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", errors="replace")
    cleaned = clean_document(html, "text/html")
    words = lambda s: Counter(re.findall(r"\w+", s.lower()))
    got, want = words(cleaned.text), words(truth[page_id]["articleBody"])
    overlap = sum((got & want).values())
    assert overlap / sum(got.values()) > 0.8 and overlap / sum(want.values()) > 0.8
    assert cleaned.is_article and cleaned.title and "<" not in cleaned.text
    assert 0.3 < cleaned.junk_ratio < 1
    # the page's own metadata is kept: byline, site name and canonical URL (the benchmark's own URL)
    assert (cleaned.author, cleaned.site_name, cleaned.url) == ("Sarah E Needleman", "Wall Street Journal", truth[page_id]["url"])
    assert cleaned.published_at == datetime(2019, 11, 19, tzinfo=timezone.utc)


def test_html_falls_back_to_recall_when_the_first_pass_keeps_too_little(shared):
    bench = shared / "benchmarks" / "article-extraction"
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    page_id = next(p for p in truth if p.startswith("0ec95c72"))  # the precise pass keeps a caption only
    html = gzip.decompress((bench / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
    cleaned = clean_document(html, "text/html")
    words = lambda s: Counter(re.findall(r"\w+", s))
    got, want = words(cleaned.text), words(truth[page_id]["articleBody"])
    assert sum((got & want).values()) / sum(want.values()) > 0.95
    assert cleaned.is_article and cleaned.title


def test_html_retry_thresholds_come_from_the_settings(shared):
    """Without the retry (html_retry_below 0), the page whose precise pass keeps a caption only stays so."""
    bench = shared / "benchmarks" / "article-extraction"
    page = next((bench / "html").glob("0ec95c72*.html.gz"))
    html = gzip.decompress(page.read_bytes()).decode("utf-8")
    retried = clean_document(html, "text/html")
    precise = clean_document(html, "text/html", settings=Settings(clean={"html_retry_below": 0}))
    never_replaced = clean_document(html, "text/html", settings=Settings(clean={"html_retry_gain": 1e9}))
    assert precise.word_count < retried.word_count / 2
    assert (never_replaced.text, never_replaced.word_count) == (precise.text, precise.word_count)
