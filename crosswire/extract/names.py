"""Personal names: what a name is made of, where one starts and ends in a text, and how the mentions of
one person join.

A name is capitalised words, with particles ("Mohammed Ben Ali Koman"), initials, a nickname and a
suffix; stop words and title words are cut off at either side (``trim_name``). ``people`` finds the
candidate mentions from their cues; ``group_people`` joins them into people: variants of one full name
join, and a one-word name joins the nearest earlier full name it ends or starts. The word lists are in
crosswire/data/people.toml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from crosswire.extract.text import CACHE_SIZE, SP
from crosswire.vocabulary import vocabulary

_VOCABULARY = vocabulary("people")
# A name as the regexes read it: words or initials (``_NT``), with particles and a nickname between them and
# a suffix after them.
_NT = (
    r"(?!(?:Jr|Sr)\.)(?:(?:Mc|Mac|O[’']|D[’']|De|Di|La|Le|Van)[A-Z][a-zà-öø-ÿ]+"
    r"|[A-Z][a-zà-öø-ÿ]+(?:[-’'][A-Z][a-zà-öø-ÿ]+)*|[A-Z]\.|[A-Z]{2}(?=[^\S\n]+[A-Z][a-z]))"
)
_PARTICLE = r"(?:de|del|de la|da|van|von|bin|ben|al|el|la|le)"
_NICKNAME = rf"(?:[\"“][A-Z][a-z]+[\"”]{SP})?"
NAME = rf"{_NT}(?:{SP}{_NICKNAME}(?:{_PARTICLE}{SP})?{_NT}){{0,3}}(?:,?{SP}(?:Jr\.|Sr\.|II|III|IV)(?!\w))?"
# Patterns whose name comes first are found from their cue, then the name just before it is read back:
# trying a name at every capital letter of the text costs far more.
_NAME_END = re.compile(rf"(?<![\w'’.-])(?:{NAME})\Z")
NAME_START = re.compile(rf"{SP}(?:{_NT})")  # a name's first word after spaces
_TOKEN = re.compile(r"[^\s,]+")
# Capitalised words that are not part of a person's name, and the words after the first of other languages'
# titles ("Directora Ejecutiva de AFRIPOL, Amina Diallo": "Ejecutiva" is no name).
STOP = frozenset([*_VOCABULARY["stop"], *(word for titles in _VOCABULARY["other_titles"].values()
                                          for title in titles for word in title.split()[1:] if word[0].isupper())])
_SUFFIXES = frozenset(_VOCABULARY["suffixes"])


@dataclass
class Person:
    name: str
    role: str | None = None
    affiliation: str | None = None
    spans: list[tuple[int, int, str, float]] = field(default_factory=list)  # start, end, method, confidence

    @property
    def last(self) -> str:
        return _last_name(self.name)

    @property
    def first(self) -> str:
        return _first_name(self.name)


@lru_cache(maxsize=CACHE_SIZE)
def _last_name(name: str) -> str:
    tokens = [t for t in name.split() if t not in _SUFFIXES]
    return tokens[-1] if tokens else name


@lru_cache(maxsize=CACHE_SIZE)
def _first_name(name: str) -> str:
    return name.split()[0]


@dataclass
class Candidate:
    """A mention that may be a person's: its span, the name as written, and what was found with it."""

    start: int
    end: int
    name: str
    role: str | None
    affiliation: str | None
    method: str
    confidence: float


def name_before(text: str, pos: int) -> tuple[int, int] | None:
    """Span of the full name (two words or more) ending at ``pos``, before spaces, "," or "("."""
    while pos > 0 and text[pos - 1] in " \t\n,(":
        pos -= 1
    start = pos
    for _ in range(6):  # back over the words a name can be made of, so that the regex reads only those
        word_start = max(text.rfind(" ", 0, start - 1), text.rfind("\n", 0, start - 1)) + 1
        word = text[word_start:start].strip()
        if not word or not (word[0].isupper() or word in PARTICLES or word[0] in "\"“"):
            break
        start = word_start
    if start == pos:  # "he was charged": no name
        return None
    m = _NAME_END.search(text, start, pos)
    return trim_name(text, m.start(), m.end(), min_tokens=2) if m else None


def trim_name(text: str, start: int, end: int, min_tokens: int = 1) -> tuple[int, int] | None:
    """The span of the name proper: stop words and title words cut off at either side."""
    span = _name_proper(text[start:end], min_tokens)
    return (start + span[0], start + span[1]) if span else None


@lru_cache(maxsize=CACHE_SIZE)
def _name_proper(words: str, min_tokens: int) -> tuple[int, int] | None:
    """Span of the name proper in ``words``; cached, since the same names recur."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(words)]
    stops = [
        i for i, t in enumerate(tokens)
        if (t[2].rstrip(".") in STOP or t[2] in STOP) and not _is_initial(t[2])  # "A." is an initial
    ]
    if stops:
        # keep the longest stretch without a stop word, but not one that qualifies an office
        # ("Los Angeles" in "Los Angeles County District Attorney Nathan J. Hochman")
        stretches, run = [], []
        for i, t in enumerate(tokens + [(0, 0, "")]):
            if i in stops or i == len(tokens):
                if run and not (i < len(tokens) and tokens[i][2] in _OFFICE_WORDS):
                    stretches.append(run)
                run = []
            else:
                run.append(t)
        tokens = max(stretches, key=len) if stretches else []
    while tokens and (_is_initial(tokens[-1][2]) or tokens[-1][2] in PARTICLES):
        tokens = tokens[:-1]
    while tokens and tokens[0][2] in PARTICLES:  # "de Dallas" is no one's name
        tokens = tokens[1:]
    if not tokens or len(tokens) < min_tokens:
        return None
    s, e = tokens[0][0], tokens[-1][1]
    if words[e - 2 : e] in ("’s", "'s"):
        e -= 2
    return (s, e) if e > s else None


_OFFICE_WORDS = frozenset(_VOCABULARY["office_words"])


def _is_initial(token: str) -> bool:
    return len(token) == 2 and token[1] == "." and "A" <= token[0] <= "Z"


PARTICLES = frozenset(_VOCABULARY["particles"])


@lru_cache(maxsize=1)
def census_given_names() -> frozenset[str]:
    """The given names of the US census (the ``names`` package's lists, 5,163 names), in upper case."""
    folder = files("names")
    return frozenset(
        line.split()[0] for part in ("dist.male.first", "dist.female.first")
        for line in (folder / part).read_text(encoding="ascii").splitlines() if line.strip()
    )


@lru_cache(maxsize=CACHE_SIZE)
def given_name(word: str) -> bool:
    """Whether ``word`` is a known given name ("Tomás" as "TOMAS")."""
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().upper()
    return plain in census_given_names()


def name_start(tokens: list[str]) -> int:
    """Where a name starts in capitalised words that end with it: at its first given name ("Forensic
    Accountant David Wall" -> "David Wall"); without one, at the first word (three words at most, else
    the last two)."""
    first = next((i for i, t in enumerate(tokens[:-1]) if given_name(t)), None)
    if first is not None:
        return first
    return 0 if len(tokens) <= 3 else len(tokens) - 2


def group_people(cands: list[Candidate]) -> list[Person]:
    """People from candidate mentions: variants of one full name join ("Nathan J. Hochman",
    "Nathan Hochman"); a one-word name joins the nearest earlier full name it ends or starts."""
    cands = sorted(cands, key=lambda c: (c.start, -(c.end - c.start)))
    people: list[Person] = []
    singles: list[Candidate] = []
    for c in cands:
        tokens = [t for t in c.name.split() if t not in _SUFFIXES]
        if len(tokens) < 2:
            singles.append(c)
            continue
        person = next((p for p in people if _same_person(p.name, c.name)), None)
        if person is None:
            person = Person(c.name)
            people.append(person)
        elif len(c.name) > len(person.name):
            person.name = c.name
        _absorb(person, c)
    for c in singles:
        owner = nearest_owner(people, c.name, c.start)
        if owner is None:
            owner = next((p for p in people if p.name == c.name), None)
            if owner is None:
                if c.method == "ner" and c.role is None:
                    continue  # a lone NER word without a title is too often not a person
                owner = Person(c.name)
                people.append(owner)
        _absorb(owner, c)
    return people


def _absorb(person: Person, c: Candidate) -> None:
    if not any(s[0] < c.end and c.start < s[1] for s in person.spans):
        person.spans.append((c.start, c.end, c.method, c.confidence))
    if c.role and (person.role is None or person.role in ("defendant", "victim", "suspect", "inmate", "witness")):
        person.role = c.role
    if c.affiliation and not person.affiliation:
        person.affiliation = c.affiliation


@lru_cache(maxsize=CACHE_SIZE)
def _same_person(a: str, b: str) -> bool:
    """"Nathan J. Hochman" and "Nathan Hochman"; "Uriah Taylor" and "Job Uriah Taylor". Cached: each
    mention of a name is compared with the same people again."""
    ta = [t for t in a.split() if t not in _SUFFIXES and not _is_initial(t)]
    tb = [t for t in b.split() if t not in _SUFFIXES and not _is_initial(t)]
    if not (ta and tb):
        return False
    short, long = sorted((ta, tb), key=len)
    return (ta[0] == tb[0] and ta[-1] == tb[-1]) or (len(short) >= 2 and long[-len(short) :] == short)


def nearest_owner(people: list[Person], word: str, pos: int) -> Person | None:
    """The person whose surname (or first name) is ``word``, nearest before ``pos`` when several;
    a full name before a one-word name."""
    matches = [p for p in people if len(p.name.split()) >= 2 and word in (p.last, p.first)]
    matches = matches or [p for p in people if p.name == word]
    if not matches:
        return None
    by_last = [p for p in matches if p.last == word] or matches

    def last_seen(p: Person) -> int:
        seen = [s[0] for s in p.spans if s[0] < pos]
        return max(seen) if seen else -1

    return max(by_last, key=last_seen)
