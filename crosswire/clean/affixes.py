"""Title affixes: the site's name or section a source puts before or after its page titles ("… - The X County
District Attorney's Office", "… | Newsroom", "Press Releases: …"), learned from the source's own pages.

The first lines of a page (where a scraped page's title stands) are split at their separators; the parts
after a separator and the parts before one are the candidate affixes. They are counted per source in the
line statistics, as lines marked with SUFFIX or PREFIX so that none can be taken for a line of text, and
those that recur on enough of the source's pages (the template thresholds, crosswire.clean.templates) are
its affixes: cut off its titles. A single page teaches nothing: its title keeps what it has, unless the
page repeats its headline without it (crosswire.clean.header) or names its site (`site_name`, HTML).
"""

from __future__ import annotations

import re
from functools import lru_cache

from crosswire.clean.patterns import SEPARATOR
from crosswire.clean.text import count_words, match_key

SUFFIX, PREFIX = "⟨title suffix⟩ ", "⟨title prefix⟩ "  # marks no scraped line begins with
TITLE_LINES = 12  # first lines of a page read for its title (a menu may stand before it)


def affix_lines(lines: list[str]) -> set[str]:
    """The candidate affixes of the first non-empty `lines`, as marked lines of the line statistics."""
    found: set[str] = set()
    for line in [x for x in lines if x][:TITLE_LINES]:
        for m in SEPARATOR.finditer(line):
            found |= {SUFFIX + line[m.end():], PREFIX + line[:m.start()]}
    return found


def strip_affixes(title: str | None, template: frozenset[str], site_name: str | None = None) -> str | None:
    """`title` without the affixes its source is known to add (marked lines of `template`), nor the site's
    name (`site_name`) before or after a separator; a word of it at least is kept ("STATEMENT").

    Each part of the title is looked up only when its length is that of an affix of the template, and
    compared with the site's name by the length of its match_key, the rest of the title's key: a title of
    many separators costs its length, not its length once per separator."""
    if not title:
        return title
    named = match_key(site_name) if site_name else None
    suffixes, prefixes = _affix_lengths(template)
    while True:
        key, cut = match_key(title), None
        separators = _separators(title)
        for m, before in separators:  # the earliest separator followed by a suffix: the whole affix
            if ((len(title) - m.end() in suffixes and SUFFIX + title[m.end():] in template)
                    or (named is not None and len(key) - before == len(named) and key.endswith(named))):
                cut = title[:m.start()]
                break
        for m, before in reversed(separators) if cut is None else ():
            if ((m.start() in prefixes and PREFIX + title[:m.start()] in template)
                    or (named is not None and before == len(named) and key.startswith(named))):
                cut = title[m.end():]
                break
        if cut is None or count_words(cut) < 1:
            return title
        title = cut


def _separators(title: str) -> list[tuple[re.Match, int]]:
    """Each separator of `title`, with the length of the match_key of the title before it (a separator's
    own characters are no word characters: the key after it is the rest of the title's key)."""
    out, at, length = [], 0, 0
    for m in SEPARATOR.finditer(title):
        length += len(match_key(title[at:m.start()]))
        out.append((m, length))
        at = m.start()
    return out


@lru_cache(maxsize=64)  # a source's template serves every page of the source
def _affix_lengths(template: frozenset[str]) -> tuple[frozenset[int], frozenset[int]]:
    """The lengths of the title suffixes and prefixes of `template`."""
    return (frozenset(len(line) - len(SUFFIX) for line in template if line.startswith(SUFFIX)),
            frozenset(len(line) - len(PREFIX) for line in template if line.startswith(PREFIX)))
