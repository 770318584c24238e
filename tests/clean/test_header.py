"""The header block: title, date and author read from it, and cut from the body."""

from __future__ import annotations

from datetime import date, datetime, timezone

from crosswire.clean import clean_document, split_lines
from crosswire.clean.header import PageTitle, find_decks
from crosswire.clean.patterns import SEPARATOR
from crosswire.clean.text import count_words, match_key, same_text
from tests.clean.helpers import CHROME, CORPUS, corpus_file


def test_published_seed_header_becomes_metadata(seeds):
    cleaned = clean_document(seeds["published"])
    assert cleaned.is_article and cleaned.reason is None
    assert cleaned.title == "Increasing cybercrime threats focus of INTERPOL’s regional policing dialogue"
    assert cleaned.published_at == datetime(2021, 10, 28, tzinfo=timezone.utc)
    assert cleaned.text.startswith("TUNIS, Tunisia – Gathering at the INTERPOL Dialogue")  # dateline stays
    assert "Coordinating regional efforts" not in cleaned.text  # standfirst was header
    assert "\n/\n" not in cleaned.text
    assert cleaned.language == "en" and cleaned.word_count > 300
    assert 0 < cleaned.junk_ratio < 0.2


def test_hints_from_a_json_export_win(seeds):
    cleaned = clean_document(seeds["scraped"], hints={"title": "Regional dialogue", "published": "2021-10-28T09:00:00Z"})
    assert cleaned.title == "Regional dialogue"
    assert cleaned.published_at == datetime(2021, 10, 28, tzinfo=timezone.utc)


def test_orange_page_loses_navigation_contacts_and_footer(shared, templates):
    raw = corpus_file(
        shared, "orange_ca",
        "press_ocda-rapid-dna-program-rapidly-identifies-felon-charged-with-robbing-mission-viejo-donut-shop-cashier-at-knifepoin.txt",
    )
    cleaned = clean_document(raw, boilerplate=templates["orange_ca"])
    assert cleaned.text.startswith("SANTA ANA, Calif. – The Orange County District Attorney’s Office (OCDA) Rapid DNA")
    assert cleaned.title == (
        "OCDA RAPID DNA PROGRAM RAPIDLY IDENTIFIES FELON CHARGED WITH ROBBING MISSION VIEJO DONUT SHOP CASHIER AT KNIFEPOINT"
    )
    assert cleaned.published_at.date() == date(2018, 3, 29)
    assert cleaned.author == "Lei Lani Fera"  # the header's "Author" / name, kept as metadata
    assert not CHROME.search(cleaned.text)
    for chrome in ("Travis Dereck Allard\n\nShare", "Placentia Mother", "Please leave this field empty", "min read"):
        assert chrome not in cleaned.text
    assert cleaned.text.rstrip().endswith("enhance public safety.")


def test_release_date_beats_the_sites_published_stamp(shared, templates):
    raw = corpus_file(
        shared, "orange_ca",
        "press_wrong-way-drunken-driver-charged-with-killing-two-sisters-and-injuring-their-two-nieces-after-head-on-freeway-cras.txt",
    )
    assert "Published\nDecember 18, 2009" in raw and "December 17, 2009" in raw
    cleaned = clean_document(raw, boilerplate=templates["orange_ca"])
    assert cleaned.published_at.date() == date(2009, 12, 17)
    assert cleaned.text.startswith("FULLERTON – A drunken driver")
    assert "Office: 714-347-8408" not in cleaned.text


def test_decks_and_title_cuts_are_found_as_line_by_line_comparison_finds_them(shared):
    """The decks found by sorting, and the heading a page's title line names, are those found by comparing
    every line with every other (as the header was read before), on the opening lines of corpus pages."""
    heads = [corpus_lines_of(f)[:40] for f in sorted((shared / CORPUS).glob("*/*.txt"))[::40]]
    heads.append(["Four Charged in a Fraud", "Four Charged in a Fraud of Millions", "of a Fraud of Millions, say police",
                  "Say police of a Fraud of Millions", "Home | Four Charged in a Fraud - Office", "Home | Four Charged"])
    assert len(heads) > 150
    for lines in heads:
        context = lines + ["Four Charged in a Fraud of Millions - Office"]
        naive = [d for d in lines if count_words(d) >= 4 and any(o != d and (o.startswith(d) or o.endswith(d))
                                                                    for o in context)]
        assert find_decks(lines, context) == naive
        for page in lines[:3]:
            prefixes = [page[: m.start()] for m in reversed(list(SEPARATOR.finditer(page)))]
            title = PageTitle(page)
            assert {x for x in lines if title.names(match_key(x))} == {
                x for x in lines if match_key(x) in {match_key(p) for p in [page, *prefixes]}}
            found = next((h for p in prefixes if (h := next((x for x in lines[1:] if same_text(x, p)), None))
                          and count_words(p) >= 2), None)
            assert title.heading(lines[1:]) == found


def corpus_lines_of(path) -> list[str]:
    return [line for line in split_lines(path.read_text(encoding="utf-8")) if line]
