"""CLEAN stage: raw scraped press releases -> clean body text, title, date, language and an article verdict.

A page is read as lines. Generic UI fragments and the source's learned template lines are dropped, lines
that a scraper or a PDF broke apart are rejoined into paragraphs, the header block (title, date, contact
lines) is read for metadata and then cut, and so are footers (end marks, "Latest Posts" and what follows).
A source's template is learned from line statistics (which lines recur in how many of its pages), kept
across runs so that a small run knows the template of the pages seen before. HTML goes through
trafilatura first.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Iterable, Mapping

import ftfy
import htmldate
import numpy as np
import pandas as pd
import py3langid
import pyarrow as pa
import pyarrow.compute as pc
import trafilatura
import trafilatura.metadata as tf_metadata
from lxml import etree
from py3langid.langid import LanguageIdentifier
from prefect import task

from crosswire.store import files, sql
from crosswire.dates import DAY_OF_MONTH, date_in_line, parse_date
from crosswire.schema import LINE_STATS
from crosswire.store.staging import read_batch, write_batch

# --- patterns -------------------------------------------------------------------------------------------

# Datelines: "TUNIS, Tunisia – ...", "SANTA ANA, Calif. – ...", "CHICAGO — ...", "(Dallas County) – ..."
_PLACE = r"[A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*){0,3}"
_DATELINE = re.compile(
    rf"^\(?{_PLACE}(?:,\s*(?:the\s+)?{_PLACE})?\)?,?(?:\s*\([^)]{{1,30}}\))?(?:\s*[–—]+\s*|\s+-+\s+)(?=\S)"
)
_TERMINAL = ("." , "!", "?", "”", '"', "’", ")")

# Lines that are page furniture wherever they appear (compared lower-cased).
_UI_LINES = frozenset(
    """skip to content|skip to main content|skip to navigation|skip to main navigation|scroll to top|back to top
    |click here|click here.|here.|print|print this page
    |printer friendly|email|email page|email this page|share|share this|share this page|share this article
    |share this story|share on facebook|share on twitter|tweet|facebook|twitter|linkedin|pinterest|instagram
    |youtube|delicious|blogger|rss|follow us|search|search for|search form|toggle navigation|menu|main menu
    |close|loading|name*|email*|website|please leave this field empty.|leave a reply|cancel reply|post comment
    |accept|accept all|accept cookies|decline|cookie settings|text only|select language|powered by|translate
    |translate page|sign in|log in|login|home|next|previous|« previous|next »|view all|view all news|back
    |slideshow left arrow|slideshow right arrow|arrow left|arrow right|do not show again|modal example|[]
    |image|subscribe|newsletter sign-up|remember me|check me out|select"""
    .replace("\n", "").replace("    ", "").split("|")
)
_UI_PATTERN = re.compile(
    r"^(?:\d+\s*/\s*\d+"  # carousel counter "1 / 8"
    r"|\d+ min read"
    r"|click here\b.{0,40}"
    r"|are you a human\?.*"
    r"|(?:click here )?for (?:the )?(?:full|original) press release\.?"
    r"|(?:©|copyright ©?\s*\d{4}).*"
    r"|share (?:on|via) \w+"
    r"|(?:facebook|twitter|linkedin|email|print)(?:\s*[|/]\s*(?:facebook|twitter|x|linkedin|email|print))+"
    r")$",
    re.I,
)
# Apart: its leading ".*" makes it scan every line, and only a line holding "cook" (any case) can match.
_UI_COOKIES = re.compile(r"^.*\b(?:we use cookies|this (?:web)?site uses cookies|accept (?:all )?cookies)\b.*$", re.I)
# A section that starts the page's chrome: it and everything after it go.
_FOOTER = re.compile(
    r"^(?:(?:latest|recent|related|more|other) (?:posts|news|stories|articles|press releases|releases)"
    r"|tagged with\b.*|tags:.*|categories:.*|documents to download|leave a (?:reply|comment)|comments"
    r"|#(?:\s*#){2,}|-\s*30\s*-)$",
    re.I,
)
_READ_MORE = re.compile(r"^(?:read more|continue reading)\W*$", re.I)  # items of a list of posts
_LABEL_START = re.compile(r"^\w+(?: \w+)?:\s")  # "WHO: ...", "Asunto: ...": a new field, never a continuation
# Kept for later steps: dashes (datelines), "#" (end marks), and a leading stop or comma (joins the line above).
_PUNCT_ONLY = re.compile(r"^(?![,.;:!?)\]”’])[^\w–—#]+$")
_DASH_ONLY = re.compile(r"^[–—-]+$")
_WALL = re.compile(
    r"^(?:pardon our interruption|just a moment\.*|checking your browser.*|attention required!.*"
    r"|access denied|verify you are (?:a )?human.*|please verify you are a human|are you a robot\?*"
    r"|enable javascript and cookies to continue)$",
    re.I,
)
_ERROR = re.compile(
    r"^(?:(?:error )?(?:404|403|410|500|502|503)\b.*|not found|forbidden|internal server error|service unavailable"
    r"|bad gateway)$",
    re.I,
)
_PAGE_ERROR = re.compile(r"\bpage (?:not found|cannot be found|does not exist)\b", re.I)  # anywhere in the line
_CONTACT = re.compile(
    r"(?:\(?\b\d{3}\)?[\s./-]\d{3}[-.]\d{4}\b|\S+@\S+\.\w+|\[email\s*protected\]|^(?:contact|contacto|media contact"
    r"|office|cell|phone|fax|oficina|celular|case #|author|published|posted|updated|date|fecha|for immediate release"
    r"|para publicaci[oó]n inmediata|media advisory|press release|news release|comunicado de prensa)\b"
    r"|^\d+ .*\b(?:suite|street|st\.|avenue|ave\.?|boulevard|blvd\.?|road|rd\.|drive|floor)\b)",
    re.I,
)
_SEPARATOR = re.compile(r"\s+[|•–—-]\s+")
_SITE_SEPARATOR = re.compile(r"\s+[|•]\s+")  # never inside a headline, unlike a dash
_RELEASE_LABEL = re.compile(r"^(?:for immediate release|para publicaci[oó]n inmediata)\s*:\s*(.+)$", re.I)
# A line that stops mid-phrase ends on a comma, a dash, an opening quote or bracket, or one of these words.
_HANGING_WORDS = (
    "the a an of and or nor but to in on at by for from with as that who whose which their his her its our your my "
    "against about between into through during under over upon within without among toward towards including than "
    "de del la el los las y en por con para"
).split()
_HANGING = re.compile(rf"(?:[,–—“‘(]|-\s|(?:{'|'.join(w[::-1] for w in _HANGING_WORDS)})\b)", re.I)  # reversed
_STOPWORDS = frozenset(
    "a an the of and or to in on at by for from with as into over after before about against than vs via de del "
    "la el los las y en por con para".split()
)
# Sentence glue from scrapers that concatenate paragraphs: "threats.The growing", "response.“We",
# "attack,” said ... Stock.“Over", "threats.”The", "UNODC.This". Two word characters before the stop keep
# "U.S." and "e.g." whole; decimals ("1.5") are never followed by a capital.
_GLUE = re.compile(r"(?<=[A-Za-z\d)]{2}[.!?])(?=[“‘\"]?[A-Z])|(?<=[A-Za-z\d)][.!?][”’\"])(?=[“‘]?[A-Z])")
# Around every place _GLUE finds: a stop, perhaps a closing quote, then a capital. Searched first, as its
# leading character class lets the regex engine skip ahead, where _GLUE tries its lookbehinds everywhere.
_STOP_CAPITAL = re.compile(r"[.!?][”’\"]?[“‘\"]?[A-Z]")
_URLISH = re.compile(r"@|://|^www\.|\.(?:com|org|gov|net|edu|us)\b", re.I)
_BYLINE = re.compile(r"^(?:author|by|(?:media )?contact|contacto)\b\s*:?\s*(.*)$", re.I)
_CONTACT_IN_LINE = re.compile(r"\b(?:media )?contact:\s*(.+)$", re.I)  # "October 31, 2018 Contact: Kimberlee Leach"
_NAME_END = re.compile(r"\s+(?://|[|•–—-])\s+|,|\s+\(")  # "Madeline Buckley // Chicago Tribune"
_PERSON_NAME = re.compile(r"^[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){1,3}$")
_LINE_END_HYPHEN = re.compile(r"\w-$")
_SOFT_HYPHEN = "\u00ad"  # marks a line-end hyphen until the document's words tell a compound from a break
_BROKEN_WORD = re.compile(rf"(\w+){_SOFT_HYPHEN}(\w+)")
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# a line of printable ASCII without "&" is left as it is by every fix of ftfy's that repair applies
_FTFY_CAN_CHANGE = re.compile(r"[^\n\x20-\x25\x27-\x7e]")
# ... and so is a line of those, tabs and the characters of either set below: none is changed by any of
# ftfy 6.3's fixes or by NFC, alone or beside another, and no string over a set matches ftfy's mojibake
# heuristic (checked exhaustively: its alternatives that can match span at most three such characters).
# Punctuation and accented letters make two sets, as "é”" next to each other reads as mojibake.
_FTFY_KEEPS = (
    re.compile(r"[\t\x20-\x25\x27-\x7e’–—“”‘…•·¿¡°©®™óúÓÚ]*"),
    re.compile(r"[\t\x20-\x25\x27-\x7e’–—…éóíáñúüÓÚăđàêâưôậốủệếạảểấựòởờẫẩọộơợềịãớ]*"),
)

# trafilatura for HTML, chosen on the article-extraction benchmark (benchmarks/clean_aeb.py): the fast
# precision mode, and its recall mode when the first pass kept too little of the page, as trafilatura's
# own escalation does. Comments are never the release.
_EXTRACTOR = {"fast": True, "favor_precision": True, "include_comments": False}
_FALLBACK = {"fast": True, "favor_recall": True, "include_comments": False}
_TOO_LITTLE = 0.15  # share of the page's visible text below which the first pass under-delivered ...
_MUCH_MORE = 2.0  # ... and how much longer the retry must be to replace it (a deck or caption is not enough)
_INVISIBLE_TAGS = ("script", "style", "noscript", "template")


@dataclass
class Cleaned:
    text: str  # clean body text, paragraphs separated by "\n\n", no header block, no chrome
    title: str | None
    published_at: datetime | None  # tz-aware UTC (midnight UTC for a date-only value)
    language: str | None  # ISO 639-1
    is_article: bool
    reason: str | None  # when not an article: 'empty', 'not-text', 'bot-wall', 'error-page', 'index-page',
    # 'too-short', 'too-long'
    detail: str | None  # human-readable detail for the quarantine row
    junk_ratio: float  # share of the input's non-space characters removed as junk
    word_count: int
    author: str | None = None  # HTML only: the page's byline, site name and canonical URL
    site_name: str | None = None
    url: str | None = None


# --- text repair ----------------------------------------------------------------------------------------


def repair(text: str) -> str:
    """Mojibake, Unicode normal form and odd spaces fixed; curly quotes kept (the extract stage reads them)."""
    if "\r" in text or "\u2028" in text or "\u2029" in text:  # a scan for each is cheaper than the regex's
        text = _LINE_BREAKS.sub("\n", text)
    # before ftfy too: it reads line by line, and a soft hyphen or odd space can hide mojibake from it;
    # after it only on the lines it changed
    text = _plain_spaces(text)
    if _FTFY_CAN_CHANGE.search(text):  # ftfy reads line by line anyway; most lines need nothing
        text = "\n".join(line if _ftfy_keeps(line) else _plain_spaces(_fix_line(line)) for line in text.split("\n"))
    return text


def _ftfy_keeps(line: str) -> bool:
    return _FTFY_KEEPS[0].fullmatch(line) is not None or _FTFY_KEEPS[1].fullmatch(line) is not None


def _plain_spaces(text: str) -> str:
    return _INVISIBLE.sub("", _SPACES.sub(" ", text))


@lru_cache(maxsize=8192)  # a site's template lines recur on every page
def _fix_line(line: str) -> str:
    return ftfy.fix_text(line, uncurl_quotes=False, normalization="NFC")


def unglue(paragraph: str) -> str:
    """Put back the space a scraper lost between two sentences, leaving URLs and e-mail addresses alone."""
    if not (_STOP_CAPITAL.search(paragraph) and _GLUE.search(paragraph)):
        return paragraph
    return re.sub(r"\S+", lambda m: m[0] if _URLISH.search(m[0]) else _GLUE.sub(" ", m[0]), paragraph)


def _norm(line: str) -> str:
    return " ".join(line.split())


@lru_cache(maxsize=4096)  # a site's template lines recur on every page, and blocks are read twice
def _is_ui(line: str) -> bool:
    low = line.lower()
    return (low in _UI_LINES or bool(_UI_PATTERN.match(line)) or ("cook" in low and bool(_UI_COOKIES.match(line)))
            or bool(_PUNCT_ONLY.match(line)))


def _drop_ui(lines: list[str]) -> list[str]:
    """Remove generic page furniture, including a carousel counter split over two lines ("1 /", "8")."""
    out: list[str] = []
    skip_number = False
    for line in lines:
        if skip_number and line.isdigit():
            skip_number = False
            continue
        if line:
            skip_number = bool(re.fullmatch(r"\d+\s*/", line))
        if line and (skip_number or _is_ui(line)):
            continue
        out.append(line)
    return out


def _drop_boilerplate(lines: list[str], boilerplate: frozenset[str]) -> list[str]:
    """Remove the source's template lines, but keep section markers, and a template line that leads into
    this page's own text: a dateline's place ("CHICAGO" / "—" / "The Cook County ...") or a field label
    (a media advisory's "WHO:" / "State Attorney ...")."""
    if not boilerplate:
        return lines
    out = []
    for i, line in enumerate(lines):
        if line in boilerplate and not (_FOOTER.match(line) or _leads_into_own_text(line, lines[i + 1:i + 4], boilerplate)):
            continue
        out.append(line)
    return out


def _leads_into_own_text(line: str, following: list[str], boilerplate: frozenset[str]) -> bool:
    following = [x for x in following if x]
    own = next((x for x in following if _WORD.search(x)), None)  # past a lone dash or colon
    if not following or own is None or own in boilerplate:
        return False
    continued = following[0][0] in "–—,;:" or following[0][0].islower()
    return (continued and _words(line) <= 4) or line.endswith(":")


# --- lines to paragraphs --------------------------------------------------------------------------------


def _wrap_width(lines: list[str]) -> int:
    """The column width of hard-wrapped text (PDF extractions), or 0 when lines are whole blocks."""
    lengths = sorted(len(x) for x in lines if x)
    if len(lengths) < 8:
        return 0
    width = lengths[int(len(lengths) * 0.9)]
    full = sum(n >= 0.75 * width for n in lengths) / len(lengths)
    long_blocks = sum(n > 1.5 * width for n in lengths)
    return width if 60 <= width <= 130 and full >= 0.4 and long_blocks <= 1 else 0


def _continues(block: str, last: str, line: str, width: int) -> bool:
    """Whether `line` carries on the sentence or paragraph of `block`, whose last line was `last`."""
    if _FOOTER.match(line):  # "Latest Posts" after a page cut off mid-sentence
        return False
    if line[0] in ",.;:!?)]}%”’" or line[0].islower():
        return True
    if _dateline(line) or _LABEL_START.match(line):
        return False
    if line[0] in "–—" and _words(block) <= 4:  # "CHICAGO" / "— The Cook County ..."
        return True
    if _hangs(last) or (last.endswith(":") and _words(block) <= 3):
        return True
    if width and block == last and _RELEASE_LABEL.match(block) and not block.endswith(_TERMINAL):
        return True  # "For Immediate Release: a title that wraps" / "onto a second line"
    return bool(width) and len(last) >= width * (0.9 if last.endswith(_TERMINAL) else 0.8)


def _hangs(line: str) -> bool:
    """Whether `line` stops mid-phrase. Its last 10 characters are read backwards (a hanging word has at most
    9, and \\b reads the character before it): one match at their start, four times cheaper than a search
    for the pattern at the end of the line, which tries every position."""
    return _HANGING.match(line[:-11:-1]) is not None


def _join(prev: str, line: str) -> str:
    if _LINE_END_HYPHEN.search(prev):  # "18-year-" / "old", "Pre-" / "Qualification", "exhaus-" / "tive"
        return prev[:-1] + _SOFT_HYPHEN + line if line[0].islower() else prev + line
    if line[0] in ",.;:!?)]}%”’":
        return prev + line
    return prev + " " + line


def _dehyphenate(blocks: list[str]) -> list[str]:
    """Resolve the hyphens of words broken at a line end: dropped when the document spells the whole word
    elsewhere ("exhaus-" / "tive"), kept otherwise, as compounds are ("18-year-" / "old")."""
    if not any(_SOFT_HYPHEN in b for b in blocks):
        return blocks
    vocabulary = {w.casefold() for b in blocks for w in _WORD.findall(b)}

    def mend(m: re.Match) -> str:
        return m[1] + m[2] if (m[1] + m[2]).casefold() in vocabulary else f"{m[1]}-{m[2]}"

    return [_BROKEN_WORD.sub(mend, b) for b in blocks]


def _mend_page_breaks(blocks: list[str]) -> list[str]:
    """A block that opens in lower case carries on the sentence the block before it left open: a PDF's
    page break, once the page footer between them is gone."""
    out: list[str] = []
    for block in blocks:
        if out and block[0].islower() and _words(out[-1]) >= 5 and not out[-1].endswith((*_TERMINAL, ":")):
            out[-1] = _join(out[-1], block)
        else:
            out.append(block)
    return out


def _blocks(lines: list[str]) -> list[str]:
    """Rejoin lines broken by inline markup or by hard wrapping; a blank line always ends a block."""
    width = _wrap_width(lines)
    blocks: list[str] = []
    current, last, dash = "", "", ""
    for line in lines + [""]:
        if _DASH_ONLY.match(line):  # a lone dash belongs to the text that follows it
            dash = line[0] if line[0] != "-" else "–"
            continue
        if dash and line:
            line, dash = f"{dash} {line}", ""
        if current and line and _continues(current, last, line, width):
            current, last = _join(current, line), line
            continue
        if current:
            blocks.append(current)
        current = last = line
    return _dehyphenate(_mend_page_breaks(blocks))


def _lines(text: str) -> list[str]:
    return [_norm(x) for x in text.splitlines()]


# --- header: title, date, where the body starts ---------------------------------------------------------


def _words(line: str) -> int:
    return len(line.split())


def _is_prose(line: str) -> bool:
    """A sentence-like block: long, with ordinary lowercase words (titles are capitalised)."""
    words = line.split()
    content = sum(w.islower() and w not in _STOPWORDS for w in words)
    if len(words) >= 12 and content >= 3 and line.endswith(_TERMINAL):
        return True
    return len(words) >= 30 and content >= 0.3 * len(words)


def _dateline(line: str) -> re.Match | None:
    # Only a line with a dash can be one: the pattern backtracks over the capitalised words of any other.
    return _DATELINE.match(line) if "-" in line or "–" in line or "—" in line else None


@lru_cache(maxsize=4096)  # as _is_ui
def _is_dateline(line: str) -> bool:
    match = _dateline(line)
    if not match:
        return False
    rest = unglue(line[match.end():])  # counted as it will read: sentences a scraper glued are two words
    lowercase = sum(w.islower() for w in rest.split())
    return _words(rest) >= 8 and lowercase >= 3 and (rest.endswith(_TERMINAL) or _words(rest) >= 20)


def _top_end(blocks: list[str], first_is_title: bool = True) -> tuple[int, bool]:
    """Index where the article proper begins, and whether it begins with a dateline.

    The first dateline before any real prose wins, or one right after a summary paragraph; else the
    first prose block, or the footer when the page has no prose. The first line is the page title
    unless it reads as a finished sentence."""
    page_title = _title_keys(blocks[0]) if blocks and first_is_title else set()
    for i, block in enumerate(blocks):
        if _FOOTER.match(block):
            return i, False
        if _is_dateline(block):
            return i, True
        if _is_prose(block) and (i > 0 or block.endswith(_TERMINAL)) and _key(block) not in page_title:
            for j in range(i + 1, min(i + 3, len(blocks))):
                if _is_dateline(blocks[j]):
                    return j, True
            return i, False
    return len(blocks), False


def _title_like(line: str, boilerplate: frozenset[str]) -> bool:
    n = _words(line)
    return (
        4 <= n <= 30
        and not line.endswith((".", ":", ";", ","))
        and line not in boilerplate
        and " > " not in line
        and not date_in_line(line)
        and not _CONTACT.search(line)
    )


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _same(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def _title_prefixes(page: str) -> list[str]:
    """The page title cut before each " | " / " - " separator, longest first: "Title - Office" -> "Title"."""
    return [page[: m.start()] for m in reversed(list(_SEPARATOR.finditer(page)))]


def _title_keys(page: str) -> set[str]:
    return {_key(x) for x in [page, *_title_prefixes(page)]}


def _find_title(header: list[str], context: list[str], boilerplate: frozenset[str]) -> str | None:
    """Page title minus its " | Site" / " - Office" suffix (spelled as the page's own heading when it
    repeats it); else a "For Immediate Release: ..." title; else the first heading-like line."""
    if header:
        page = header[0]
        for prefix in _title_prefixes(page):
            heading = next((x for x in header[1:] if _same(x, prefix)), None)
            if heading and _words(prefix) >= 2:
                return heading
        prefix = _SITE_SEPARATOR.split(page)[0]
        if prefix != page and " > " not in page and _words(prefix) >= 3:
            return prefix
    for line in header:
        label = _RELEASE_LABEL.match(line)
        if label and _words(label[1]) >= 3:
            return label[1]
    return next((x for x in _strip_decks(header, context) if _title_like(x, boilerplate)), None)


def _bare_title(title: str | None) -> str | None:
    """A title without a "For Immediate Release:" label in front (a "MEDIA ADVISORY:" one says what it is)."""
    if title and (label := _RELEASE_LABEL.match(title)):
        return label[1]
    return title


def _strip_decks(lines: list[str], context: list[str]) -> list[str]:
    """A deck (subtitle) that the scraper also glued onto the title or the first paragraph is not the
    title: drop it, and cut it off the line it was glued to."""
    decks = [d for d in lines if _words(d) >= 4 and any(o != d and (o.startswith(d) or o.endswith(d)) for o in context)]
    out = []
    for line in lines:
        if line in decks:
            continue
        for deck in decks:
            if line.endswith(deck):
                line = line[: -len(deck)].strip()
        out.append(line)
    return out


def _find_date(header: list[str], listing: list[str], title: str | None) -> datetime | None:
    """The date line closest to the body (a release date beats the site's own "Published" stamp above it);
    else the date beside this page's own title in a dated list of posts."""
    for line in reversed(header):
        found = date_in_line(line)
        if found and (parsed := parse_date(found)):
            return parsed
    for i, line in enumerate(listing):
        if title and _same(line, title):
            for near in listing[max(0, i - 1): i + 2]:
                if (found := date_in_line(near)) and (parsed := parse_date(found)):
                    return parsed
    return None


def _find_author(header: list[str]) -> str | None:
    """The byline or press contact of the header block: "Author" / "Lei Lani Fera", "Contact: Susan
    Schroeder", "October 31, 2018 Contact: Kimberlee Leach"."""
    for i, line in enumerate(header):
        label = _BYLINE.match(line) or _CONTACT_IN_LINE.search(line)
        if not label:
            continue
        value = label[1] or next((x for x in header[i + 1:i + 3] if _WORD.search(x)), "")
        name = _NAME_END.split(value, maxsplit=1)[0]
        if _PERSON_NAME.match(name):
            return name
    return None


def _listing_spans(blocks: list[str]) -> list[range]:
    """Runs of dated or "Read more" items (four or more, at most three lines apart): lists of posts."""
    marks = [i for i, b in enumerate(blocks) if _is_listing_mark(b)]
    spans, run = [], marks[:1]
    for i in marks[1:] + [None]:
        if i is not None and i - run[-1] <= 3:
            run.append(i)
            continue
        if len(run) >= 4:
            spans.append(range(max(0, run[0] - 1), min(len(blocks), run[-1] + 2)))
        run = [i]
    return spans


@lru_cache(maxsize=4096)  # as _is_ui
def _is_listing_mark(block: str) -> bool:
    return bool(date_in_line(block) or DAY_OF_MONTH.match(block) or _READ_MORE.match(block))


def _split_lists(blocks: list[str]) -> tuple[list[str], list[str]]:
    """(blocks outside lists of posts, blocks inside them): sidebars and "More News" are never the article.
    A stray "Read more" or menu block goes too, and the blocks it kept apart are one sentence again: the
    header and body rules then see the text as a second cleaning would."""
    in_list = {i for span in _listing_spans(blocks) for i in span}
    kept = [b for i, b in enumerate(blocks) if i not in in_list and not (_is_ui(b) or _READ_MORE.match(b))]
    return _dehyphenate(_mend_page_breaks(kept)), [blocks[i] for i in sorted(in_list)]


def _is_title_heading(block: str, title: str) -> bool:
    """The title, or its words after a label ("MEDIA ADVISORY: 4 Charged in ..." / "4 Charged in ..."), or
    the title with a deck or the site's name after it ("4 Charged in ... - Orange County District Attorney")."""
    key = _key(title)
    return _same(block, title) or (_words(block) >= 3 and key.endswith(_key(block))) or (
        bool(key) and _key(block).startswith(key))


def _body_start(blocks: list[str], title: str | None, first_is_title: bool = True) -> int:
    """Skip the header block: everything up to the dateline, or up to its last title, date or contact line.
    The first block is a header line only when it is the page title, not when the title came apart."""
    end, dateline = _top_end(blocks, first_is_title)
    if dateline or end == 0:
        return end
    anchors = [
        i for i, b in enumerate(blocks[:end])
        if (i == 0 and first_is_title) or date_in_line(b) or _CONTACT.search(b) or (title and _is_title_heading(b, title))
    ]
    return max(anchors, default=-1) + 1


# --- footer and page kinds ------------------------------------------------------------------------------


def _cut_footer(blocks: list[str]) -> list[str]:
    """Drop the first chrome section (end mark, "Latest Posts", tags ...) and all after it, then any trail
    of short or title-like lines (link lists, dates, language menus) left at the end."""
    for i, block in enumerate(blocks):
        if _FOOTER.match(block):
            blocks = blocks[:i]
            break
    while blocks and _is_trailing_chrome(blocks[-1]):
        blocks = blocks[:-1]
    return blocks


def _is_trailing_chrome(line: str) -> bool:
    if date_in_line(line) or DAY_OF_MONTH.match(line):
        return True
    if _LABEL_START.match(line):  # a field of a media advisory ("WHERE: Department N-12, ...")
        return False
    words = line.split()
    if line.endswith((".", "”", '"')):
        return False
    if len(words) <= 5 or all(len(w) <= 2 for w in words):  # menu items, letter-spaced logos
        return True
    lowercase_content = [w for w in words if w[:1].islower() and w.lower() not in _STOPWORDS]
    return not lowercase_content


def _index_page(kept: list[str], listed: list[str], min_words: int) -> str | None:
    """Listing pages: lists of dated or "Read more" items, and too little prose outside them."""
    if not listed:
        return None
    prose = sum(_words(b) for b in kept if _is_prose(b))
    if prose < min_words:
        items = sum(map(_is_listing_mark, listed))
        return f"{items} listed items, {prose} words of prose outside the lists"
    return None


def _wall_or_error(lines: list[str], text: str) -> tuple[str, str] | None:
    top = [x for x in lines if x][:5]
    for line in top:
        if _WALL.match(line):
            return "bot-wall", f"bot wall: {line[:80]!r}"
    for line in top:
        if _is_error(line) and _words(text) < 150:  # words counted only on a page that reads as one
            return "error-page", f"error page: {line[:80]!r}"
    return None


def _is_error(line: str) -> bool:
    # a search for "page" costs far less than one for the whole phrase on the long lines of most pages
    return bool(_ERROR.match(line) or ("page" in line.lower() and _PAGE_ERROR.search(line)))


def _language(text: str) -> str | None:
    """Language of the opening 600 characters: py3langid's time grows with the text, and on the shared
    corpus the opening names the same language as the first 2,000 characters on all but two bilingual
    pages of 6,786."""
    return _identifier().classify(text[:600])[0] if text else None


class _LanguageIdentifier(LanguageIdentifier):
    """py3langid's classifier, its byte n-gram counts taken at every position at once with NumPy instead of
    a Python step per byte. Its automaton is Aho-Corasick over n-grams of at most 6 bytes (checked on every
    transition of the model py3langid 0.4.0 ships), so the state at a byte is the one reached from the start
    over the last 6 bytes alone; the counts, and so the scores, are those of py3langid's own walk."""

    __slots__ = ("_moves", "_rows", "_outputs", "_float16_bits", "_float32")
    _SPAN = 6  # bytes of the longest n-gram

    def _raw_score(self, text: bytes):
        codes = np.frombuffer(text, dtype=np.uint8).astype(np.intp)
        n = len(codes)
        states = np.zeros(n, dtype=np.intp)
        for back in range(min(self._SPAN, n) - 1, -1, -1):  # each position steps over its last bytes, oldest first
            states[back:] = self._moves[self._rows[states[back:]] + codes[: n - back]]
        features = self._outputs[states]
        features = features[features >= 0]
        if not len(features):
            return super()._raw_score(text)
        ids, first, counts = np.unique(features, return_index=True, return_counts=True)
        order = np.argsort(first)  # py3langid sums the features in the order first seen
        # its float16 table cast to float32 by lookup: the cast its matmul makes, at half the cost
        table = self._float32.take(self._float16_bits[ids[order]])
        return np.log1p(counts[order].astype(np.float32)) @ table + self.nb_pc


@lru_cache(maxsize=1)
def _identifier() -> _LanguageIdentifier:
    identifier = _LanguageIdentifier.from_model_file(py3langid.langid.MODEL_FILE)
    identifier._moves = np.frombuffer(identifier.tk_nextmove, dtype=identifier.tk_nextmove.typecode)
    identifier._rows = np.asarray(identifier._rowbase, dtype=np.intp)
    identifier._outputs = np.asarray(identifier.tk_output, dtype=np.intp)
    identifier._float16_bits = identifier.nb_ptc.view(np.uint16)
    identifier._float32 = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
    return identifier


def _nonspace(text: str) -> int:
    return len("".join(text.split()))


# --- public API -----------------------------------------------------------------------------------------


LINE_STATS_COLUMNS = ["source", "line", "docs", "source_docs"]
_STATS_TYPES = {"source": "string", "line": "string", "docs": "int64", "source_docs": "int64"}


def line_stats(texts_by_source: Mapping[str, Iterable[str]], prior: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per source, each distinct line and the number of its documents that hold it (`docs`), beside the
    number of documents seen from that source (`source_docs`); added to `prior`, so that statistics kept
    from earlier runs let a small later run recognise the site's template. Lines are compared stripped
    and whitespace-collapsed, as clean_document compares them."""
    frames = [] if prior is None else [prior]
    for source, texts in texts_by_source.items():
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            if isinstance(text, str):
                n += 1
                counts.update({line for line in _lines(text) if line})
        frames.append(pd.DataFrame({"source": source, "line": list(counts), "docs": list(counts.values()),
                                    "source_docs": n}))
    return add_line_stats(frames)


def add_line_stats(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The sum of line statistics counted over disjoint sets of documents (batches, runs)."""
    frames = [f[LINE_STATS_COLUMNS] for f in frames if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=LINE_STATS_COLUMNS).astype(_STATS_TYPES)
    # each frame repeats its source's total on every row: one per frame, then summed over the frames
    totals = pd.concat([f.groupby("source")["source_docs"].first() for f in frames]).groupby(level=0).sum()
    merged = pd.concat(frames, ignore_index=True).groupby(["source", "line"], as_index=False)["docs"].sum()
    merged["source_docs"] = merged["source"].map(totals)
    return merged.astype(_STATS_TYPES)


def template_lines(stats: pd.DataFrame | None, min_docs: int = 5, min_share: float = 0.2) -> pd.DataFrame:
    """The (source, line) rows of `stats` that recur in at least `min_share` of their source's documents
    (and in `min_docs` of them): each site's template (navigation, footers, contact blocks)."""
    if stats is None or stats.empty:
        return pd.DataFrame({"source": pd.Series(dtype="string"), "line": pd.Series(dtype="string")})
    threshold = (min_share * stats["source_docs"]).clip(lower=min_docs)
    return stats.loc[stats["docs"] >= threshold, ["source", "line"]].reset_index(drop=True)


def sum_line_stats(paths: list[str], stats_path: str, templates_path: str, min_docs: int = 5,
                   min_share: float = 0.2, memory_limit: str = "128MB") -> None:
    """add_line_stats, then template_lines, over files of line statistics (a run's batches and the
    committed table), writing both results as Parquet files. The statistics hold a row per line ever
    seen, so they are summed out of core: DuckDB spills its aggregation and sort to disk past
    `memory_limit`, and the rows stream from the files to the outputs, so that memory stays the same
    however many lines the sources have shown."""
    template_schema = pa.schema([LINE_STATS.field("source"), LINE_STATS.field("line")])
    if not paths:
        files.write_batches([], LINE_STATS, stats_path)
        files.write_batches([], template_schema, templates_path)
        return
    # each file repeats a source's document count on every row: once per file, summed over the files
    totals = pd.concat([files.read_table(p, columns=["source", "source_docs"]).to_pandas()
                        .groupby("source")["source_docs"].first() for p in paths]).groupby(level=0).sum()
    totals = pa.table({"source": pa.array(totals.index, pa.string()), "source_docs": pa.array(totals, pa.int64())})
    with sql.connection(memory_limit) as connection:
        connection.register("totals", totals)
        sql.view(connection, "stats", paths, LINE_STATS)
        rows = connection.sql(
            "SELECT source, line, sum(docs)::BIGINT AS docs, any_value(t.source_docs) AS source_docs "
            "FROM stats JOIN totals t USING (source) GROUP BY source, line ORDER BY source, line"
        ).to_arrow_reader()
        templates: list[pa.RecordBatch] = []

        def passing():
            for batch in rows:
                batch = pa.RecordBatch.from_arrays(batch.columns, schema=LINE_STATS)
                floor = pc.max_element_wise(pc.multiply(batch["source_docs"].cast(pa.float64()), min_share),
                                            float(min_docs))
                templates.append(batch.filter(pc.greater_equal(batch["docs"], floor)).select(["source", "line"]))
                yield batch

        files.write_batches(passing(), LINE_STATS, stats_path)
    files.write_batches(templates, template_schema, templates_path)


def templates_by_source(lines: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Source -> its template, from template_lines."""
    return {source: frozenset(group) for source, group in lines.groupby("source")["line"]}


def boilerplate_from_stats(stats: pd.DataFrame | None, source: str, min_docs: int = 5,
                           min_share: float = 0.2) -> frozenset[str]:
    """The template of `source` (see template_lines)."""
    return templates_by_source(template_lines(stats, min_docs, min_share)).get(source, frozenset())


def templates_from_stats(stats: pd.DataFrame | None) -> dict[str, frozenset[str]]:
    """Every source's template (see template_lines)."""
    return templates_by_source(template_lines(stats))


def learn_boilerplate(texts: Iterable[str], min_docs: int = 5, min_share: float = 0.2) -> frozenset[str]:
    """The template of one source's documents (see boilerplate_from_stats)."""
    return boilerplate_from_stats(line_stats({"": texts}), "", min_docs, min_share)


def clean_document(
    raw_text: str | None,
    content_type: str = "text/plain",
    *,
    boilerplate: frozenset[str] = frozenset(),
    min_words: int = 40,
    max_words: int = 5000,
    hints: dict | None = None,
) -> Cleaned:
    """Clean one page: body text without header or chrome, its title and date, language and verdict.

    HTML goes through trafilatura first; its main text is already free of page chrome, so only the
    text repair and the fragment filter apply to it, and its title and date metadata are kept."""
    hints = hints or {}
    if not isinstance(raw_text, str) or "\x00" in raw_text:
        return _rejected("not-text", "no decodable text", junk=0.0)
    if not raw_text.strip():
        return _rejected("empty", "no text", junk=0.0)
    is_html = "html" in (content_type or "")
    meta = {"title": hints.get("title"), "published": parse_date(hints.get("published"))}
    if is_html:
        text, extracted, page_chars = _from_html(raw_text)
        if not text:
            return _rejected("empty", "no main text found in the HTML")
        meta = {**extracted, "title": meta["title"] or extracted["title"],
                "published": meta["published"] or extracted["published"]}
    else:
        text, page_chars = raw_text, _nonspace(raw_text)
    lines = _lines(repair(text))
    wall = _wall_or_error(lines, text)
    if wall:
        return _rejected(*wall)

    lines = _drop_ui(lines)
    kept, listed = _split_lists(_blocks(lines))
    first_is_title = not meta["title"]  # an export or feed gives the title apart from the text
    end = _top_end(kept, first_is_title)[0]
    title = meta["title"] or _bare_title(_find_title(kept[:end], kept[: end + 1], boilerplate))
    published = meta["published"] or _find_date(kept[:end], listed, title)
    author = meta.get("author") or _find_author(kept[:end])

    own = _drop_boilerplate(lines, boilerplate)
    if len(own) < len(lines):  # else the blocks are those above
        kept, listed = _split_lists(_blocks(own))
    if is_html:  # trafilatura's text may open with the headline and the date line
        while kept and ((title and _same(kept[0], title)) or date_in_line(kept[0])):
            kept = kept[1:]
    else:
        kept = _cut_footer(kept[_body_start(kept, title, first_is_title):])
    body_text = "\n\n".join(unglue(b) for b in kept)
    word_count = _words(body_text)

    reason, detail = None, None
    if index := _index_page(kept, listed, min_words):
        reason, detail = "index-page", index
    elif word_count < min_words:
        reason, detail = "too-short", f"{word_count} words < {min_words}"
    elif word_count > max_words:  # annual reports and court filings, not releases
        reason, detail = "too-long", f"{word_count} words > {max_words}"
    return Cleaned(
        text=body_text,
        title=title if reason is None else None,
        published_at=published if reason is None else None,
        language=_language(body_text) if word_count >= 5 else None,
        is_article=reason is None,
        reason=reason,
        detail=detail,
        junk_ratio=round(max(0.0, 1 - _nonspace(body_text) / max(1, page_chars)), 4),
        word_count=word_count,
        author=author if reason is None else None,
        site_name=meta.get("site_name"),
        url=meta.get("url"),
    )


def _from_html(html: str) -> tuple[str | None, dict, int]:
    """(main text, metadata, non-space characters of the page's visible text), the page parsed once."""
    tree = trafilatura.load_html(html)
    if tree is None:
        return None, {}, 0
    meta = _html_metadata(tree)
    first = trafilatura.bare_extraction(tree, **_EXTRACTOR)  # works on its own copy of the tree
    text = first.text if first else ""
    page_chars = _visible_chars(tree)
    if _nonspace(text) < _TOO_LITTLE * page_chars:
        retry = trafilatura.bare_extraction(tree, **_FALLBACK)
        if retry and len(retry.text) >= _MUCH_MORE * len(text):
            text = retry.text
    return text, meta, page_chars


def _html_metadata(tree) -> dict:
    """Title, date, byline, site name and canonical URL by trafilatura's own steps (meta tags, JSON-LD,
    headings, canonical link, htmldate), without its searches of the page body for bylines, categories,
    tags and licences: those cost as much as the text extraction itself (benchmarks/clean_aeb.py)."""
    doc = tf_metadata.extract_meta_json(tree, tf_metadata.examine_meta(tree))
    doc.title = doc.title or tf_metadata.extract_title(tree)
    doc.url = doc.url or tf_metadata.extract_url(tree)
    doc.sitename = doc.sitename or tf_metadata.extract_sitename(tree)
    # markup first; htmldate's search of the page's text costs ten times more and is rarely needed
    doc.date = htmldate.find_date(tree, url=doc.url, original_date=True, extensive_search=False) or (
        htmldate.find_date(tree, url=doc.url, original_date=True)
    )
    doc.clean_and_trim()
    return {"title": doc.title, "published": parse_date(doc.date), "author": doc.author,
            "site_name": doc.sitename, "url": doc.url}


def _visible_chars(tree) -> int:
    """Non-space characters a reader sees on the page; drops the scripts and styles from `tree`."""
    etree.strip_elements(tree, *_INVISIBLE_TAGS, with_tail=False)
    body = tree.find("body")
    return _nonspace((tree if body is None else body).text_content())


def _rejected(reason: str, detail: str, junk: float = 1.0) -> Cleaned:
    return Cleaned("", None, None, None, False, reason, detail, junk, 0)


CLEAN_COLUMNS = ["text", "title", "published_at", "language", "junk_ratio", "word_count", "author", "site_name", "url"]


def batch_line_stats(docs: pd.DataFrame, prior: pd.DataFrame | None = None) -> pd.DataFrame:
    """Line statistics of a batch's 'ok' plain-text rows per source (HTML goes through trafilatura, which
    has no use for them), added to `prior`."""
    plain = docs["status"].eq("ok") & ~docs["content_type"].fillna("").str.contains("html")
    by_source = docs.loc[plain, "raw_text"].groupby(docs.loc[plain, "source"].fillna(""))
    return line_stats(dict(iter(by_source)), prior)


def clean_batch(docs: pd.DataFrame, settings, prior_stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Clean every 'ok' row, learning each source's template from the batch and `prior_stats` (line
    statistics of earlier runs, see line_stats); rows that are not articles become 'quarantined' with a
    reason. Rows quarantined before pass through untouched."""
    return _clean_rows(docs, settings, templates_from_stats(batch_line_stats(docs, prior_stats)))


def _clean_rows(docs: pd.DataFrame, settings, templates: Mapping[str, frozenset[str]]) -> pd.DataFrame:
    min_words = settings.clean.min_article_words
    max_words = settings.clean.max_article_words
    out = docs.copy()
    sources = out["source"].fillna("")
    ok = out["status"].eq("ok")
    results = {
        idx: clean_document(
            row["raw_text"],
            _present(row["content_type"]) or "text/plain",
            boilerplate=templates.get(sources[idx], frozenset()) if "html" not in str(row["content_type"]) else frozenset(),
            min_words=min_words,
            max_words=max_words,
            hints={"title": _present(row.get("meta_title")), "published": _present(row.get("meta_published"))},
        )
        for idx, row in out[ok].iterrows()
    }
    for column in CLEAN_COLUMNS:
        out[column] = pd.Series({i: getattr(r, column) for i, r in results.items()}, index=out.index, dtype=object)
    out["published_at"] = pd.to_datetime(out["published_at"], utc=True).astype("datetime64[us, UTC]")
    out["junk_ratio"] = out["junk_ratio"].astype("float64")
    out["word_count"] = out["word_count"].astype("Int32")
    for idx, result in results.items():
        if not result.is_article:
            out.loc[idx, ["status", "reason", "detail"]] = ["quarantined", result.reason, result.detail]
    return out


def _present(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else value


@task(name="line-stats")
def line_stats_task(in_path: str, out_path: str) -> str:
    """Line statistics of an ingested batch; the run adds up every batch's (add_line_stats) before any
    batch is cleaned, so that the templates, and so the cleaned texts, do not depend on batch order."""
    return write_batch(batch_line_stats(read_batch(in_path)), out_path)


@task(name="clean")
def clean_task(in_path: str, out_path: str, settings, templates_path: str | None = None) -> str:
    """Clean an ingested batch with the templates at `templates_path` (template_lines of the run's and
    earlier runs' line statistics, a small file however large the statistics), or with those learned
    from the batch alone without one. The raw bytes stay behind in the ingest batch, which load keeps."""
    frame = read_batch(in_path)
    if templates_path:
        templates = templates_by_source(read_batch(templates_path))
    else:
        templates = templates_from_stats(batch_line_stats(frame))
    frame = _clean_rows(frame, settings, templates)
    newly = frame["status"].eq("quarantined") & frame.get("stage", pd.Series(None, index=frame.index)).isna()
    frame.loc[newly, "stage"] = "clean"
    return write_batch(frame.drop(columns=["raw", "raw_text"], errors="ignore"), out_path)
