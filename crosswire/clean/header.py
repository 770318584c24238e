"""The header block of a page: its title, date and author, and where the article proper begins (at its
dateline, or after the last title, date or contact line of the header)."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import datetime
from functools import lru_cache

from crosswire.clean.lines import dateline
from crosswire.clean.patterns import (
    BYLINE,
    CONTACT,
    CONTACT_IN_LINE,
    FOOTER,
    GENRE_LABEL,
    NAME_END,
    PERSON_NAME,
    RELEASE_LABEL,
    SEPARATOR,
    SITE_SEPARATOR,
    STOPWORDS,
    TERMINAL,
    WORD,
)
from crosswire.clean.repairs import unglue
from crosswire.clean.text import cjk_chars, count_words, match_key
from crosswire.dates import date_in_line, dated_line, modified_in_line, parse_date
from crosswire.settings import DEFAULTS, DateSettings


def is_prose(line: str) -> bool:
    """A sentence-like block: long, with ordinary lowercase words (titles are capitalised); in CJK text,
    which has no capitals, every character is such a word."""
    tokens, cjk = line.split(), cjk_chars(line)
    words = count_words(line) if cjk else len(tokens)
    content = sum(w.islower() and w not in STOPWORDS for w in tokens) + cjk
    if words >= 12 and content >= 3 and line.endswith(TERMINAL):
        return True
    return words >= 30 and content >= 0.3 * words


@lru_cache(maxsize=4096)  # a site's template lines recur on every page, and blocks are read twice
def _is_dateline(line: str) -> bool:
    match = dateline(line)
    if not match:
        return False
    rest = unglue(line[match.end():])  # counted as it will read: sentences a scraper glued are two words
    lowercase = sum(w.islower() for w in rest.split())
    return count_words(rest) >= 8 and lowercase >= 3 and (rest.endswith(TERMINAL) or count_words(rest) >= 20)


_TWO_SENTENCES = re.compile(r"[a-z]{2}[.!?][”\"’]?\s*[A-Z]")  # "... a Brea home.Defendant", "... victim. WHO"


def top_end(blocks: list[str], first_is_title: bool = True) -> tuple[int, bool]:
    """Index where the article proper begins, and whether it begins with a dateline.

    The first dateline before any real prose wins, or one right after a summary paragraph; else the
    first prose block, or the footer when the page has no prose. The first line is the page title
    unless it reads as a finished sentence or holds two (a lead glued to what follows it is no headline)."""
    glued = _TWO_SENTENCES.search(blocks[0]) if blocks else None
    headline = blocks and first_is_title and not glued and not (is_prose(blocks[0]) and blocks[0].endswith(TERMINAL))
    page_title = PageTitle(blocks[0]) if headline else None
    for i, block in enumerate(blocks):
        if FOOTER.match(block):
            return i, False
        if _is_dateline(block):
            return i, True
        lead = block[: glued.start() + 3] if i == 0 and glued else block  # "... converters.WHO: ..."
        if is_prose(lead) and (i > 0 or lead.endswith(TERMINAL)) and not _names_page_title(page_title, block):
            for j in range(i + 1, min(i + 3, len(blocks))):
                if _is_dateline(blocks[j]):
                    return j, True
            return i, False
    return len(blocks), False


def _names_page_title(page_title: PageTitle | None, block: str) -> bool:
    return page_title is not None and page_title.names(match_key(block))


def _title_like(line: str, boilerplate: frozenset[str]) -> bool:
    """A headline: four words to forty, not a line of the template, a breadcrumb, a date or a contact line,
    not ending as a clause does; a headline in capitals may end with a stop, and a genre label may open it
    ("MEDIA ADVISORY – Four Charged ...")."""
    n = count_words(line)
    return (
        4 <= n <= 40
        and (not line.endswith((".", ":", ";", ",")) or (line.endswith(".") and _capitalised(line)))
        and line not in boilerplate
        and " > " not in line
        and not dated_line(line)
        and not CONTACT.search(GENRE_LABEL.sub("", line))
    )


def _capitalised(line: str) -> bool:
    """Whether most of the longer words of `line` open with a capital, as a headline's do."""
    words = [w for w in line.split() if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


class PageTitle:
    """A page's first line read as its title: the line, and the line cut before each " | " / " - " separator
    ("Title - Office" -> "Title"), compared by match_key. A cut's key opens the line's key, so each cut is
    kept as the length of its key (with its words): a line of many separators costs its length once, not
    once per separator."""

    def __init__(self, line: str):
        self.key = match_key(line)
        self.cuts: dict[int, int] = {}  # key length of a cut -> words of the longest cut with that key
        at = length = words = 0
        for m in SEPARATOR.finditer(line):  # a cut ends where spaces begin: its key and its words add up
            part = line[at:m.start()]
            length, words, at = length + len(match_key(part)), words + count_words(part), m.start()
            self.cuts[length] = words

    def names(self, key: str) -> bool:
        """Whether `key` is the match_key of the line or of one of its cuts."""
        return key == self.key or (len(key) in self.cuts and self.key.startswith(key))

    def heading(self, lines: list[str]) -> str | None:
        """The first of `lines` spelled as the longest cut, when that cut holds two words or more: the page's
        own heading, its title without the site's name."""
        first: dict[int, str] = {}  # key length of a cut -> the first line spelled so
        for line in lines if self.cuts else ():
            key = match_key(line)
            if len(key) in self.cuts and self.key.startswith(key):
                first.setdefault(len(key), line)
        longest = max(first, default=None)
        return first[longest] if longest is not None and self.cuts[longest] >= 2 else None


def find_title(header: list[str], context: list[str], boilerplate: frozenset[str]) -> str | None:
    """Page title minus its " | Site" / " - Office" suffix (spelled as the page's own heading when it
    repeats it); else a "For Immediate Release: ..." title; else the first heading-like line."""
    if header:
        page = header[0]
        if heading := PageTitle(page).heading(header[1:]):
            return heading
        prefix = SITE_SEPARATOR.split(page)[0]
        if prefix != page and " > " not in page and count_words(prefix) >= 3:
            return prefix
    for line in header:
        label = RELEASE_LABEL.match(line)
        if label and count_words(label[1]) >= 3:
            return label[1]
    return next((x for x in _strip_decks(header, context) if _title_like(x, boilerplate)), None)


def bare_title(title: str | None) -> str | None:
    """A title without a "For Immediate Release:" label in front (a "MEDIA ADVISORY:" one says what it is)."""
    if title and (label := RELEASE_LABEL.match(title)):
        return label[1]
    return title


def _strip_decks(lines: list[str], context: list[str]) -> list[str]:
    """A deck (subtitle) that the scraper also glued onto the title or the first paragraph is not the
    title: drop it, and cut it off the line it was glued to."""
    decks = find_decks(lines, context)
    dropped = set(decks)
    out = []
    for line in lines:
        if line in dropped:
            continue
        for deck in decks:
            if line.endswith(deck):
                line = line[: -len(deck)].strip()
        out.append(line)
    return out


def find_decks(lines: list[str], context: list[str]) -> list[str]:
    """The `lines` of four words or more that another line of `context` opens or ends with. Sorted, the lines
    that open with a line come right after it, so one look at the next line tells (the ends: reversed)."""
    openings, endings = sorted(set(context)), sorted({line[::-1] for line in context})
    return [d for d in lines
            if count_words(d) >= 4 and (_opens_another(openings, d) or _opens_another(endings, d[::-1]))]


def _opens_another(ordered: list[str], text: str) -> bool:
    """Whether a line of `ordered` (sorted, distinct) other than `text` opens with `text`."""
    after = bisect_right(ordered, text)
    return after < len(ordered) and ordered[after].startswith(text)


def find_date(header: list[str], listing: list[str], title: str | None,
              dates: DateSettings = DEFAULTS.dates) -> datetime | None:
    """The date line closest to the body (a release date beats the site's own "Published" stamp above it);
    else the date beside this page's own title in a dated list of posts."""
    for line in reversed(header):
        found = date_in_line(line)
        if found and (parsed := parse_date(found, dates)):
            return parsed
    key = match_key(title) if title else None
    for i, line in enumerate(listing):
        if key is not None and match_key(line) == key:
            for near in listing[max(0, i - 1): i + 2]:
                if (found := date_in_line(near)) and (parsed := parse_date(found, dates)):
                    return parsed
    return None


def find_modified(header: list[str], dates: DateSettings = DEFAULTS.dates) -> datetime | None:
    """The date the header says the page was changed ("Updated: ...", "Last modified ..."), the latest."""
    found = [parse_date(date, dates) for line in header if (date := modified_in_line(line))]
    return max((d for d in found if d), default=None)


def find_author(header: list[str]) -> str | None:
    """The byline or press contact of the header block: "Author" / "Lei Lani Fera", "Contact: Susan
    Schroeder", "October 31, 2018 Contact: Kimberlee Leach"."""
    for i, line in enumerate(header):
        label = BYLINE.match(line) or CONTACT_IN_LINE.search(line)
        if not label:
            continue
        value = label[1] or next((x for x in header[i + 1:i + 3] if WORD.search(x)), "")
        name = NAME_END.split(value, maxsplit=1)[0]
        if PERSON_NAME.match(name):
            return name
    return None


def _is_title_heading(block: str, title_key: str) -> bool:
    """The title (`title_key`: its match_key), or its words after a label ("MEDIA ADVISORY: 4 Charged in ..."
    / "4 Charged in ..."), or the title with a deck or the site's name after it ("4 Charged in ... - Orange
    County District Attorney")."""
    key = match_key(block)
    return key == title_key or (count_words(block) >= 3 and title_key.endswith(key)) or (
        bool(title_key) and key.startswith(title_key))


def body_start(blocks: list[str], title: str | None, first_is_title: bool = True) -> int:
    """Skip the header block: everything up to the dateline, or up to its last title, date or contact line.
    The first block is a header line only when it is the page title, not when the title came apart."""
    end, at_dateline = top_end(blocks, first_is_title)
    if at_dateline or end == 0:
        return end
    title_key = match_key(title) if title else None
    anchors = [
        i for i, b in enumerate(blocks[:end]) if (i == 0 and first_is_title) or dated_line(b) or CONTACT.search(b)
        or (title_key is not None and _is_title_heading(b, title_key))
    ]
    return max(anchors, default=-1) + 1
