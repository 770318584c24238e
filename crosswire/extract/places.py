"""Locations: places of the gazetteer (``gazetteer``) matched where the text marks a place ("in Mission
Viejo", "Santa Ana, Calif.", "Allard, 30, Concord"), plus spaCy GPE/LOC names."""

from __future__ import annotations

import re
from functools import lru_cache

from crosswire.dates import MONTHS, WEEKDAYS
from crosswire.extract.gazetteer import US_STATE_ABBREVIATIONS, Place, lookup
from crosswire.extract.lexicon import following, words
from crosswire.extract.text import (
    CACHE_SIZE,
    LOWER_STARTS,
    SP,
    Spans,
    WordRegex,
    find_words,
    literal_pattern,
    mention,
    select_spans,
)
from crosswire.vocabulary import vocabulary

_VOCABULARY = vocabulary("places")
# City names that are also everyday capitalised words in press releases ("Chief of Police").
_NOT_PLACES = frozenset(_VOCABULARY["not_places"])
_CUE = literal_pattern(_VOCABULARY["cues"])
_CAPS = r"[A-Z][\w'’.-]*(?:[^\S\n]+[A-Z][\w'’.-]*){0,3}"
_AFTER_CUE = WordRegex(rf"{_CUE}{SP}(?:the{SP})?(?P<place>{_CAPS})", starts=" \n“")
_RESIDENCE = re.compile(rf",{SP}\d{{1,3}},{SP}(?:of{SP})?(?P<place>{_CAPS})")
_CUE_BEFORE = re.compile(rf"\b{_CUE}\s+(?:the\s+)?$")
_CAPITALISED = re.compile(r"[A-Z][\w'’.-]*")
_WORDS = re.compile(r"[^\s,]+")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")


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
            goes_on = n < len(words) and words[n].group().rstrip(".,;:") not in _DAY_WORDS
            return None if goes_on else (s, e, place)  # "Golden" of "the Golden Eagle Award" is no place
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
        end = _whole_word_end(text, end)
        name = _LEADING_THE.sub("", text[start:end])
        start = end - len(name)
        if _POSSESSIVE_END.search(name):  # "Miami-Dade County’s": the place without its possessive
            name, end = name[:-2], end - 2
        if (after := _NAME_GOES_ON.match(text, end)) and after.group(1) not in _DAY_WORDS and not lookup(
                name + after.group()):
            continue  # a piece of a longer name: "Golden" of "Golden Eagle Award", not "Chicago" of "in Chicago Tuesday"
        place = lookup(name)
        if place is None and not _plausible_place(text, start, name):
            continue
        normalized = place.name if place else (name.title() if name.isupper() else name)
        cands.append((1, mention(text, "location", start, end, normalized, "ner", 0.75)))
    cands = [(p, m) for p, m in cands if not blocked.overlaps((m["start"], m["end"]))]
    return select_spans(cands)


_POSSESSIVE_END = re.compile(r"['’]s$")
_NAME_GOES_ON = re.compile(r"[^\S\n]+([A-Z][a-z]+)")
_DAY_WORDS = frozenset([*WEEKDAYS, *MONTHS])


def _whole_word_end(text: str, end: int) -> int:
    """The end of the word an NER span ends in ("South Miami-" of "South Miami-Dade")."""
    while end < len(text) and (text[end].isalnum() or text[end] in "-’'" and end + 1 < len(text) and text[end + 1].isalnum()):
        end += 1
    return end


def _plausible_place(text: str, start: int, name: str) -> bool:
    """An NER place the gazetteer lacks ("Tarzana", "Little Village") is kept when it reads as one:
    capitalised words only, none of them an office word, and several words or a place cue before it
    ("Participating" opening a sentence is no place)."""
    words = name.split()
    if not all(_CAPITALISED.fullmatch(w) for w in words) or set(words) & _OFFICE_WORDS:
        return False
    return len(words) > 1 or bool(_CUE_BEFORE.search(text, max(0, start - 20), start))


_OFFICE_WORDS = frozenset(_VOCABULARY["office_words"])
