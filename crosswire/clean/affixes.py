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
    name (`site_name`) before or after a separator; a word of it at least is kept ("STATEMENT")."""
    if not title:
        return title
    named = match_key(site_name) if site_name else None
    while True:
        cut = None
        for m in SEPARATOR.finditer(title):  # the earliest separator followed by a suffix: the whole affix
            if SUFFIX + title[m.end():] in template or match_key(title[m.end():]) == named:
                cut = title[:m.start()]
                break
        for m in reversed(list(SEPARATOR.finditer(title))) if cut is None else ():
            if PREFIX + title[:m.start()] in template or match_key(title[:m.start()]) == named:
                cut = title[m.end():]
                break
        if cut is None or count_words(cut) < 1:
            return title
        title = cut
