"""Clean on the corpus slice kept in the repository (tests/fixtures/corpus): real pages of every office,
tested whether or not ../shared is beside the repository."""

from __future__ import annotations

from crosswire.clean import clean_document
from tests.clean.helpers import CHROME

JUNK = {"media_news_carmax-pay-11-m-settle-consumer-protection-lawsuit.txt": "bot-wall",
        "403_Newsroom.txt": "index-page", "435_Newsletter-Signup.txt": "too-short"}


def test_every_release_of_the_slice_is_an_article_and_its_junk_is_quarantined(corpus_slice):
    pages = {name: clean_document(text) for office in corpus_slice.values() for name, text in office.items()}
    assert len(corpus_slice) == 8 and len(pages) == 17
    assert {name: page.reason for name, page in pages.items() if not page.is_article} == JUNK
    articles = [page for name, page in pages.items() if name not in JUNK]
    assert all(page.word_count >= 100 and page.language == "en" for page in articles)
    assert not any(CHROME.search(page.text) for page in articles)
    assert sum(page.title is not None for page in articles) >= 12 and sum(page.published_at is not None
                                                                           for page in articles) >= 11
