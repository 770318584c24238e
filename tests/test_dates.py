"""crosswire.dates: the one reader of calendar dates, on the seeds, the corpus and forms written for it."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone

import dateparser
import pytest

from crosswire import dates
from crosswire.settings import DateSettings

CORPUS = "corpora/prosecutor-press-releases"


def dateparser_reads(expr: str, base: datetime) -> str | None:
    """What dateparser makes of a relative date on `base`, at the precision it reports."""
    data = dateparser.DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}).get_date_data(expr)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    if data.period == "month" and "month" in expr:
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}" if data.period == "year" else d.date().isoformat()


@pytest.mark.parametrize("line, day", [
    ("Posted on: June 5, 2026", "2026-06-05"), ("Date: Jan. 5, 2020", "2020-01-05"),
    ("2021-02-11 00:00:00", "2021-02-11"), ("2021-02-11T09:30:00Z", "2021-02-11"), ("11.02.2021", "2021-02-11"),
    ("Posted on 02/11/2021 by Press Office", "2021-02-11"), ("13/02/2021", "2021-02-13"),
    ("Release date: 11 February 2021", "2021-02-11"), ("Date Posted: Feb 11th, 2021", "2021-02-11"),
    ("Updated: February 12, 2021", None), ("Last modified: 2021-02-12 16:02:11", None),
    ("Thursday, 28 October 2021", "2021-10-28"), ("14 de enero de 2025", "2025-01-14"),
    ("June 5, 2026: Four charged in fraud ring", "2026-06-05"),
    ("He was charged on June 5, 2026, with fraud and theft of public funds in the county.", None),
])
def test_date_lines(line, day):
    found = dates.date_in_line(line)
    assert (dates.parse_date(found).date().isoformat() if found else None) == day


def test_parse_date_keeps_plausible_days():
    assert dates.parse_date("2021-02-11 00:00:00") == datetime(2021, 2, 11, tzinfo=timezone.utc)
    assert dates.parse_date("June 10, 2011") == datetime(2011, 6, 10, tzinfo=timezone.utc)
    assert dates.parse_date("March 3, 1985") is None  # before the earliest year
    assert dates.parse_date("March 3, 1985", DateSettings(earliest_year=1980)) is not None
    assert dates.parse_date("June 10, 2099") is None  # in the future
    assert dates.parse_date(float("nan")) is None and dates.parse_date("no date") is None


def test_published_date_of_the_seed(seeds):
    assert dates.find_published(seeds["published"]) == datetime(2021, 10, 28, tzinfo=timezone.utc)
    assert dates.opens_with_full_date(seeds["published"])


def test_release_date_found_as_a_search_finds_it(shared, seeds):
    """``labelled_date`` tries the case-insensitive regex only where the lower-cased text holds one of its
    words: it finds what a search of the whole text finds on every corpus page and seed, and on texts with
    the letters that match "i" and "s" but do not lower-case to them."""
    pages = [p.read_text(encoding="utf-8")[:3000] for p in sorted((shared / CORPUS).glob("*/*.txt"))]
    odd = ["Publİshed: March 3, 2021", "PUBLıSHED March 3, 2021", "Releaſed: 3 March 2021", "DATE: Jan. 5, 2020",
           "released from custody.\nFor Immediate Release\nMonday, June 7, 2021", "Posted March 3, 2021"]
    texts = pages + [s[:3000] for s in seeds.values()] + odd
    span = lambda m: m and (m.span(), m.group("date"))  # noqa: E731
    assert sum(1 for t in texts if dates.LABELLED_DATE.search(t)) > 100
    assert all(span(dates.labelled_date(t)) == span(dates.LABELLED_DATE.search(t)) for t in texts)
    # the letters of the words: in any case only their ASCII capitals and the three above
    letters = re.compile("[" + "".join(set("".join(dates.LABEL_WORDS)) - set(" :")) + "]", re.IGNORECASE)
    others = {chr(c) for c in range(0x80, 0x110000) if letters.fullmatch(chr(c))}
    assert others <= {"İ", "ı", "ſ", "\u212a"}  # the Kelvin sign matches "k", which none of the words holds



BASES = [datetime(2021, 10, 28), datetime(2021, 10, 25), datetime(2024, 2, 29), datetime(2023, 12, 31)]


@pytest.mark.parametrize("base", BASES)
def test_relative_dates_agree_with_dateparser(base):
    """The date arithmetic for common relative forms reads them as dateparser does."""
    for expr in {w.casefold() for w in dates.RELATIVE_WORDS}:
        assert dates.relative_date(expr, base)[0] == dateparser_reads(expr, base), expr
    for expr in ["27 October", "1 November", "29 February", "31 December"]:
        d, month = expr.split()
        assert dates.day_without_year(month, d, base).isoformat() == dateparser_reads(expr.lower(), base)


def test_plain_dates_read_as_dateparser_reads_them():
    """parse_date reads "June 10, 2011" without dateparser: as dateparser does, on dates of every form."""
    rng = random.Random(3)
    texts = [f"{rng.choice(list(dates.MONTHS))} {rng.choice(['', '0'])}{rng.randint(1, 31)}"
             f"{rng.choice(['', 'st', 'th'])}{rng.choice([',', ''])} {rng.randint(1980, 2039)}" for _ in range(300)]
    since_1980, now = DateSettings(earliest_year=1980), datetime.now(timezone.utc)
    for text in texts:
        parsed = dateparser.parse(text, languages=["en", "es"], settings={"PREFER_DAY_OF_MONTH": "first",
                                  "REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "MDY"})
        day = parsed and datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)
        assert dates.parse_date(text, since_1980) == (day if day and day <= now + timedelta(days=1) else None), text


def test_parse_date_is_utc_midnight_and_refuses_future_or_garbage():
    assert dates.parse_date("June 10, 2011") == datetime(2011, 6, 10, tzinfo=timezone.utc)
    assert dates.parse_date("14 de enero de 2025") == datetime(2025, 1, 14, tzinfo=timezone.utc)
    assert dates.parse_date("Sept. 27, 2016") == datetime(2016, 9, 27, tzinfo=timezone.utc)
    assert dates.parse_date("June 10, 2999") is None
    assert dates.parse_date("Case # 18HF0459") is None
    assert dates.parse_date(None) is None


def test_a_change_is_dated_apart_from_the_publication():
    assert dates.modified_in_line("Last modified: 2021-02-12 16:02:11") == "2021-02-12"
    assert dates.modified_in_line("Updated January 8, 2021 at 11 AM ET") == "January 8, 2021"
    assert dates.modified_in_line("Posted on June 5, 2026") is None
    assert dates.dated_line("Updated: Feb 12, 2021") and dates.dated_line("June 5, 2026")
