"""Organisation names that their head noun alone does not give:

- lists of bodies that share one plural head: "the Beaumont, Blythe, Menifee and Indio Police Departments"
  names four police departments, "Orange and Riverside County Sheriff's Departments" two. Each is a name of
  its own, written as the list writes the last one ("Beaumont Police Department"). The words the names
  share before the head are in crosswire/data/organizations.toml (``shared_before_plural``);
- companies named with their legal form, whatever their last noun ("The TJX Companies, Inc.")."""

from __future__ import annotations

import re

from crosswire.extract.orgnames import (
    HEADS,
    LEGAL_AFTER,
    LEGAL_FORMS,
    PATTERN_PRIORITY,
    RUN,
    is_head,
)
from crosswire.extract.text import literal_pattern, mention
from crosswire.vocabulary import vocabulary

_SHARED = frozenset(vocabulary("organizations")["shared_before_plural"])
_NOT_START = frozenset(vocabulary("organizations")["not_org_start"])


def _plural(head: str) -> str:
    return head[:-1] + "ies" if head.endswith("y") else head + "s"


# "Departments" -> "Department", "Agencies" -> "Agency"
SINGULAR = {_plural(h): h for h in HEADS if h.isalpha() and h[0].isupper() and not h.endswith("s")}
_NAME = r"[A-Z][\w'’.-]*(?:[^\S\n]+[A-Z][\w'’.-]*){0,3}"
_LIST = re.compile(
    rf"(?<![\w'’.-])(?P<names>{_NAME}(?:,[^\S\n]+{_NAME})*,?[^\S\n]+(?:and|&)[^\S\n]+{_NAME})[^\S\n]+"
    rf"(?P<head>{'|'.join(sorted(SINGULAR, key=len, reverse=True))})\b"
)
_PLURAL_HEAD = re.compile(rf" (?:{literal_pattern(SINGULAR)})\b")
_CONJUNCT = re.compile(rf"{_NAME}")
_WORD = re.compile(r"(\w+)[^\S\n]+")


def plural_lists(text: str) -> list[tuple[int, dict]]:
    """Organisation mentions of the bodies of each list with a plural head, one per body (method 'pattern')."""
    out = []
    for m in _LIST.finditer(text) if _PLURAL_HEAD.search(text) else ():  # one scan: most texts have none
        start = m.start("names")
        while (word := _WORD.match(text, start)) and word.group(1) in _NOT_START:  # "The Orange and ..."
            start = word.end()
        names = list(_CONJUNCT.finditer(text, start, m.end("names")))
        last = names[-1].group().split()
        shared = []
        while len(last) > 1 and last[-1] in _SHARED:
            shared.insert(0, last.pop())
        firsts = [c.group() for c in names[:-1]] + [" ".join(last)]
        spans = [(c.start(), c.end()) for c in names[:-1]] + [(names[-1].start(), m.end("head"))]
        # the list is the names just before the head that are no body of their own: "the Sheriff's Office,
        # Beaumont and Indio Police Departments", "FBI, Beaumont and Indio Police Departments"
        keep = len(firsts)
        while keep and not any(is_head(w) or w.isupper() for w in firsts[keep - 1].split()):
            keep -= 1
        firsts, spans = firsts[keep:], spans[keep:]
        if len(firsts) < 2:
            continue
        ending = " ".join([*shared, SINGULAR[m.group("head")]])
        for (start, end), first in zip(spans, firsts):
            out.append((PATTERN_PRIORITY, mention(text, "organization", start, end, f"{first} {ending}", "pattern", 0.7)))
    return out


def company_mentions(text: str) -> list[tuple[int, dict]]:
    """Companies named with their legal form, whatever their last noun ("The TJX Companies, Inc.",
    "Stearns Weaver Miller, P.A."): the capitalised run before the form is the company's name."""
    out = []
    for form in LEGAL_AFTER.finditer(text) if any(f in text for f in _LEGAL_SEEN) else ():
        run = _RUN_AT_END.search(text, max(0, form.start() - 120), form.start())
        if run is None:
            continue
        start = run.start()
        if inner := list(_LEGAL_INSIDE.finditer(text, start, form.start())):  # "X, LLC and Y Corp.": from Y
            start = inner[-1].end()
        while (word := _WORD.match(text, start, form.start())) and word.group(1) in _NOT_START:
            start = word.end()  # "The TJX Companies": the name without its article
        if start < form.start() and not is_head(text[start:form.start()].split()[-1]):  # a head: pattern_mentions'
            out.append((PATTERN_PRIORITY, mention(text, "organization", start, form.end(), text[start:form.end()],
                                                  "pattern", 0.7)))
    return out


_RUN_AT_END = re.compile(rf"(?<![\w'’.&-]){RUN.pattern}$")
_LEGAL_INSIDE = re.compile(rf"(?<!\w)(?:{literal_pattern(LEGAL_FORMS)})(?!\w),?[^\S\n]+(?:(?:and|&)[^\S\n]+)?")
_LEGAL_SEEN = ("LLC", "L.L.C.", "Inc", "Corp", "Ltd", "LLP", "L.L.P.", "P.A.", "PLLC", "P.C.", "N.A.", "L.P.")
