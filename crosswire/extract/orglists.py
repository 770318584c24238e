"""Lists of bodies that share one plural head: "the Beaumont, Blythe, Menifee and Indio Police Departments"
names four police departments, "Orange and Riverside County Sheriff's Departments" two. Each is a name of
its own, written as the list writes the last one ("Beaumont Police Department"). The words the names share
before the head are in crosswire/data/organizations.toml (``shared_before_plural``)."""

from __future__ import annotations

import re

from crosswire.extract.orgnames import HEADS, PATTERN_PRIORITY, is_head
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

