"""Helpers shared by the extractors: mention records, regexes over literal lists, sentence bounds."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Iterable

# Horizontal whitespace, or one line break: names and titles may wrap, but never across a blank line.
SP = r"(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)"

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
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
        "confidence": round(float(confidence), 3),
    }


def literal_regex(words: Iterable[str], fold: bool = False) -> re.Pattern:
    """One regex matching any of ``words``, longest first, not followed by a word character; use it
    through ``find_words``, which also checks the start of the word.

    The start is checked outside the regex because a leading lookbehind stops the regex engine from
    skipping ahead to the characters a word can start with (a fourfold difference here). ``fold``
    matches any letter case, for names starting with a capital ("Department Of Justice").
    """
    source = literal_pattern(words, fold)
    return re.compile(("(?=[A-Z0-9])" if fold else "") + source + r"(?![\w&])")


def find_words(rx: re.Pattern, text: str):
    """Matches of a ``literal_regex`` that start a word."""
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


def literal_pattern(words: Iterable[str], fold: bool = False) -> str:
    """Regex source matching any of ``words``, longest first.

    The words are merged into a character trie, so matching costs about the same for ten words or a
    thousand (a plain alternation tries every word at every position). Apostrophes match both ' and ’,
    a space matches any whitespace run, since press releases use both, and a trailing ``*`` matches any
    word ending ("cyber*": cybercrime, cyberattacks). ``fold`` makes letters match either case.
    """
    trie: dict = {}
    for word in {w.translate(_APOSTROPHES) for w in words if w}:
        node = trie
        for ch in _SPACES.sub(" ", word.strip().casefold() if fold else word.strip()):
            node = node.setdefault(ch, {})
        node[""] = {}
    return _render(trie, fold) if trie else r"(?!x)x"


def _render(node: dict, fold: bool) -> str:
    branches = []
    for ch in sorted(c for c in node if c):
        if ch == "'":
            atom = "['’]"
        elif ch == " ":
            atom = r"\s+"
        elif ch == "*":
            atom = r"\w*"
        elif fold and ch.upper() != ch and len(ch.upper()) == 1:
            atom = f"[{re.escape(ch.upper())}{re.escape(ch)}]"
        else:
            atom = re.escape(ch)
        branches.append(atom + _render(node[ch], fold))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "gov", "sen", "rep", "det", "sgt", "lt", "capt",
    "calif", "fla", "ill", "ariz", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "inc", "co", "corp", "dept", "gen", "col", "mt", "ft", "u.s", "a.m", "p.m",
}
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
    """Character spans that answer "does this span overlap any of you?" by bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._longest = 0
        for span in spans:
            self.add(span)

    def add(self, span: tuple[int, int]) -> None:
        i = bisect.bisect(self._starts, span[0])
        self._starts.insert(i, span[0])
        self._ends.insert(i, span[1])
        self._longest = max(self._longest, span[1] - span[0])

    def overlaps(self, span: tuple[int, int]) -> bool:
        a, b = span
        lo = bisect.bisect_left(self._starts, a - self._longest)
        hi = bisect.bisect_left(self._starts, b)
        return any(self._ends[k] > a for k in range(lo, hi))


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
