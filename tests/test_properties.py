"""Properties of clean and extract on generated text: they never raise, offsets always slice the text,
and cleaning a cleaned text changes nothing."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crosswire.clean import clean_document, repair, unglue
from crosswire.extract import cached_nlp, extract_article
from crosswire.settings import Settings

ONE_WORD = Settings(clean={"min_article_words": 1})  # any text with a word is an article

# derandomize: the same examples in every run, so that CI's verdict depends on the change, not on the draw;
# a found failure is pinned with @example
FAST = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

# Lines of the kinds a release page is made of (titles, dates, datelines, quotes, contacts, chrome), mixed
# with random ones, so that the generated pages reach the header, footer and paragraph rules.
PAGE_LINES = [
    "Increasing cybercrime threats focus of regional policing dialogue", "28 October 2021", "Posted on June 10, 2011",
    "TUNIS, Tunisia – The growing threat of cybercrime was the focus of a meeting of police chiefs.",
    "SANTA ANA, Calif. – A man was charged Tuesday with burglary after officers found stolen goods in his car.",
    "“We are here to determine what the threats are,” said Secretary General Jürgen Stock.",
    "The defendant faces up to 10 years in prison if convicted on all counts filed by the District Attorney's Office.",
    "The investigation began in 2022, when investigators detected a pattern of fraudulent transfers.",
    "For Immediate Release: Man charged in burglary ring", "Contact: Susan Schroeder (714) 555-1212",
    "WHO: District Attorney", "1 / 8", "1 /", "8", "Share", "Skip to content", "Home", "Read more", "Latest News",
    "# # #", "CHICAGO", "—", "-", "responses.The network", "U.S. Attorney", "exhaus-", "tive review of the case",
    "", "",
]
# Wall and error sentinels ("Page not found") are left out of the pages cleaned twice: those verdicts read a
# page's first lines by design, and a second cleaning moves other lines to the top.
WRITING = string.ascii_letters + string.digits + string.punctuation + "  éüñçàÉ’‘“”–—…"
page_line = st.one_of(st.sampled_from(PAGE_LINES), st.text(WRITING, max_size=40))
pages = st.builds(lambda lines, sep: sep.join(lines), st.lists(page_line, max_size=25),
                  st.sampled_from(["\n", "\n\n", "\r\n"]))
any_text = st.text(st.characters(codec="utf-8"), max_size=400)

# Tokens of release prose (names, titles, acronyms, dates, quote marks) and odd Unicode whose case mapping
# changes the length of a string (İ, ß, ﬁ): offsets must still slice the text as written.
TOKENS = ["INTERPOL", "said", "told", "“", "”", '"', "“We", "”said", "Secretary", "General", "Jürgen", "Stock",
          "TUNIS,", "Tunisia", "SANTA ANA, Calif.", "–", "—", "-", "(AP)", "Oct.", "28,", "2021", "Monday", "March",
          "5", "and", "the", "of", "Police", "Department", "District", "Attorney", "Office", "Sheriff", "County",
          "Europol", "European", "Union", "Agency", "(EU)", "Federal", "Bureau", "Investigation", "(FBI)", "U.S.",
          "Mr.", "John", "Smith", "Jr.", "de", "la", "25-", "year-old", "charged", "with", "murder", "last", "week",
          "Paris", "France", ":", ",", ".", "’s", "ß", "İstanbul", "ﬁ", "\u212a", "ǅ"]
prose = st.builds(
    lambda pairs: "".join(token + sep for token, sep in pairs),
    st.lists(st.tuples(st.one_of(st.sampled_from(TOKENS), st.text(st.characters(codec="utf-8"), max_size=6)),
                       st.sampled_from([" ", " ", "", "\n", "\n\n"])), max_size=120),
)


def assert_offsets_slice(text: str, extraction) -> None:
    for m in extraction.mentions:
        assert 0 <= m["start"] <= m["end"] <= len(text) and text[m["start"]:m["end"]] == m["text"], m
    for q in extraction.quotes:
        assert 0 <= q["start"] <= q["end"] <= len(text) and text[q["start"]:q["end"]] == q["quote"], q


@FAST
@given(any_text)
def test_text_repair_is_idempotent(text):
    once = repair(text)
    assert repair(once) == once
    assert unglue(unglue(text)) == unglue(text)


@FAST
@given(st.one_of(any_text, pages), st.sampled_from(["text/plain", "text/html", None]))
def test_clean_never_raises_and_gives_a_verdict(text, content_type):
    cleaned = clean_document(text, content_type)
    assert cleaned.is_article == (cleaned.reason is None)
    assert cleaned.word_count == len(cleaned.text.split()) and 0.0 <= cleaned.junk_ratio <= 1.0


@FAST
@given(pages)
# found by this test: the first block of a text whose title came apart was dropped as its header
@example("0 0 0 0\r000 0 0 0 0 b")
# found by this test: a dropped "Read more" line kept a dateline out of reach of the paragraph before it
@example("Increasing cybercrime threats focus of regional policing dialogue\n"
         "The investigation began in 2022, when investigators detected a pattern of fraudulent transfers.\n"
         "Increasing cybercrime threats focus of regional policing dialogue\nRead more\n"
         "TUNIS, Tunisia – The growing threat of cybercrime was the focus of a meeting of police chiefs.")
# found by this test: words glued across a full stop made a dateline too short until they were unglued
@example("Increasing cybercrime threats focus of regional policing dialogue\n"
         "“We are here to determine what the threats are,” said Secretary General Jürgen Stock.\n"
         "TUNIS, Tunisia – The growing threat of cybercrime was the focus of a meeting of police chiefs.\n"
         "responses.The network\nresponses.The network")
def test_cleaning_a_cleaned_text_changes_nothing(page):
    """A cleaned text, cleaned again with its title given apart (as an export carries it), stays as it is."""
    first = clean_document(page, settings=ONE_WORD)
    if first.is_article:
        again = clean_document(first.text, settings=ONE_WORD,
                               hints={"title": first.title or "A title", "published": first.published_at})
        assert (again.text, again.is_article) == (first.text, True)


@FAST
@given(st.one_of(prose, any_text))
def test_extraction_never_raises_and_offsets_slice_the_text(text):
    assert_offsets_slice(text, extract_article(text))


@settings(FAST, max_examples=60)
@given(prose)
def test_extraction_with_the_ner_model_keeps_offsets_valid(text):
    nlp, _ = cached_nlp("auto")
    assert_offsets_slice(text, extract_article(text, nlp=nlp))


@settings(FAST, max_examples=60)
@given(pages)
def test_extraction_of_cleaned_pages_keeps_offsets_valid(page):
    cleaned = clean_document(page, settings=ONE_WORD)
    assert_offsets_slice(cleaned.text, extract_article(cleaned.text, title=cleaned.title,
                                                      published_at=cleaned.published_at))


def test_cleaning_real_releases_twice_changes_nothing(shared):
    pages = sorted((shared / "corpora" / "prosecutor-press-releases").rglob("*.txt"))[::150]
    articles = [c for c in (clean_document(p.read_text(encoding="utf-8", errors="replace")) for p in pages)
                if c.is_article]
    assert len(articles) >= 30
    for first in articles:
        again = clean_document(first.text, hints={"title": first.title or "A title", "published": first.published_at})
        assert again.text == first.text
