"""Datelines and date mentions of an article.

Datelines are parsed by rules: spaCy tags all-caps places such as "TUNIS" poorly. Date mentions are found
from the words of the lexicon (a month name, a relative date): full dates ("March 29, 2018") are read
here (method 'pattern'); dates that need a reference point ("27 October", "last month", "Monday") are
resolved against the publication date by `crosswire.dates.relative_date` (method 'relative' or
'dateparser'), and stay unresolved (normalized None) without one. Reading a date is `crosswire.dates`'s job.

Normalized values are ISO 8601: a day (2021-10-27), a range (2021-10-27/2021-10-28), a month (2016-03)
or a year (2021).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from crosswire.dates import (
    DAY,
    DAY_MONTH_YEAR,
    DAY_RANGE,
    DMY,
    MDY,
    MONTH,
    MY,
    OF,
    NUMERIC,
    WEEKDAY,
    YEAR,
    day_without_year,
    make_date,
    month_number,
    parse_full_date,
    relative_date,
)
from crosswire.extract.gazetteer import lookup, other_city_name
from crosswire.extract.kb import load_kb
from crosswire.extract.lexicon import MONTH_WORDS, following, words
from crosswire.extract.text import Word, mention, select_spans
from crosswire.settings import DEFAULTS, ExtractSettings
from crosswire.vocabulary import vocabulary

# Date mentions are found from the words of the lexicon (lexicon.py): a month name or a relative date.
DATE_STARTS = " \n(“"  # what date words follow
_MONTH_SET = frozenset(MONTH_WORDS)
_DAYS_BEFORE = re.compile(rf"{DAY}(?:\s*{DAY_RANGE}\s*{DAY})?\s+{OF}$")
_WEEKDAY_BEFORE = re.compile(rf"{WEEKDAY},?\s+$")

_ACCENTED_CAPITALS = "À-ÖØ-Þ"  # "TÚNEZ", "MÉXICO"
# "TUNIS, Tunisia –", "SANTA ANA, Calif. –", "BROOKLYN, N.Y. —", "CHICAGO\n—", "(PHOENIX) –", and the region in
# brackets as French and Spanish releases write it: "TUNIS (Tunisie) –", "LA HAYA (Países Bajos) –"
_DATELINE = re.compile(
    rf"^[ \t]*(?:\((?P<paren>[A-Z][^()\n]{{1,40}}?)\)"
    rf"|(?P<caps>[A-Z{_ACCENTED_CAPITALS}][A-Z{_ACCENTED_CAPITALS}.'’ -]*[A-Z{_ACCENTED_CAPITALS}.])"
    rf"(?:(?:,[ \t]*|[ \t]*(?P<bracket>\())(?P<region>[A-Z][\w.]*(?:(?:[ \t]+|-)[A-Z][\w.]*){{0,2}})(?(bracket)\)))?"
    rf"|(?P<mixed>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){{0,2}}),[ \t]*(?P<mregion>[A-Z][\w.]*(?:[ \t][A-Z][a-z]+)?))"
    rf"(?:,?[ \t]*(?P<date>{MONTH}\s+{DAY},?\s+{YEAR}|{DAY_MONTH_YEAR}))?"
    # a dash ends the dateline (a hyphen only before a space: "HIT-AND-RUN" is none), or a comma or colon
    # beside a line break ("Miami, Florida\n\n,") or before the capitalised lead ("Miami, Florida, State
    # Attorney Katherine Fernandez Rundle ...": only after a state or country, see _dateline_match)
    r"(?:[ \t]*(?:\n[ \t]*){0,2}(?:[–—]+|-+(?=\s))|[ \t]*[,:][ \t]*\n|[ \t]*(?:\n[ \t]*){1,2}[,:]"
    r"|(?P<comma>[,:])[ \t]+(?=[A-Z]))",
    re.MULTILINE,
)
# A known place and the release's date: "Miami, November 12, 2025 –", "Miami-June 26, 2025 –", "Miami –
# February 12, 2025", "(Miami – November 8, 2024)", "Miami (October 7, 2024)".
_PLACE_DATE = re.compile(
    rf"^[ \t]*\(?(?P<place>[A-Z][\w.'’]*(?:[ \t-][A-Z][\w.'’]*){{0,3}})"
    rf"(?:,[ \t]*(?P<region>[A-Z][\w.]*(?:[ \t][A-Z][\w.]*)?))?[ \t]*[-–—,(][ \t]*"
    rf"(?P<date>{MONTH}\s+{DAY},?\s+{YEAR}|{DAY_MONTH_YEAR})\)?[ \t]*(?:[-–—:]+|(?=\n))",
    re.MULTILINE,
)
_PAREN_ANYWHERE = re.compile(r"\((?P<paren>[A-Z][^()\n]{1,40}?)\)[ \t]*[–—-]+")
# Labels that open a paragraph the way a dateline does.
_NOT_DATELINES = frozenset(vocabulary("datelines")["not_datelines"])
_SENTENCE_AFTER = re.compile(r"\b[a-z]{2,}\b")
_COUNTY = re.compile(r"County|Parish")
_DATELINE_PART = re.compile(r"[^,()]+")  # "TUNIS, Tunisia", "TUNIS (Tunisie)"


def find_dateline(
    text: str, settings: ExtractSettings = DEFAULTS.extract
) -> tuple[str | None, list[dict], datetime | None]:
    """(dateline as written, location mentions of its places, date written in it), read from the first
    ``settings.dateline_within`` characters of the text (on the shared corpus every dateline starts in
    its first 1,000 characters)."""
    within = settings.dateline_within
    at = 0
    while 0 <= at < within:  # both patterns open a line: tried at each line's start only
        for pattern in (_DATELINE, _PLACE_DATE):
            m = pattern.match(text, at, within)
            if m and (found := _dateline_match(text, m)):
                return found
        at = text.find("\n", at, within) + 1 or within
    for m in _PAREN_ANYWHERE.finditer(text, 0, settings.dateline_within):
        found = _dateline_match(text, m)
        if found:
            return found
    return None, [], None


def _dateline_match(text: str, m: re.Match) -> tuple[str, list[dict], datetime | None] | None:
    """The dateline of a candidate match, if a sentence follows it and its place reads as one."""
    groups = m.groupdict()
    after = text[m.end() : m.end() + 120]
    first = after.split(maxsplit=1)[0] if after.strip() else ""
    if not _SENTENCE_AFTER.search(after) or (first.isupper() and len(first) > 3 and not _names_a_body(first)):
        return None  # "MEDIA ADVISORY –INVOLVED SHOOTING INVESTIGATION" is a headline, "FRONTEX, the ..." a sentence
    if groups.get("paren"):
        start, end = m.span("paren")
        parts = [p.strip() for p in text[start:end].split(",")]
        if len(parts) > 2 or not lookup(parts[0]) and not _COUNTY.search(parts[0]):
            return None
    elif groups.get("caps"):
        start = m.start("caps")
        end = m.end("caps")
        if groups.get("region"):
            end = m.end("region") + (1 if groups.get("bracket") else 0)  # "TUNIS (Tunisie)" with its bracket
        if not _caps_place(groups["caps"].strip(), groups.get("region"), bool(groups.get("comma"))):
            return None
    elif groups.get("place"):
        start, end = m.start("place"), m.end("region") if groups.get("region") else m.end("place")
        region = groups.get("region")
        if not (_is_region(region) if region else lookup(groups["place"])):
            return None
    elif groups.get("mixed"):
        if not _is_region(groups["mregion"]):
            return None
        start, end = m.start("mixed"), m.end("mregion")
    else:
        return None
    dateline = text[start:end].strip()
    return dateline, _dateline_places(text, start, end), parse_full_date(groups.get("date") or "")


def _names_a_body(word: str) -> bool:
    return load_kb().lookup(word.strip(",.:;"), fuzzy=False) is not None


def _caps_place(city: str, region: str | None, comma: bool) -> bool:
    """Whether an all-caps opener is a dateline place: known, or followed by a known state or country
    ("TARZANA, Calif.", not "RAPE, SODOMY"), or one unknown word before a dash ("COUNTYWIDE –", not
    "PRESS CONFERENCE –")."""
    if city in _NOT_DATELINES or len(city.split()) > 4 or len(city.replace(".", "")) < 3:
        return False
    if lookup(city) or other_city_name(city):
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
    parts = []
    for part in _DATELINE_PART.finditer(text, start, end):
        s, e = part.start() + len(part.group()) - len(part.group().lstrip()), part.start() + len(part.group().rstrip())
        if e > s:
            parts.append((s, e, lookup(text[s:e]) or other_city_name(text[s:e])))
    regional = any(p and p.kind in ("state", "country") for _, _, p in parts[1:])
    out = []
    for s, e, place in parts:
        if place or regional:
            name = place.name if place else text[s:e].title() if text[s:e].isupper() else text[s:e]
            out.append(mention(text, "location", s, e, name, "dateline", 0.95 if place else 0.75))
    return out


def date_mentions(text: str, base: datetime | None) -> list[dict]:
    """Date mentions with ISO values; relative ones resolved against ``base``. Where matches overlap,
    a full date wins over a month or a numeric date, and those over a relative word."""
    cands = []
    found = words(text)
    for word in following(text, sorted(found["month"] + found["relative"], key=Word.start), DATE_STARTS):
        if word.group() not in _MONTH_SET:
            value, method = relative_date(word.group(), base)
            cands.append((1, mention(text, "date", *word.span(), value, method, 0.7 if value else 0.3)))
            continue
        for m in (MDY.match(text, word.start()), _day_month(text, word.start())):
            if m:
                value, method, conf = _day_value(m, base)
                weekday = _WEEKDAY_BEFORE.search(text, max(0, m.start() - 12), m.start())  # "Tuesday, Dec. 15, 2009"
                start = weekday.start() if weekday else m.start()
                cands.append((3, mention(text, "date", start, m.end(), value, method, conf)))
        m = MY.match(text, word.start())
        if m:
            value = f"{int(m.group('y')):04d}-{month_number(m.group('mon')):02d}"
            cands.append((2, mention(text, "date", m.start(), m.end(), value, "pattern", 0.9)))
    for m in NUMERIC.finditer(text) if "/19" in text or "/20" in text else ():
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
    m = DMY.match(text, days.start())
    return m if m and m.start("mon") == month else None


def _day_value(m: re.Match, base: datetime | None) -> tuple[str | None, str, float]:
    mon, d, d2, y = m.group("mon"), m.group("d"), m.group("d2"), m.group("y")
    if y:
        days = [make_date(int(y), mon, x) for x in (d, d2) if x]
        method, conf = "pattern", 0.95
    else:  # "27 and 28 October"
        days = [day_without_year(mon, x, base) for x in (d, d2) if x]
        method, conf = "relative", 0.8
    if not days or any(x is None for x in days):
        return None, method, 0.3
    return "/".join(x.isoformat() for x in days), method, conf
