"""What is not the article: page furniture, template lines, footers, and pages that are no article at all."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest

from crosswire.clean import clean_document
from tests.clean.helpers import CHROME, corpus_file


def test_scraped_seed_cleans_to_the_published_one(seeds):
    published = clean_document(seeds["published"])
    scraped = clean_document(seeds["scraped"])
    assert SequenceMatcher(None, published.text, scraped.text).ratio() >= 0.99
    assert not CHROME.search(scraped.text)
    assert "\u00a0" not in scraped.text and "\n\n\n" not in scraped.text
    assert all(p.strip() == p and p for p in scraped.text.split("\n\n"))
    assert "threats. The growing" in scraped.text and "response. “We are" in scraped.text
    assert "Stock. “Over the past" in scraped.text
    assert scraped.title is None and scraped.published_at is None  # nothing in the page to recover


def test_advisory_fields_are_kept_even_when_their_labels_are_template(shared, templates):
    raw = corpus_file(shared, "miami_dade_fl", "press-release_media-advisory-4-charged-in-drug-overdose-death-of-music-festival-visitor.txt")
    assert {"WHO:", "WHEN:", "WHERE:"} <= templates["miami_dade_fl"]
    text = clean_document(raw, boilerplate=templates["miami_dade_fl"]).text
    assert "WHO: State Attorney Katherine Fernandez Rundle City of Miami Police Chief" in text
    assert "WHEN: March 18, 2026 2:00 PM" in text
    assert text.endswith("WHERE: State Attorney’s Office, 1350 NW 12 Avenue, Room S-418-19, Miami, FL 33136")

    raw = corpus_file(shared, "orange_ca", "press_preliminary-hearing-to-begin-on-theology-student-charged-with-stabbing-murder-of-husband.txt")
    text = clean_document(raw, boilerplate=templates["orange_ca"]).text
    assert text.endswith("WHERE: Department N-12, North Justice Center, Fullerton")  # a field, not trailing chrome


def test_chrome_after_a_page_cut_mid_sentence_goes(shared, templates):
    raw = corpus_file(
        shared, "orange_ca",
        "press_attorney-arrested-for-murder-for-financial-gain-of-ex-wife-by-strangling-and-throwing-her-overboard-on-italian-cru.txt",
    )
    assert "Regional Fugitive Task Force,\nShare\nLatest Posts" in raw
    text = clean_document(raw, boilerplate=templates["orange_ca"]).text
    assert text.endswith("US Marshals Florida Regional Fugitive Task Force,") and "Latest Posts" not in text


@pytest.mark.parametrize(
    "office, name, reason",
    [
        ("los_angeles_ca", "media_news_charged-murderer-pleads-not-guilty-shooting-death-caltech-scientist.txt", "bot-wall"),
        ("dallas_tx", "government_district-attorney_press-releases_press-releases-22_php.txt", "index-page"),
        ("maricopa_az", "403_Newsroom.txt", "index-page"),
        ("maricopa_az", "435_Newsletter-Signup.txt", "too-short"),
        ("dallas_tx", "Assets_uploads_docs_district-attorney_press-release_2025_Pleadings_pdf.txt", "too-long"),
    ],
)
def test_non_articles_get_a_reason(shared, templates, office, name, reason):
    cleaned = clean_document(corpus_file(shared, office, name), boilerplate=templates[office])
    assert not cleaned.is_article
    assert cleaned.reason == reason and cleaned.detail
    assert cleaned.title is None and cleaned.published_at is None


@pytest.mark.parametrize(
    "raw, reason",
    [
        (None, "not-text"),
        ("  \n\t \n", "empty"),
        ("404 Not Found\nThe page you requested could not be found.\nBack to home", "error-page"),
    ],
)
def test_empty_undecodable_and_error_pages(raw, reason):
    cleaned = clean_document(raw)
    assert (cleaned.is_article, cleaned.reason, cleaned.word_count) == (False, reason, 0)
