"""What on a page is not the article: UI furniture, the source's template lines, lists of posts (sidebars,
"More News", index pages), the footer and what trails it, bot walls and error pages."""

from __future__ import annotations

from functools import lru_cache

from crosswire.clean.header import is_prose
from crosswire.clean.lines import mend
from crosswire.clean.patterns import (
    CAROUSEL_START,
    ERROR,
    FOOTER,
    LABEL_START,
    PAGE_ERROR,
    PUNCT_ONLY,
    READ_MORE,
    STOPWORDS,
    UI_COOKIES,
    UI_LINES,
    UI_PATTERN,
    WALL,
    WORD,
)
from crosswire.clean.text import count_words
from crosswire.dates import DAY_OF_MONTH, dated_line

# --- furniture and template lines -------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # a site's template lines recur on every page, and blocks are read twice
def is_ui(line: str) -> bool:
    """Generic page furniture ("Skip to content", "Share", "1 / 8", a cookie notice, a line of punctuation)."""
    low = line.lower()
    return (low in UI_LINES or bool(UI_PATTERN.match(line)) or ("cook" in low and bool(UI_COOKIES.match(line)))
            or bool(PUNCT_ONLY.match(line)))


def drop_ui(lines: list[str]) -> list[str]:
    """Remove generic page furniture, including a carousel counter split over two lines ("1 /", "8")."""
    out: list[str] = []
    skip_number = False
    for line in lines:
        if skip_number and line.isdigit():
            skip_number = False
            continue
        if line:
            skip_number = bool(CAROUSEL_START.fullmatch(line))
        if line and (skip_number or is_ui(line)):
            continue
        out.append(line)
    return out


def drop_boilerplate(lines: list[str], boilerplate: frozenset[str]) -> list[str]:
    """Remove the source's template lines, but keep section markers, and a template line that leads into
    this page's own text: a dateline's place ("CHICAGO" / "—" / "The Cook County ...") or a field label
    (a media advisory's "WHO:" / "State Attorney ...")."""
    if not boilerplate:
        return lines
    out = []
    for i, line in enumerate(lines):
        if line in boilerplate and not (FOOTER.match(line) or _leads_into_own_text(line, lines[i + 1:i + 4], boilerplate)):
            continue
        out.append(line)
    return out


def _leads_into_own_text(line: str, following: list[str], boilerplate: frozenset[str]) -> bool:
    following = [x for x in following if x]
    own = next((x for x in following if WORD.search(x)), None)  # past a lone dash or colon
    if not following or own is None or own in boilerplate:
        return False
    continued = following[0][0] in "–—,;:" or following[0][0].islower()
    return (continued and count_words(line) <= 4) or line.endswith(":")


# --- lists of posts ---------------------------------------------------------------------------------------


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


@lru_cache(maxsize=4096)  # as is_ui
def _is_listing_mark(block: str) -> bool:
    return bool(dated_line(block) or DAY_OF_MONTH.match(block) or READ_MORE.match(block))


def split_lists(blocks: list[str]) -> tuple[list[str], list[str]]:
    """(blocks outside lists of posts, blocks inside them): sidebars and "More News" are never the article.
    A stray "Read more" or menu block goes too, and the blocks it kept apart are one sentence again: the
    header and body rules then see the text as a second cleaning would."""
    in_list = {i for span in _listing_spans(blocks) for i in span}
    kept = [b for i, b in enumerate(blocks) if i not in in_list and not (is_ui(b) or READ_MORE.match(b))]
    return mend(kept), [blocks[i] for i in sorted(in_list)]


def index_page(kept: list[str], listed: list[str], min_words: int) -> str | None:
    """Listing pages: lists of dated or "Read more" items, and too little prose outside them."""
    if not listed:
        return None
    prose = sum(count_words(b) for b in kept if is_prose(b))
    if prose < min_words:
        items = sum(map(_is_listing_mark, listed))
        return f"{items} listed items, {prose} words of prose outside the lists"
    return None


# --- footer -----------------------------------------------------------------------------------------------


def cut_footer(blocks: list[str]) -> list[str]:
    """Drop the first chrome section (end mark, "Latest Posts", tags ...) and all after it, then any trail
    of short or title-like lines (link lists, dates, language menus) left at the end."""
    for i, block in enumerate(blocks):
        if FOOTER.match(block):
            blocks = blocks[:i]
            break
    end = len(blocks)
    while end and _is_trailing_chrome(blocks[end - 1]):
        end -= 1
    return blocks[:end]


def _is_trailing_chrome(line: str) -> bool:
    if dated_line(line) or DAY_OF_MONTH.match(line):
        return True
    if LABEL_START.match(line):  # a field of a media advisory ("WHERE: Department N-12, ...")
        return False
    words = line.split()
    if line.endswith((".", "”", '"', "。")):
        return False
    if len(words) <= 5 or all(len(w) <= 2 for w in words):  # menu items, letter-spaced logos
        return True
    lowercase_content = [w for w in words if w[:1].islower() and w.lower() not in STOPWORDS]
    return not lowercase_content


# --- walls and error pages --------------------------------------------------------------------------------


def wall_or_error(lines: list[str], text: str) -> tuple[str, str] | None:
    """('bot-wall' or 'error-page', detail) when the page's first lines say it is one."""
    top = [x for x in lines if x][:5]
    for line in top:
        if WALL.match(line):
            return "bot-wall", f"bot wall: {line[:80]!r}"
    for line in top:
        if _is_error(line) and count_words(text) < 150:  # words counted only on a page that reads as one
            return "error-page", f"error page: {line[:80]!r}"
    return None


def _is_error(line: str) -> bool:
    # a search for "page" costs far less than one for the whole phrase on the long lines of most pages
    return bool(ERROR.match(line) or ("page" in line.lower() and PAGE_ERROR.search(line)))
