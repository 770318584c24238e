"""Calendar dates in press releases: the one place that reads them, for clean, extract and validation.

- `parse_date`: a value given as a date (page metadata, a feed's date, a date line) as midnight UTC.
- `date_in_line`: the date of a line that states one ("Posted on: June 5, 2026", "June 5, 2026: Title");
  `modified_in_line`: the date of a line that dates a change ("Last updated: ..."), kept apart.
- `parse_full_date`: the first date with day, month and year in a string.
- `lead_date`: the date a body's dateline carries ("Miami, November 12, 2025 – ...").
- `find_published`: the publication date a text states, by one rule (below).
- `relative_date`: a relative date ("last week", "Monday") resolved against a day.
- `labelled_date`: the first date after a label ("For Immediate Release", "Date:", "Posted on").
- `opens_with_full_date`: whether a text states a full date near its top (the validation's cue).

Which date is the publication date: a date given apart from the text (an export's field, a feed entry,
the page's metadata) first; else the date of the body's own dateline, the release's date as its issuer
wrote it ("Miami, November 12, 2025 – ..."; a page's header may date the post a week later); else the
date line of the header closest to the body (labelled as published,
posted, released ..., or a date alone, a template's timestamp; a line that dates a change, "Updated ...",
never: that is the page's modified date); else, in the text, the dateline's date, a labelled date ("For Immediate Release", "Date:", "Posted on"), a date on a line of its
own near the top, or the first full date of the opening. Dates before `DateSettings.earliest_year` are
events, not publication dates.

Month and weekday names come from `crosswire/data/dates.toml`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from crosswire.settings import DEFAULTS, DateSettings
from crosswire.vocabulary import alternation, vocabulary

_WORDS = vocabulary("dates")
MONTHS: dict[str, int] = {name: number for number, name in enumerate(_WORDS["months"], 1)}
MONTH_ABBREVIATIONS: list[str] = _WORDS["month_abbreviations"]
WEEKDAYS: list[str] = _WORDS["weekdays"]
_MONTH_NUMBER = {name[:3].casefold(): number for name, number in MONTHS.items()}
# Months of the other languages, read in full ("juin" and "juillet" share their first three letters)
OTHER_MONTHS: dict[str, int] = {spelling: number for months in _WORDS["months_by_language"].values()
                                for number, spellings in enumerate(months, 1) for spelling in spellings.split("|")}
DAY_RANGE = rf"(?:-|–|&|{'|'.join(_WORDS['day_range_words'])})"  # between two days: "27 and 28", "27 et 28"
OF = rf"(?:(?:{'|'.join(_WORDS['of_words'])})\s+)?"  # "28 of October", "28 de octubre de 2021"

# A month name as written in running text: case-sensitive, whole words, an abbreviation's stop included.
MONTH = rf"(?:(?:{alternation([*MONTHS, *OTHER_MONTHS])})(?![a-z])|(?:{alternation(MONTH_ABBREVIATIONS)})(?![a-z])\.?)"
_MONTH_INITIALS = "".join(sorted({name[0] for name in [*MONTHS, *OTHER_MONTHS]}))
WEEKDAY = rf"(?:{alternation(WEEKDAYS)})"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er)?"  # "1er juin" too
YEAR = r"(?:19|20)\d\d"
DAY_MONTH_YEAR = rf"{DAY}\s+{OF}{MONTH},?\s+{OF}{YEAR}"  # "28 October 2021", "28 de octubre de 2021"
# "March 29, 2018", "Dec. 15, 2009", "October 27-28"
MDY = re.compile(
    rf"(?=[JFMASOND])(?P<mon>{MONTH})\s+(?P<d>{DAY})(?:\s*(?:-|–|and|&)\s*(?P<d2>{DAY}))?(?!\d)"
    rf"(?:,?\s+(?P<y>{YEAR}))?(?!\d)"
)
# "28 October 2021", "27 and 28 October"
DMY = re.compile(
    rf"(?=\d)(?<![\d,])(?P<d>{DAY})(?:\s*{DAY_RANGE}\s*(?P<d2>{DAY}))?\s+{OF}(?P<mon>{MONTH})"
    rf"(?:,?\s+{OF}(?P<y>{YEAR}))?(?!\d)"
)
MY = re.compile(rf"(?=[{_MONTH_INITIALS}])(?P<mon>{MONTH})\s+{OF}(?P<y>{YEAR})(?!\d)")
ISO = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)")
NUMERIC = re.compile(r"(?=\d)(?<![\d/-])(?P<m>1[0-2]|0?[1-9])/(?P<d>[12]\d|3[01]|0?[1-9])/(?P<y>(?:19|20)\d\d)(?![\d/])")

# --- date lines -------------------------------------------------------------------------------------------

# Any case, as page headers write them ("JUNE 5, 2026"), in any language of dates.toml.
_ANY_CASE_MONTH = rf"(?:{alternation([*MONTHS, *MONTH_ABBREVIATIONS, *OTHER_MONTHS])})\.?"
LINE_DATE = re.compile(
    rf"\b(?:{_ANY_CASE_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # June 10, 2011
    rf"|\d{{1,2}}\s+{_ANY_CASE_MONTH},?\s+\d{{4}}"  # 28 October 2021
    rf"|\d{{1,2}}\s+de\s+(?:{alternation(OTHER_MONTHS)}),?\s+(?:(?:de|del)\s+)?\d{{4}}"  # 14 de enero de 2025
    r"|\d{4}-\d{2}-\d{2}(?=T\d|\b)"  # 2021-02-11, 2021-02-11T00:00:00Z
    r"|\d{1,2}\.\d{1,2}\.\d{4}\b"  # 11.02.2021: day first
    r"|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b)",  # 2/11/2021, 2/11/21
    re.I,
)


def _label(words: list[str]) -> re.Pattern:
    """What may stand before the date on a date line labelled with one or two of `words` (or none): the
    label, a byline ("Admin | "), a weekday."""
    label = rf"(?:{alternation(words)})"
    return re.compile(rf"^(?:{label}(?:\s+(?:{label}|on))?\s*[:|–—-]?\s*|[\w .]{{1,30}}\|\s*)?(?:{WEEKDAY},?\s*)?$",
                      re.I)


_LINE_LABEL = _label(_WORDS["date_labels"])
_MODIFIED_LABEL = re.compile(rf"^(?:{alternation(_WORDS['modified_labels'])})(?:\s+on)?\s*[:|–—-]?\s*"
                             rf"(?:{WEEKDAY},?\s*)?$", re.I)
_FOUR_DIGITS, _SHORT_YEAR = re.compile(r"\d{4}"), re.compile(r"/\d\d\b")  # a year, or two digits after a slash
DAY_OF_MONTH = re.compile(rf"^{_ANY_CASE_MONTH}\s+\d{{1,2}}$", re.I)  # "November 21" on yearly listing pages


def date_in_line(line: str) -> str | None:
    """The publication date of a date line ("Published February 19, 2026", "Date: ...", "June 5, 2026:
    Title", "2021-02-11 00:00:00"), as written; None for a line that dates a change ("Updated ...")."""
    found = _line_date(line)
    return found[1] if found and _LINE_LABEL.match(found[0]) else None


def modified_in_line(line: str) -> str | None:
    """The date of a line that dates a change to the page ("Last updated: February 20, 2026"), as written."""
    found = _line_date(line)
    return found[1] if found and _MODIFIED_LABEL.match(found[0]) else None


@lru_cache(maxsize=4096)  # asked of every block of a page, template lines among them
def dated_line(line: str) -> bool:
    """Whether `line` is a date line of either kind: a page's furniture, not its text."""
    found = _line_date(line)
    return bool(found) and bool(_LINE_LABEL.match(found[0]) or _MODIFIED_LABEL.match(found[0]))


@lru_cache(maxsize=4096)  # a site's date lines recur on its pages
def _line_date(line: str) -> tuple[str, str] | None:
    """(what stands before the date, the date) of a line short enough to be a date line: the date within its
    first LABEL_REACH characters, as a label, a byline or a weekday leave it."""
    if len(line) > 200 or not (_FOUR_DIGITS.search(line) or "/" in line and _SHORT_YEAR.search(line)):
        return None  # every date has its year
    match = LINE_DATE.search(line, 0, LABEL_REACH)
    if not match or (line.endswith(".") and len(line.split()) > 12):
        return None
    return line[: match.start()], match[0]


LABEL_REACH = 100  # characters: the longest label and weekday before a date, and the date


# --- dates given as values ----------------------------------------------------------------------------------

_DATEPARSER = {
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "DATE_ORDER": "MDY",
    "PARSERS": ["absolute-time"],
}
_PLAIN_DATE = re.compile(rf"({'|'.join(MONTHS)}) ([0-9]{{1,2}})(?:st|nd|rd|th)?,? ([0-9]{{4}})")
_ISO_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
# Numbers only: "11.02.2021" is day first (as every country that writes a stop between them reads it);
# "2/11/2021" month first (as US sources write it) unless its first number cannot be a month.
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


def parse_date(value, settings: DateSettings = DEFAULTS.dates) -> datetime | None:
    """A calendar date as midnight UTC; None for anything unparseable, before the earliest year or in the future."""
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return None
    day = _day(value) if isinstance(value, datetime) else _parse_day(str(value).strip())
    earliest = datetime(settings.earliest_year, 1, 1, tzinfo=timezone.utc)
    return day if day and earliest <= day <= datetime.now(timezone.utc) + timedelta(days=1) else None


@lru_cache(maxsize=4096)
def _parse_day(text: str) -> datetime | None:
    if _ISO_VALUE.match(text):  # metadata and feeds: no need for dateparser's language machinery
        try:
            return _day(datetime.fromisoformat(text))
        except ValueError:
            pass
    if day := _plain_day(text) or _numeric_day(text):
        return day
    import dateparser  # its import takes a second: only when a date needs it

    parsed = dateparser.parse(text, languages=["en", "es", "fr"], settings=_DATEPARSER)
    return _day(parsed) if parsed else None


def _plain_day(text: str) -> datetime | None:
    """The day of a valid "June 10, 2011" (1980-2039) as dateparser reads it, checked against it on every such
    string of those years with and without the comma, day suffix and leading zero; microseconds instead of
    dateparser's near millisecond, and most dates are spelled so. None for anything else."""
    match = _PLAIN_DATE.fullmatch(text)
    if not match or not 1980 <= (year := int(match[3])) < 2040:
        return None
    try:
        return datetime(year, MONTHS[match[1]], int(match[2]), tzinfo=timezone.utc)
    except ValueError:
        return None


def _numeric_day(text: str) -> datetime | None:
    if match := _DOTTED.fullmatch(text):
        day, month, year = map(int, match.groups())
    elif match := _SLASHED.fullmatch(text):
        month, day, year = map(int, match.groups())
        if month > 12:
            day, month = month, day
        year += 2000 if year < 100 else 0
    else:
        return None
    found = valid_date(year, month, day)
    return datetime(found.year, found.month, found.day, tzinfo=timezone.utc) if found else None


def _day(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)


# --- dates in running text ----------------------------------------------------------------------------------


def parse_full_date(s: str, min_year: int = 0) -> datetime | None:
    """The first date with day, month and year (from `min_year` on) in `s` ("March 29, 2018",
    "28 October 2021", "2021-10-28") as UTC midnight."""
    if "19" not in s and "20" not in s:  # every such date has a year, 19xx or 20xx
        return None
    found = [m for rx in (MDY, DMY, ISO) for m in rx.finditer(s) if m.group("y") and int(m.group("y")) >= min_year]
    for m in sorted(found, key=lambda m: m.start()):
        if "mon" not in m.groupdict():  # ISO
            d = valid_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            d = make_date(int(m.group("y")), m.group("mon"), m.group("d"))
        if d:
            return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
    return None


def valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_number(name: str) -> int:
    """1-12 of a month name or abbreviation as MONTH matches it."""
    return OTHER_MONTHS.get(name.casefold()) or _MONTH_NUMBER[name[:3].casefold()]


def make_date(year: int, month: str, day: str) -> date | None:
    try:
        return date(year, month_number(month), int(_NON_DIGITS.sub("", day)))
    except (KeyError, ValueError):
        return None


_NON_DIGITS = re.compile(r"\D")
LABELLED_DATE = re.compile(
    rf"(?:for immediate release|date:|posted on:?|published:?|released:?)[^\n]{{0,3}}[\s\S]{{0,60}}?"
    rf"(?P<date>(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY},?\s+{YEAR}|{DAY_MONTH_YEAR})",
    re.IGNORECASE,
)
_OWN_LINE = re.compile(
    rf"^[ \t]*(?:{WEEKDAY},?\s+)?(?P<date>{MONTH}\s+{DAY},?\s+{YEAR}|{DAY_MONTH_YEAR})[ \t]*$", re.MULTILINE
)
# How each alternative of LABELLED_DATE opens, in lower case.
LABEL_WORDS = ("for immediate release", "date:", "posted on", "published", "released")


def find_published(text: str, dateline_date: datetime | None = None,
                   settings: DateSettings = DEFAULTS.dates) -> datetime | None:
    """Publication date written in the text: in the dateline, after "For Immediate Release" / "Date:" /
    "Posted on", on a line of its own near the top, else the first full date of the opening (about the
    first sentence). Dates before the earliest year are events, not publication dates."""
    earliest = settings.earliest_year
    return next((d for d in _published_candidates(text[:3000], dateline_date, earliest) if d and d.year >= earliest),
                None)


def _published_candidates(head: str, dateline_date: datetime | None, earliest: int):
    """The dates find_published weighs, best first; made one at a time, as the first that will do ends the search."""
    yield dateline_date
    m = labelled_date(head)
    yield parse_full_date(m.group("date")) if m else None
    m = _OWN_LINE.search(head)
    yield parse_full_date(m.group("date")) if m else None
    yield parse_full_date(head[:300], earliest)


def lead_date(block: str) -> str | None:
    """The full date of the dateline that opens a body's first block: a place, then the date, then a dash,
    a colon or the block's end ("Miami, November 12, 2025 – ", "(Miami – November 8, 2024)")."""
    found = _LEAD_DATE.match(block)
    return found.group("date") if found else None


_LEAD_DATE = re.compile(
    rf"\(?[A-Z][^\n–—:()]{{0,40}}?[ \t]*[,(–—-][ \t]*\(?(?P<date>{MONTH}\s+{DAY},?\s+{YEAR}|{DAY_MONTH_YEAR})"
    rf"\)?[ \t]*(?:[–—:-]|\)|$)"
)


def labelled_date(head: str) -> re.Match | None:
    """The first labelled date ("For Immediate Release", "Date:", "Posted on" ...) of `head`: the same as
    `LABELLED_DATE.search(head)`, tried only where the lower-cased text holds one of its words: the
    case-insensitive regex is otherwise tried at every position (several times slower). "ı" and "ſ" match
    "i" and "s" in any case but stay themselves in lower case, and "İ" lower-cases to two characters: a
    text with one of them is searched whole."""
    lowered = head.lower()
    if len(lowered) != len(head) or "ı" in head or "ſ" in head:
        return LABELLED_DATE.search(head)
    starts = sorted(i for word in LABEL_WORDS for i in _occurrences(lowered, word))
    return next(filter(None, (LABELLED_DATE.match(head, i) for i in starts)), None)


def _occurrences(text: str, word: str):
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


def opens_with_full_date(text: str, within: int = 300) -> bool:
    """Whether a full calendar date stands in the first `within` characters: the text carries its date (the
    validation's cue, read by the reader that finds it)."""
    return parse_full_date(text[:within]) is not None


# --- relative dates -----------------------------------------------------------------------------------------

_RELATIVE = [*_WORDS["relative_days"],
             *(f"{when} {unit}" for when in _WORDS["relative_whens"] for unit in _WORDS["relative_units"]),
             *(f"{when} {day}" for when in ("last", "this", "next") for day in WEEKDAYS)]
# The words relative date mentions are found from: weekdays and relative phrases, as written or capitalised.
RELATIVE_WORDS = [*WEEKDAYS, *_RELATIVE, *(w[0].upper() + w[1:] for w in _RELATIVE)]
# Forms dateparser reads as no date ("earlier this month", "last weekend", "next morning"): not asked.
_UNREADABLE = re.compile(r"^(?:earlier|later) |^(?:last|next) (?:weekend|morning|afternoon|evening)$|^this weekend$")
_LOWER_WEEKDAYS = [d.casefold() for d in WEEKDAYS]
_SAME_DAY = {"today", "tonight", "this morning", "this afternoon", "this evening"}


def relative_date(expr: str, base: datetime | None) -> tuple[str | None, str]:
    """(ISO value, method) of a relative date read on `base`: date arithmetic that gives dateparser's
    reading with RELATIVE_BASE and PREFER_DATES_FROM='past' (method 'relative'), else dateparser itself
    (method 'dateparser'); forms dateparser reads as no date stay None."""
    expr = " ".join(expr.casefold().split())
    if base is None or _UNREADABLE.search(expr):
        return None, "relative"
    value = _arithmetic(expr, base.date())
    if value:
        return value, "relative"
    return _dateparse(expr, base.date().isoformat()), "dateparser"


def day_without_year(month: str, day: str, base: datetime | None) -> date | None:
    """The latest such day on or before `base`, as dateparser reads it."""
    if base is None:
        return None
    for year in range(base.year, base.year - 8, -1):  # back to a year where the day exists (29 February)
        d = make_date(year, month, day)
        if d and d <= base.date():
            return d
    return None


def _arithmetic(expr: str, base: date) -> str | None:
    """The value dateparser gives the common relative forms, by date arithmetic; None for the others."""
    if expr in _SAME_DAY or expr == "this week":
        return base.isoformat()
    if expr in ("yesterday", "tomorrow", "last week", "next week"):
        days = {"yesterday": -1, "tomorrow": 1, "last week": -7, "next week": 7}[expr]
        return date.fromordinal(base.toordinal() + days).isoformat()
    when, _, day = expr.rpartition(" ")
    if day in _LOWER_WEEKDAYS and when in ("", "last", "this", "next"):
        # "Monday" and "last Monday": the latest before the base day; "this Monday": the first on or after
        # it; "next Monday": the first after it
        ahead = (_LOWER_WEEKDAYS.index(day) - base.weekday()) % 7
        back = ahead - 7 if ahead else -7
        days = {"": back, "last": back, "this": ahead, "next": ahead or 7}[when]
        return date.fromordinal(base.toordinal() + days).isoformat()
    shift = {"last": -1, "this": 0, "next": 1}.get(expr.split()[0])
    if shift is not None and expr.endswith(" month"):
        months = base.year * 12 + base.month - 1 + shift
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    if shift is not None and expr.endswith(" year"):
        return f"{base.year + shift:04d}"
    return None


@lru_cache(maxsize=4096)
def _dateparse(expr: str, base_day: str) -> str | None:
    """ISO value of `expr` read on `base_day`, at the precision dateparser reports."""
    data = _parser(base_day).get_date_data(expr)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    if data.period == "month" and "month" in expr:
        return f"{d.year:04d}-{d.month:02d}"
    if data.period == "year":
        return f"{d.year:04d}"
    return d.date().isoformat()


@lru_cache(maxsize=64)
def _parser(base_day: str):
    import dateparser

    settings = {
        "RELATIVE_BASE": datetime.fromisoformat(base_day),
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return dateparser.DateDataParser(languages=["en"], settings=settings)
