"""Names found without a title or a cue before them, so that an office's forensic accountant or tax collector
is found without a list of such jobs: names that open with a known given name (the US census's lists), full
names whose surname the text uses alone as a person's, the other names of a list a person's name is in, and
names the headline gives."""

from __future__ import annotations

import re
from functools import lru_cache

from crosswire.extract.gazetteer import lookup as place_lookup
from crosswire.extract.lexicon import SAY_WORDS, TITLE_WORDS, following, words
from crosswire.extract.names import (
    NAME,
    STOP,
    Candidate,
    census_given_names,
    given_name,
    name_before,
    name_start,
    trim_name,
)
from crosswire.extract.orgnames import is_head
from crosswire.extract.text import (
    CACHE_SIZE,
    LOWER_STARTS,
    SP,
    Spans,
    literal_pattern,
    word_spans,
)
from crosswire.vocabulary import vocabulary

_VOCABULARY = vocabulary("people")
_TITLE_WORDS = frozenset(TITLE_WORDS)
# Words of place names and titles that end a list line but are no one's name.
_NOT_NAMES = frozenset(_VOCABULARY["not_names"])


def confirmed_names(text: str, cands: list[Candidate], blocked: Spans) -> list[Candidate]:
    """Full names the article's own text confirms: a capitalised word that stands alone as a person does
    ("Wall has been", "Herrouet’s actions", "said Wall.") and ends capitalised words elsewhere in the text
    is a surname, and those words end with the person's name ("the appointment of Forensic Accountant
    David Wall": see ``name_start``)."""
    known = {c.name.split()[-1] for c in cands if " " in c.name}
    lone = {w for m in _LONE.finditer(text)
            if (w := m.group("word")) not in known and w not in STOP and _stands_alone(text, m.start())}
    for said in following(text, words(text)["say"], LOWER_STARTS):
        if after := _WORD_AFTER.match(text, said.end()):
            lone.add(after.group("word"))
    found = []
    for word in lone - known:
        if word in STOP or word in _NOT_NAMES or is_head(word) or _written_lower(text, word):
            continue
        place = place_lookup(word) is not None  # "Flores", "Cruz": a surname too, after a given name
        for start, end in word_spans(text, word):
            words_before = _WORDS_BEFORE.search(text, max(0, start - 60), start)
            span = trim_name(text, words_before.start(), end, min_tokens=2) if words_before else None
            name = _name_in(text, span) if span else None
            if not name or (place and not given_name(name.split()[0])) or not could_be_name(name):
                continue
            if not blocked.overlaps((span[1] - len(name), span[1])):
                found.append(Candidate(span[1] - len(name), span[1], name, None, None, "pattern", 0.7))
    return found


def _name_in(text: str, span: tuple[int, int]) -> str | None:
    """The name that ends capitalised words (``name_start``), two words at least; a sentence's first word
    is no given name ("Despite Kadel Piedrahita’s claim")."""
    tokens = text[span[0] : span[1]].split()
    first = name_start(tokens)
    if first == 0 and len(tokens) > 2 and _sentence_opens(text, span[0]) and not given_name(tokens[0]):
        first = 1
    return " ".join(tokens[first:]) if len(tokens) - first >= 2 else None


# A capitalised word standing alone as a person does: before a verb or as a possessive ("Wall has", "Flores
# was", "Herrouet’s actions"), or after a speech verb ("said Wall.").
_SURNAME = r"(?P<word>[A-Z][a-zà-öø-ÿ]+(?:-[A-Z][a-zà-öø-ÿ]+)?)"
_LONE = re.compile(
    rf"{_SURNAME}(?:['’]s[^\S\n]+[a-z]|[^\S\n]+(?:{literal_pattern([*_VOCABULARY['person_verbs'], *SAY_WORDS])}|[a-z]{{2,}}ed)\b)"
)
_WORD_AFTER = re.compile(rf"[^\S\n]+{_SURNAME}(?=[.,;])")
_WORDS_BEFORE = re.compile(r"(?<![\w’'.-])(?:[A-Z](?:\.|[\w’'-]*)[^\S\n]+){1,4}\Z")  # "Forensic Accountant David "
_WORD_BEFORE = re.compile(r"(\S+)[^\S\n]+$")
_DETERMINERS = frozenset(["the", "a", "an", "its", "his", "her", "their", "our", "The", "A", "An"])


def _sentence_opens(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start]
    return not before.strip() or before.rstrip()[-1:] in ".:;!?”\"\n" or "\n" in before


def _stands_alone(text: str, start: int) -> bool:
    """Whether the word at ``start`` is no part of capitalised words before it: a word in lower case, a
    sentence's end or a line's start is before it."""
    if start and not text[start - 1].isspace() or text[start - 1 : start] == "\n":
        return start == 0 or text[start - 1] == "\n"
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if before is None:
        return True
    word = before.group(1)
    return word not in _DETERMINERS and (not word[0].isupper() or word[-1] in ".:;!?”\"")


def given_names(text: str, cands: list[Candidate], blocked: Spans) -> list[Candidate]:
    """Names that open with a known given name, after any words ("Tax Collector Dariel Fernandez", "board
    member Monica Ghilardi"): a given name and a surname the text never writes in lower case, with a given
    name before them as a middle name ("Paul Phillip Powers"), not a title ("Major Steve Feldman"). The
    capitalised words before them, when none is a stop word, are the role ("Forensic Accountant")."""
    found, seen = [], {c.name for c in cands}  # a name once: its later mentions are its surname's
    for m in _given_surname().finditer(text):
        given, surname = m.group("given"), m.group("surname")
        if m.group() in seen or m.start() and _IN_WORD.match(text, m.start() - 1) or given in STOP or surname in STOP:
            continue
        seen.add(m.group())
        if _written_lower(text, surname):
            continue
        start, end = m.span()
        if (prev := _WORD_BEFORE.search(text, max(0, start - 20), start)) and _middle(prev.group(1)):
            start = prev.start(1)
        name = text[start:end]
        if not could_be_name(name) or blocked.overlaps((start, end)) or trim_name(text, start, end, 2) != (start, end):
            continue
        before = _CAPITALS_BEFORE.search(text, max(0, start - 40), start)
        role = before.group().split() if before else []
        found.append(Candidate(start, end, name, " ".join(role) if role and not STOP.intersection(role) else None,
                               None, "pattern", 0.7))
    return found


@lru_cache(maxsize=1)
def _given_surname() -> re.Pattern:
    """A given name, an initial, a capitalised word: the given names a trie (``literal_pattern``), so that
    only they stop the regex engine."""
    given = literal_pattern(name.capitalize() for name in census_given_names())
    return re.compile(
        rf"(?P<given>{given})[^\S\n]+(?:[A-Z]\.[^\S\n]+)?"
        r"(?P<surname>[A-Z][a-zà-öø-ÿ]+(?:[-’'][A-Z][a-zà-öø-ÿ]+)*)(?![\w’'-]|[^\S\n]+[A-Z])"
    )


_IN_WORD = re.compile(r"[\w’'.-]")  # before a name's first letter: it is no name's start
_CAPITALS_BEFORE = re.compile(r"(?<![\w’'.-])(?:[A-Z][\w’'-]*[^\S\n]+){1,3}\Z")


def _middle(word: str) -> bool:
    """Whether a word before a given name and a surname is a given name too, not a title ("Major")."""
    return (word[:1].isupper() and given_name(word) and word not in STOP and word not in _TITLE_WORDS
            and not place_lookup(word))


def listed_names(text: str, cands: list[Candidate], blocked: Spans) -> list[Candidate]:
    """The other names of a list a person's name is in, a list that ends with "and": "Daniel Hawkins, Jacob
    Ivascu, and Drake Ruiz, all 16" (the age names Drake Ruiz)."""
    found, done = [], set()
    for c in cands:
        if c.start < 0 or " " not in c.name or (c.start, c.end) in done:
            continue
        chain, joined, pos = [], False, c.end
        while m := _NEXT_IN_LIST.match(text, pos):  # the names after it, up to the one after "and"
            span = _whole_name(text, m.start("name"), m.end("name"), blocked)
            if span is None:
                break
            chain.append(span)
            pos, joined = span[1], "and" in m.group("sep")
            if joined:
                break
        pos = c.start
        while m := _LIST_SEPARATOR.search(text, max(0, pos - 8), pos):  # the names before it
            span = name_before(text, m.start() + 1)
            if span is None or span[1] != m.start() or _whole_name(text, *span, blocked) is None:
                break
            chain.append(span)
            pos, joined = span[0], joined or "and" in m.group()
        if joined:
            done.update(chain)
            found += [Candidate(a, b, text[a:b], None, None, "pattern", 0.7) for a, b in chain]
    return found


_NEXT_IN_LIST = re.compile(rf"(?P<sep>,{SP}(?:and{SP})?|{SP}and{SP})(?P<name>{NAME})")
_LIST_SEPARATOR = re.compile(r"(?:,[^\S\n]+(?:and[^\S\n]+)?|[^\S\n]+and[^\S\n]+)\Z")


def _whole_name(text: str, start: int, end: int, blocked: Spans) -> tuple[int, int] | None:
    """(start, end) when the words there are a full name and nothing else, not a residence ("Joshua Acosta,
    21, Fort Irwin, and Frank Felix")."""
    span = trim_name(text, start, end, min_tokens=2)
    ok = span == (start, end) and not blocked.overlaps(span) and could_be_name(text[start:end])
    return span if ok and not _RESIDENCE.search(text, max(0, start - 12), start) else None


_RESIDENCE = re.compile(r"(?:\b(?:of|in|from|at|near)|\d,)[^\S\n]*\Z")


def headline_names(title: str | None, text: str, find) -> list[Candidate]:
    """Full names the headline gives with their cue, placed before the text (negative offsets): a later
    "Rundle said" in the text is theirs; ``find`` reads them as it reads a text. A title-case headline
    capitalises every word ("Judge Dismisses Indictment"): a name one of whose words the text writes in
    lower case is none."""
    if not title or all(w in text for w in _CAPITALISED.findall(title) if w not in STOP):
        return []  # nobody the text does not name
    shift = -len(title) - 1
    return [
        Candidate(c.start + shift, c.end + shift, c.name, c.role, c.affiliation, "headline", c.confidence)
        for c in find(title, [], Spans())
        if len(c.name.split()) >= 2 and not any(_written_lower(text, w) for w in c.name.split())
    ]


_CAPITALISED = re.compile(r"[A-Z][a-zà-öø-ÿ]{2,}")


def _written_lower(text: str, word: str) -> bool:
    """Whether the text writes ``word`` in lower case too (a str.find loop: no regex to compile per word)."""
    lower = word.lower()
    return lower != word and next(word_spans(text, lower), None) is not None


@lru_cache(maxsize=CACHE_SIZE)
def could_be_name(name: str) -> bool:
    """Not a known place, nor a name with an organisation or place noun ("Amplify Energy", "Silverado
    Canyon"). Cached: the same names recur."""
    return not (place_lookup(name) or any(is_head(w) or w in _NOT_NAMES for w in name.split()))
