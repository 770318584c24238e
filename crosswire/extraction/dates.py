"""Datelines, publication dates and event dates.

Datelines are parsed by rules: spaCy tags all-caps places such as "TUNIS" poorly. Full dates
("March 29, 2018") are parsed here (method 'pattern'). Dates that need a reference point ("27 October",
"last month", "Monday") are resolved against the publication date by date arithmetic that gives
dateparser's reading with RELATIVE_BASE and PREFER_DATES_FROM='past' (method 'relative'; the tests
compare the two for every relative form the text is read for), at a small fraction of dateparser's
cost; forms dateparser reads as no date ("earlier this month", "last weekend") stay unresolved, and
dateparser itself reads any other form (method 'dateparser'). Without a publication date they stay
unresolved (normalized None).

Normalized values are ISO 8601: a day (2021-10-27), a range (2021-10-27/2021-10-28), a month (2016-03)
or a year (2021).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import lru_cache

from crosswire.extraction.places import lookup
from crosswire.extraction.lexicon import following, words
from crosswire.extraction.text import Word, mention, select_spans

MIN_PUBLISHED_YEAR = 1990
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)(?![a-z])"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?![a-z])\.?)"
)
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:19|20)\d\d"
# "March 29, 2018", "Dec. 15, 2009", "October 27-28"
_MDY = re.compile(
    rf"(?=[JFMASOND])(?P<mon>{MONTH})\s+(?P<d>{_D})(?:\s*(?:-|–|and|&)\s*(?P<d2>{_D}))?(?!\d)"
    rf"(?:,?\s+(?P<y>{_Y}))?(?!\d)"
)
# "28 October 2021", "27 and 28 October"
_DMY = re.compile(
    rf"(?=\d)(?<![\d,])(?P<d>{_D})(?:\s*(?:-|–|and|&|to)\s*(?P<d2>{_D}))?\s+(?:of\s+)?(?P<mon>{MONTH})"
    rf"(?:,?\s+(?P<y>{_Y}))?(?!\d)"
)
_MY = re.compile(rf"(?=[JFMASOND])(?P<mon>{MONTH})\s+(?:of\s+)?(?P<y>{_Y})(?!\d)")
_DAYS_BEFORE = re.compile(rf"{_D}(?:\s*(?:-|–|and|&|to)\s*{_D})?\s+(?:of\s+)?$")
_ISO = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)")
_WEEKDAY_BEFORE = re.compile(rf"{WEEKDAY},?\s+$")
_NUMERIC = re.compile(
    r"(?=\d)(?<![\d/-])(?P<m>1[0-2]|0?[1-9])/(?P<d>[12]\d|3[01]|0?[1-9])/(?P<y>(?:19|20)\d\d)(?![\d/])"
)
_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_RELATIVE_WORDS = (
    ["today", "yesterday", "tomorrow", "tonight"]
    + [f"{when} {unit}" for when in ("last", "this", "next", "earlier this", "later this")
       for unit in ("week", "month", "year", "weekend", "morning", "afternoon", "evening")]
    + [f"{when} {day}" for when in ("last", "this", "next") for day in _WEEKDAY_NAMES]
)
# The words date mentions are found from (see lexicon.py): a month name (the one literal all written
# dates share; the day before it is read back from there, "27 and 28 October") or a relative date ("last
# week", "Monday").
MONTH_WORDS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", *(abbr + dot for abbr in ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
                                          "Nov", "Dec") for dot in ("", ".")),
]
RELATIVE_WORDS = [*_WEEKDAY_NAMES, *_RELATIVE_WORDS, *(w[0].upper() + w[1:] for w in _RELATIVE_WORDS)]
DATE_STARTS = " \n(“"  # what date words follow
_MONTH_SET = frozenset(MONTH_WORDS)

# "TUNIS, Tunisia –", "SANTA ANA, Calif. –", "BROOKLYN, N.Y. —", "CHICAGO\n—", "(PHOENIX) –"
_DATELINE = re.compile(
    rf"^[ \t]*(?:\((?P<paren>[A-Z][^()\n]{{1,40}}?)\)"
    rf"|(?P<caps>[A-Z][A-Z.'’ -]*[A-Z.])(?:,[ \t]*(?P<region>[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*){{0,2}}))?"
    rf"|(?P<mixed>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){{0,2}}),[ \t]*(?P<mregion>[A-Z][\w.]*(?:[ \t][A-Z][a-z]+)?))"
    rf"(?:,?[ \t]*(?P<date>{MONTH}\s+{_D},?\s+{_Y}|{_D}\s+{MONTH}\s+{_Y}))?"
    # a dash ends the dateline (a hyphen only before a space: "HIT-AND-RUN" is none), or a comma or colon
    # beside a line break ("Miami, Florida\n\n,") or before the capitalised lead ("Miami, Florida, State
    # Attorney Katherine Fernandez Rundle ...": only after a state or country, see _dateline_match)
    r"(?:[ \t]*(?:\n[ \t]*){0,2}(?:[–—]+|-+(?=\s))|[ \t]*[,:][ \t]*\n|[ \t]*(?:\n[ \t]*){1,2}[,:]"
    r"|(?P<comma>[,:])[ \t]+(?=[A-Z]))",
    re.MULTILINE,
)
_PAREN_ANYWHERE = re.compile(r"\((?P<paren>[A-Z][^()\n]{1,40}?)\)[ \t]*[–—-]+")
# Labels that open a paragraph the way a dateline does.
_NOT_DATELINES = {
    "MEDIA ADVISORY", "FOR IMMEDIATE RELEASE", "UPDATE", "UPDATED", "NEWS RELEASE", "PRESS RELEASE", "STATEMENT",
    "CORRECTION", "ANNOUNCEMENT", "NOTE", "ALERT", "LIVE", "DATE", "CONTACT", "WHO", "WHAT", "WHEN", "WHERE", "WHY",
    "SPEAKERS", "BACKGROUND",
}
_SENTENCE_AFTER = re.compile(r"\b[a-z]{2,}\b")
_COUNTY = re.compile(r"County|Parish")
_RELEASE_DATE = re.compile(
    rf"(?:for immediate release|date:|posted on:?|published:?|released:?)[^\n]{{0,3}}[\s\S]{{0,60}}?"
    rf"(?P<date>(?:{WEEKDAY},?\s+)?{MONTH}\s+{_D},?\s+{_Y}|{_D}\s+{MONTH}\s+{_Y})",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    rf"^[ \t]*(?:{WEEKDAY},?\s+)?(?P<date>{MONTH}\s+{_D},?\s+{_Y}|{_D}\s+{MONTH},?\s+{_Y})[ \t]*$", re.MULTILINE
)


DATELINE_WITHIN = 2000


def find_dateline(text: str) -> tuple[str | None, list[dict], datetime | None]:
    """(dateline as written, location mentions of its places, date written in it), read from the
    opening of the text (on the shared corpus every dateline starts in its first 1,000 characters)."""
    for m in _DATELINE.finditer(text, 0, DATELINE_WITHIN):
        found = _dateline_match(text, m)
        if found:
            return found
    for m in _PAREN_ANYWHERE.finditer(text, 0, DATELINE_WITHIN):
        found = _dateline_match(text, m)
        if found:
            return found
    return None, [], None


def _dateline_match(text: str, m: re.Match) -> tuple[str, list[dict], datetime | None] | None:
    """The dateline of a candidate match, if a sentence follows it and its place reads as one."""
    groups = m.groupdict()
    after = text[m.end() : m.end() + 120]
    first = after.split(maxsplit=1)[0] if after.strip() else ""
    if not _SENTENCE_AFTER.search(after) or (first.isupper() and len(first) > 3):
        return None  # "MEDIA ADVISORY –INVOLVED SHOOTING INVESTIGATION" is a headline
    if groups.get("paren"):
        start, end = m.span("paren")
        parts = [p.strip() for p in text[start:end].split(",")]
        if len(parts) > 2 or not lookup(parts[0]) and not _COUNTY.search(parts[0]):
            return None
    elif groups.get("caps"):
        start = m.start("caps")
        end = m.end("region") if groups.get("region") else m.end("caps")
        if not _caps_place(groups["caps"].strip(), groups.get("region"), bool(groups.get("comma"))):
            return None
    elif groups.get("mixed"):
        if not _is_region(groups["mregion"]):
            return None
        start, end = m.start("mixed"), m.end("mregion")
    else:
        return None
    dateline = text[start:end].strip()
    return dateline, _dateline_places(text, start, end), parse_full_date(groups.get("date") or "")


def _caps_place(city: str, region: str | None, comma: bool) -> bool:
    """Whether an all-caps opener is a dateline place: known, or followed by a known state or country
    ("TARZANA, Calif.", not "RAPE, SODOMY"), or one unknown word before a dash ("COUNTYWIDE –", not
    "PRESS CONFERENCE –")."""
    if city in _NOT_DATELINES or len(city.split()) > 4 or len(city.replace(".", "")) < 3:
        return False
    if lookup(city):
        return True
    if region:
        return _is_region(region)
    return " " not in city and not comma


def _is_region(name: str) -> bool:
    place = lookup(name)
    return bool(place) and place.kind in ("state", "country")


def _dateline_places(text: str, start: int, end: int) -> list[dict]:
    """Location mentions of a dateline's parts. An unknown city counts as a place only when a known
    state or country follows it ("TARZANA, Calif."), not alone ("COUNTYWIDE")."""
    parts, pos = [], start
    for part in text[start:end].split(","):
        s, e = pos + len(part) - len(part.lstrip()), pos + len(part.rstrip())
        pos += len(part) + 1
        if e > s:
            parts.append((s, e, lookup(text[s:e])))
    regional = any(p and p.kind in ("state", "country") for _, _, p in parts[1:])
    out = []
    for s, e, place in parts:
        if place or regional:
            name = place.name if place else text[s:e].title() if text[s:e].isupper() else text[s:e]
            out.append(mention(text, "location", s, e, name, "dateline", 0.95 if place else 0.75))
    return out


def parse_full_date(s: str, min_year: int = 0) -> datetime | None:
    """The first date with day, month and year (from ``min_year`` on) in ``s`` ("March 29, 2018",
    "28 October 2021", "2021-10-28") as UTC midnight."""
    if "19" not in s and "20" not in s:  # every such date has a year, 19xx or 20xx
        return None
    found = [m for rx in (_MDY, _DMY, _ISO) for m in rx.finditer(s) if m.group("y") and int(m.group("y")) >= min_year]
    for m in sorted(found, key=lambda m: m.start()):
        if "mon" not in m.groupdict():  # ISO
            d = _valid_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            d = _make_date(int(m.group("y")), m.group("mon"), m.group("d"))
        if d:
            return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
    return None


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _make_date(year: int, month: str, day: str) -> date | None:
    try:
        return date(year, _MONTHS[month[:3].casefold()], int(_digits(day)))
    except (KeyError, ValueError):
        return None


_NON_DIGITS = re.compile(r"\D")


def _digits(s: str) -> str:
    return _NON_DIGITS.sub("", s)


def find_published(text: str, dateline_date: datetime | None = None) -> datetime | None:
    """Publication date written in the text: in the dateline, after "For Immediate Release" /
    "Date:" / "Posted on", on a line of its own near the top, else the first full date of the opening
    (about the first sentence). Dates before 1990 are events, not publication dates, in this corpus."""
    return next((d for d in _published_candidates(text[:3000], dateline_date) if d and d.year >= MIN_PUBLISHED_YEAR), None)


def _published_candidates(head: str, dateline_date: datetime | None):
    """The dates ``find_published`` weighs, best first; made one at a time, as the first that will do
    ends the search."""
    yield dateline_date
    m = _release_date(head)
    yield parse_full_date(m.group("date")) if m else None
    m = _DATE_LINE.search(head)
    yield parse_full_date(m.group("date")) if m else None
    yield parse_full_date(head[:300], MIN_PUBLISHED_YEAR)


# How each alternative of _RELEASE_DATE opens, in lower case.
_RELEASE_WORDS = ("for immediate release", "date:", "posted on", "published", "released")


def _release_date(head: str) -> re.Match | None:
    """``_RELEASE_DATE.search(head)``, tried only where the lower-cased text holds one of its words: the
    case-insensitive regex is otherwise tried at every position (several times slower). "ı" and "ſ" match
    "i" and "s" in any case but stay themselves in lower case, and "İ" lower-cases to two characters: a
    text with one of them is searched whole."""
    lowered = head.lower()
    if len(lowered) != len(head) or "ı" in head or "ſ" in head:
        return _RELEASE_DATE.search(head)
    starts = sorted(i for word in _RELEASE_WORDS for i in _occurrences(lowered, word))
    return next(filter(None, (_RELEASE_DATE.match(head, i) for i in starts)), None)


def _occurrences(text: str, word: str):
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


def date_mentions(text: str, base: datetime | None) -> list[dict]:
    """Date mentions with ISO values; relative ones resolved against ``base``. Where matches overlap,
    a full date wins over a month or a numeric date, and those over a relative word."""
    cands = []
    found = words(text)
    for word in following(text, sorted(found["month"] + found["relative"], key=Word.start), DATE_STARTS):
        if word.group() not in _MONTH_SET:
            value, method = _relative(word.group(), base)
            cands.append((1, mention(text, "date", *word.span(), value, method, 0.7 if value else 0.3)))
            continue
        for m in (_MDY.match(text, word.start()), _day_month(text, word.start())):
            if m:
                value, method, conf = _day_value(m, base)
                weekday = _WEEKDAY_BEFORE.search(text, max(0, m.start() - 12), m.start())  # "Tuesday, Dec. 15, 2009"
                start = weekday.start() if weekday else m.start()
                cands.append((3, mention(text, "date", start, m.end(), value, method, conf)))
        m = _MY.match(text, word.start())
        if m:
            value = f"{int(m.group('y')):04d}-{_MONTHS[m.group('mon')[:3].casefold()]:02d}"
            cands.append((2, mention(text, "date", m.start(), m.end(), value, "pattern", 0.9)))
    for m in _NUMERIC.finditer(text) if "/19" in text or "/20" in text else ():
        try:
            value = date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
        except ValueError:
            continue
        cands.append((2, mention(text, "date", m.start(), m.end(), value, "pattern", 0.85)))
    return select_spans(cands)


def _day_month(text: str, month: int) -> re.Match | None:
    """The "28 October 2021" date whose month name starts at ``month``, if a day stands before it."""
    if not any(ch.isdigit() for ch in text[max(0, month - 10) : month]):
        return None
    days = _DAYS_BEFORE.search(text, max(0, month - 30), month)
    if days is None or (days.start() and (text[days.start() - 1].isalnum() or text[days.start() - 1] in "_&-,")):
        return None
    m = _DMY.match(text, days.start())
    return m if m and m.start("mon") == month else None


def _day_value(m: re.Match, base: datetime | None) -> tuple[str | None, str, float]:
    mon, d, d2, y = m.group("mon"), m.group("d"), m.group("d2"), m.group("y")
    if y:
        days = [_make_date(int(y), mon, x) for x in (d, d2) if x]
        method, conf = "pattern", 0.95
    else:  # "27 and 28 October"
        days = [_day_without_year(mon, x, base) for x in (d, d2) if x]
        method, conf = "relative", 0.8
    if not days or any(x is None for x in days):
        return None, method, 0.3
    return "/".join(x.isoformat() for x in days), method, conf


def _day_without_year(month: str, day: str, base: datetime | None) -> date | None:
    """The latest such day on or before ``base``, as dateparser reads it."""
    if base is None:
        return None
    for year in range(base.year, base.year - 8, -1):  # back to a year where the day exists (29 February)
        d = _make_date(year, month, day)
        if d and d <= base.date():
            return d
    return None


def _relative(expr: str, base: datetime | None) -> tuple[str | None, str]:
    """(ISO value, method) of a relative date read on ``base``."""
    expr = " ".join(expr.casefold().split())
    if base is None or _UNREADABLE.search(expr):
        return None, "relative"
    value = _arithmetic(expr, base.date())
    if value:
        return value, "relative"
    return _dateparse(expr, base.date().isoformat()), "dateparser"


# Forms dateparser reads as no date ("earlier this month", "last weekend", "next morning"): not asked.
_UNREADABLE = re.compile(r"^(?:earlier|later) |^(?:last|next) (?:weekend|morning|afternoon|evening)$|^this weekend$")


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_SAME_DAY = {"today", "tonight", "this morning", "this afternoon", "this evening"}


def _arithmetic(expr: str, base: date) -> str | None:
    """The value dateparser gives the common relative forms, by date arithmetic; None for the others."""
    if expr in _SAME_DAY or expr == "this week":
        return base.isoformat()
    if expr in ("yesterday", "tomorrow", "last week", "next week"):
        days = {"yesterday": -1, "tomorrow": 1, "last week": -7, "next week": 7}[expr]
        return date.fromordinal(base.toordinal() + days).isoformat()
    when, _, day = expr.rpartition(" ")
    if day in _WEEKDAYS and when in ("", "last", "this", "next"):
        # "Monday" and "last Monday": the latest before the base day; "this Monday": the first on or after
        # it; "next Monday": the first after it
        ahead = (_WEEKDAYS.index(day) - base.weekday()) % 7
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
    """ISO value of ``expr`` read on ``base_day``, at the precision dateparser reports."""
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
