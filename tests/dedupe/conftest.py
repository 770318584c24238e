"""Fixtures of the dedupe tests: the seed copies and distinct releases of one office, cleaned."""

from __future__ import annotations

import pytest

from crosswire.clean import clean_document, learn_boilerplate
from tests.dedupe.helpers import doc


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
