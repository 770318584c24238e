"""Acronyms a text defines: "Full Name (ACR)". The long form is found Schwartz–Hearst style, from the
acronym's letters in the words just before the parenthesis; ``orgs`` makes it an organisation and the
acronym's other uses in the article mentions of it."""

from __future__ import annotations

import re

from crosswire.extract.gazetteer import lookup as place_lookup

_ACRONYM_DEF = re.compile(r"\(\s*(?:the\s+)?[“\"]?(?P<acr>[A-Z][A-Za-z0-9&.-]{1,11}?[A-Z0-9])[”\"]?\s*\)")
_CLAUSE_BREAK = re.compile(r"[.;:()\n“”\"]")
_TOKEN = re.compile(r"\S+")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")


def acronym_definitions(text: str) -> list[tuple[str, int, int]]:
    """Acronyms defined as "Full Name (ACR)": (acronym, start, end) of each long form.

    The long form is found Schwartz–Hearst style: the acronym's letters, in order, in the words just
    before the parenthesis, the first letter starting a word ("Gulf Cooperation Council-POL (GCCPOL)").
    """
    found = []
    for m in _ACRONYM_DEF.finditer(text):
        acr = m.group("acr")
        if sum(c.isupper() for c in acr) < 2 or acr.isdigit():
            continue
        window_start = max(0, m.start() - 160)
        window = text[window_start : m.start()]
        window = _CLAUSE_BREAK.split(window)[-1]
        offset = m.start() - len(window)
        words = list(_TOKEN.finditer(window))[-(min(len(acr) + 5, len(acr) * 2)) :]
        long_start = _match_acronym(acr, window, words)
        if long_start is None:
            continue
        start = _with_place_before(text, offset + long_start)
        end = offset + len(window.rstrip())
        long_form = _LEADING_THE.sub("", text[start:end])
        start = end - len(long_form)
        if long_form and long_form[0].isupper():
            found.append((acr, start, end))
    return found


def _with_place_before(text: str, start: int) -> int:
    """Start of a long form with the place that qualifies it: the acronym's letters start at "Justice",
    the name at "Cook County" ("Cook County Justice Advisory Council (JAC)")."""
    before = _WORDS_BEFORE.search(text, max(0, start - 40), start)
    for word in _TOKEN.finditer(text, before.start(), start) if before else ():
        if place_lookup(text[word.start() : start]):  # the longest place first
            return word.start()
    return start


_WORDS_BEFORE = re.compile(r"(?:[A-Z][\w.'’-]*[^\S\n]+){1,3}$")


def _match_acronym(acr: str, window: str, words: list[re.Match]) -> int | None:
    letters = [c.casefold() for c in acr if c.isalpha()]  # "MS-13" stands for "Mara Salvatrucha"
    if not words:
        return None
    lo = words[0].start()
    s = window[lo:].rstrip().casefold()
    i = len(s) - 1
    for n, ch in enumerate(reversed(letters)):
        first = n == len(letters) - 1
        while i >= 0 and (s[i] != ch or (first and i > 0 and s[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
    start = i + 1
    while start > 0 and s[start - 1].isalnum():
        start -= 1
    return lo + start
