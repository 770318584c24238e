"""Helpers shared by the extractors: mention records, regexes over literal lists and for whole words
(``WordRegex``, the shape that keeps the regex engine fast on long texts), sentence bounds, and
``Spans`` for overlap tests."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from crosswire.vocabulary import vocabulary

# Horizontal whitespace, or one line break: names and titles may wrap, but never across a blank line.
SP = r"(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)"

# Entries of each per-name cache. The names that recur (offices, officials, places) are hit from the
# first batches on; a larger cache mostly keeps names seen once, so memory would grow with the corpus for
# no speed: 8,192 entries instead of 65,536 cost no measurable time on 10k and 50k documents and keep
# about 120 MiB less at 50k.
CACHE_SIZE = 8192

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=CACHE_SIZE)
def key(s: str) -> str:
    """Lookup key of a name: apostrophes unified, whitespace collapsed, casefolded. Cached: the same
    names recur in every article."""
    return _SPACES.sub(" ", s.translate(_APOSTROPHES)).strip().casefold()


def digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def mention(
    text: str,
    kind: str,
    start: int,
    end: int,
    normalized: str | None,
    method: str,
    confidence: float,
    role: str | None = None,
) -> dict:
    """A mention record; its text is always ``text[start:end]``."""
    return {
        "kind": kind,
        "text": text[start:end],
        "normalized": normalized,
        "start": start,
        "end": end,
        "role": role,
        "method": method,
        "confidence": float(confidence),
    }


class WordRegex:
    """A regex for words and phrases that start the text or follow a space, a line break, an opening
    bracket or quote mark. It is compiled once per such character, as that character followed by the
    pattern: a regex that opens with a literal character lets the regex engine jump from one occurrence
    of it to the next, while one that opens with a character class, a group or a lookbehind is tried at
    every position (three to eight times slower on press releases). ``finditer`` merges the variants'
    matches in text order; the returned matches stand for the pattern itself (``start()``, ``group()``
    and the named groups read the same as with the plain regex). ``starts`` are the characters a match
    may follow (on the shared corpus, names follow a space, line break, bracket or opening quote mark;
    words in lower case ("said", "defendant") a space or a line break)."""

    STARTS = " \n(“"

    def __init__(self, source: str, flags: int = 0, starts: str = STARTS):
        body = f"(?P<w>{source})"
        self.pattern = source
        self._at_start = re.compile(body, flags)
        self._after = [re.compile(re.escape(c) + body, flags) for c in starts]

    def finditer(self, text: str, pos: int = 0, endpos: int = 1 << 62) -> list[Word]:
        found = [m for rx in self._after for m in rx.finditer(text, max(0, pos - 1), endpos)]
        first = self._at_start.match(text, 0, endpos) if pos == 0 else None
        if first:
            found.append(first)
        found.sort(key=_word_start)
        return [Word(m) for m in found]


LOWER_STARTS = " \n"  # what words in lower case follow


def _word_start(m: re.Match) -> int:
    return m.start("w")


class Word:
    """A match of a ``WordRegex``: group 0 is the word, without the character before it."""

    __slots__ = ("m",)

    def __init__(self, m: re.Match):
        self.m = m

    def start(self, group: int | str = 0) -> int:
        return self.m.start(group or "w")

    def end(self, group: int | str = 0) -> int:
        return self.m.end(group or "w")

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self.m.span(group or "w")

    def group(self, group: int | str = 0) -> str:
        return self.m.group(group or "w")

    def groupdict(self) -> dict[str, str | None]:
        return self.m.groupdict()


def literal_regex(words: Iterable[str], fold: bool = False, starts: str = WordRegex.STARTS) -> WordRegex:
    """A ``WordRegex`` matching any of ``words``, longest first, not followed by a word character.
    ``fold`` matches any letter case after a capital first letter ("Department Of Justice")."""
    return WordRegex(literal_pattern(words, fold) + r"(?![\w&])", starts=starts)


def find_words(rx: WordRegex | re.Pattern, text: str):
    """Matches of ``rx`` that start a word: a ``WordRegex`` finds only those; a plain regex's matches
    are checked for the character before them."""
    if isinstance(rx, WordRegex):
        yield from rx.finditer(text)
        return
    for m in rx.finditer(text):
        start = m.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_&-"):
            yield m


def word_spans(text: str, word: str):
    """Spans where ``word`` stands as a whole word: a str.find loop, with no regex to compile for
    words that change with every article (surnames, acronyms)."""
    pos = text.find(word)
    while pos >= 0:
        end = pos + len(word)
        before = text[pos - 1] if pos else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "-_") and not (after.isalnum() or after in "-_"):
            yield pos, end
        pos = text.find(word, end)


def literal_pattern(words: Iterable[str], fold: bool = False, folded: Iterable[str] = ()) -> str:
    """Regex source matching any of ``words`` (and of ``folded``), longest first.

    The words are merged into a character trie, so matching costs about the same for ten words or a
    thousand (a plain alternation tries every word at every position). Apostrophes match both ' and ’,
    a space matches any whitespace run, since press releases use both, and a trailing ``*`` matches any
    word ending ("cyber*": cybercrime, cyberattacks). The letters after the first of ``folded`` words (of
    all words, with ``fold``) match either case; their first is a capital (or digit), a literal, so that
    the regex engine can skip to it.
    """
    trie: dict = {}
    entries = {(w.translate(_APOSTROPHES), fold) for w in words if w}
    entries |= {(w.translate(_APOSTROPHES), True) for w in folded if w}
    for word, folds in entries:
        word = _SPACES.sub(" ", word.strip())
        if folds:  # a capital or digit first, then any case
            word = word[0].upper() + word[1:].casefold()
        node = trie
        for i, ch in enumerate(word):  # below the first letter, a letter of a folded word is another branch
            node = node.setdefault(ch if i == 0 else (ch, folds), {})
        node[""] = {}
    return _render(trie) if trie else r"(?!x)x"


def _render(node: dict) -> str:
    branches = []
    # a folded word's branch before a word's of the same letter: it is the longer name ("California
    # Highway Patrol", not the state), and the regex engine takes the first branch that matches
    for k in sorted((k for k in node if k), key=lambda k: (k, 1) if isinstance(k, str) else (k[0], 0 if k[1] else 1)):
        ch, folds = (k, False) if isinstance(k, str) else k
        if ch == "'":
            atom = "['’]"
        elif ch == " ":
            atom = r"\s+"
        elif ch == "*":
            atom = r"\w*"
        elif folds and ch.upper() != ch and len(ch.upper()) == 1:
            atom = f"[{re.escape(ch.upper())}{re.escape(ch)}]"
        else:
            atom = re.escape(ch)
        branches.append(atom + _render(node[k]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


# Abbreviations whose full stop ends no sentence ("Calif.", "Jan."): crosswire/data/sentences.toml.
ABBREVIATIONS = frozenset(vocabulary("sentences")["abbreviations"])
_SENTENCE_END = re.compile(r"[.!?][”\"’')\]]*(?=\s+[“\"'(\[]?[A-Z0-9])|\n\s*\n")


def sentence_end(text: str, pos: int, limit: int = 400) -> int:
    """End offset of the sentence running at ``pos`` (a paragraph break also ends one)."""
    stop = min(len(text), pos + limit)
    for m in _SENTENCE_END.finditer(text, pos, stop):
        if not _after_abbreviation(text, m):
            return m.start() if m.group().startswith("\n") else m.end()
    return stop


def sentence_start(text: str, pos: int, limit: int = 400) -> int:
    """Start offset of the sentence running at ``pos``."""
    start = max(0, pos - limit)
    for m in _SENTENCE_END.finditer(text, start, pos):
        if not _after_abbreviation(text, m):
            start = m.end()
    while start < pos and text[start].isspace():
        start += 1
    return start


def _after_abbreviation(text: str, m: re.Match) -> bool:
    """Whether a full stop ends an abbreviation or an initial ("Calif.", "Jan.", "J.") and not a sentence."""
    if not m.group().startswith("."):
        return False
    word = _LAST_WORD.search(text, max(0, m.start() - 8), m.start())
    return bool(word) and (word.group().casefold() in ABBREVIATIONS or len(word.group()) == 1)


_LAST_WORD = re.compile(r"[\w.]+$")


class Spans:
    """Character spans that answer "does this span overlap any of you?": a byte per character, marked
    where a span covers it, so both questions and additions are one C-level call."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        spans = list(spans)
        self._mask = mask = bytearray(max((b for _, b in spans), default=0) + 1024)
        for a, b in spans:
            mask[a:b] = _ones(b - a)

    def add(self, span: tuple[int, int]) -> None:
        a, b = span
        if b > len(self._mask):
            self._mask.extend(bytes(b - len(self._mask) + 1024))
        self._mask[a:b] = _ones(b - a)

    def overlaps(self, span: tuple[int, int]) -> bool:
        return self._mask.find(1, span[0], span[1]) >= 0


_ONES = b"\x01" * 4096


def _ones(n: int) -> bytes:
    return _ONES[:n] if n <= len(_ONES) else b"\x01" * n


def select_spans(candidates: list[tuple[int, dict]]) -> list[dict]:
    """Non-overlapping mentions from (priority, mention) candidates: higher priority first, then
    longer spans, then earlier ones."""
    kept: list[dict] = []
    taken = Spans()
    for _, m in sorted(candidates, key=lambda pm: (-pm[0], pm[1]["start"] - pm[1]["end"], pm[1]["start"])):
        span = (m["start"], m["end"])
        if not taken.overlaps(span):
            kept.append(m)
            taken.add(span)
    return sorted(kept, key=lambda m: m["start"])
