"""One page cleaned: `clean_document` reads the lines of a page (HTML through trafilatura first), drops UI
furniture and the source's template lines, rejoins paragraphs, reads the header block for title, date and
author and cuts it, cuts the footer, and gives the body text with its language and an article verdict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from crosswire.clean.affixes import strip_affixes
from crosswire.clean.header import (
    bare_title,
    body_start,
    find_author,
    find_date,
    find_modified,
    find_title,
    top_end,
)
from crosswire.clean.html import main_text, parse, visible_words
from crosswire.clean.language import language_of
from crosswire.clean.lines import blocks, split_lines
from crosswire.clean.page import (
    cut_footer,
    drop_boilerplate,
    drop_ui,
    index_page,
    split_lists,
    wall_or_error,
)
from crosswire.clean.repairs import repair, unglue
from crosswire.clean.segments import cut_run_together, prose_run, segments
from crosswire.clean.text import count_words, match_key, nonspace_chars, spaced_words
from crosswire.dates import dated_line, lead_date, parse_date
from crosswire.settings import DEFAULTS, Settings


@dataclass
class Cleaned:
    text: str  # clean body text, paragraphs separated by "\n\n", no header block, no chrome
    title: str | None
    published_at: datetime | None  # tz-aware UTC (midnight UTC for a date-only value)
    language: str | None  # ISO 639-1
    is_article: bool
    reason: str | None  # when not an article: 'empty', 'not-text', 'bot-wall', 'error-page', 'index-page',
    # 'too-short', 'too-long', 'too-many-lines', 'over-budget'
    detail: str | None  # human-readable detail for the quarantine row
    junk_ratio: float  # share of the input's non-space characters removed as junk
    word_count: int
    author: str | None = None  # the page's byline or press contact; HTML: its site name and canonical URL
    modified_at: datetime | None = None  # when the page says it was changed (kept apart from published_at)
    site_name: str | None = None
    url: str | None = None


def clean_document(
    raw_text: str | None,
    content_type: str = "text/plain",
    *,
    boilerplate: frozenset[str] = frozenset(),
    settings: Settings = DEFAULTS,
    hints: dict | None = None,
) -> Cleaned:
    """Clean one page: body text without header or chrome, its title and date, language and verdict.

    HTML goes through trafilatura first; its main text is already free of page chrome, so only the
    text repair and the fragment filter apply to it, and its title and date metadata are kept. Texts
    under `settings.clean.min_article_words` words or over `max_article_words` are not articles; a page
    of more than `max_page_words` words (HTML: that a reader sees) or `max_page_lines` lines (text) is not
    cleaned at all. A page saved without its line breaks is cut into segments first (crosswire.clean.segments)."""
    hints = hints or {}
    if not isinstance(raw_text, str) or "\x00" in raw_text:
        return _rejected("not-text", "no decodable text", junk=0.0)
    if not raw_text.strip():
        return _rejected("empty", "no text", junk=0.0)
    is_html = "html" in (content_type or "")
    meta = {"title": hints.get("title"), "published": parse_date(hints.get("published"), settings.dates)}
    if is_html:
        tree = parse(raw_text)
        if tree is None:
            return _rejected("empty", "no main text found in the HTML")
        if oversized := _oversized(settings, raw_text, words=lambda: visible_words(tree)):
            return _rejected(*oversized)
        text, extracted, page_chars = main_text(tree, settings)
        if not text:
            return _rejected("empty", "no main text found in the HTML")
        meta = {**extracted, "title": meta["title"] or extracted["title"],
                "published": meta["published"] or extracted["published"]}
    else:
        if oversized := _oversized(settings, raw_text, words=lambda: count_words(raw_text), lines=True):
            return _rejected(*oversized)
        text, page_chars = raw_text, nonspace_chars(raw_text)
    repaired = repair(text)
    lines = raw = split_lines(repaired)
    if not is_html:
        lines = cut_run_together(raw, boilerplate, settings.clean.run_together_words, settings.clean.long_line_words)
    wall = wall_or_error(lines, text)
    if wall:
        return _rejected(*wall)
    cleaned = _from_lines(lines, is_html, meta, boilerplate, page_chars, settings, frozenset(raw) if lines != raw else None)
    if not is_html and cleaned.reason in ("too-short", "index-page"):  # perhaps a page whose lines ran together
        cut = segments(raw, boilerplate, lambda line: spaced_words(line) >= settings.clean.long_line_words)
        if cut != raw and (retry := _from_lines(cut, is_html, meta, boilerplate, page_chars, settings, frozenset(raw))).is_article:
            return retry
    return cleaned


def _from_lines(lines: list[str], is_html: bool, meta: dict, boilerplate: frozenset[str], page_chars: int,
                settings: Settings, saved: frozenset[str] | None = None) -> Cleaned:
    """A page's lines (furniture and the source's template lines among them) read as `clean_document` reads
    them; the segments of a page whose lines ran together have their body found by density (`saved`: the
    lines of that page as saved, before they were cut, else None)."""
    segmented = saved is not None
    min_words, max_words = settings.clean.min_article_words, settings.clean.max_article_words
    lines = drop_ui(lines)
    kept, listed = split_lists(blocks(lines))
    first_is_title = not meta["title"]  # an export or feed gives the title apart from the text
    body = prose_run(kept, saved) if segmented else None
    end = body[0] if body else top_end(kept, first_is_title)[0]
    title = strip_affixes(meta["title"] or bare_title(find_title(kept[:end], kept[: end + 1], boilerplate)),
                          boilerplate, meta.get("site_name"))
    published = meta["published"] or find_date(kept[:end], listed, title, settings.dates)
    modified = find_modified(kept[:end], settings.dates)
    author = meta.get("author") or find_author(kept[:end])

    own = drop_boilerplate(lines, boilerplate)
    if len(own) < len(lines):  # else the blocks are those above
        kept, listed = split_lists(blocks(own))
    if is_html:  # trafilatura's text may open with the headline and the date line
        kept = kept[_headline_lines(kept, title):]
    elif segmented:
        kept = cut_footer(kept[slice(*prose_run(kept, saved))])
    else:
        kept = cut_footer(kept[body_start(kept, title, first_is_title):])
    body_text = "\n\n".join(unglue(b) for b in kept)
    word_count = count_words(body_text)
    if not meta["published"] and kept and (lead := lead_date(kept[0])):  # the release's own date (crosswire.dates)
        published = parse_date(lead, settings.dates) or published

    reason, detail = None, None
    if index := index_page(kept, listed, min_words):
        reason, detail = "index-page", index
    elif word_count < min_words:
        reason, detail = "too-short", f"{word_count} words < {min_words}"
    elif word_count > max_words:  # annual reports and court filings, not releases
        reason, detail = "too-long", f"{word_count} words > {max_words}"
    return Cleaned(
        text=body_text,
        title=title if reason is None else None,
        published_at=published if reason is None else None,
        language=language_of(body_text, settings.clean.language_chars) if word_count >= 5 else None,
        is_article=reason is None,
        reason=reason,
        detail=detail,
        junk_ratio=round(max(0.0, 1 - nonspace_chars(body_text) / max(1, page_chars)), 4),
        word_count=word_count,
        author=author if reason is None else None,
        modified_at=modified if reason is None else None,
        site_name=meta.get("site_name"),
        url=meta.get("url"),
    )


def _oversized(settings: Settings, page: str, words: Callable[[], int], lines: bool = False) -> tuple[str, str] | None:
    """('too-long' or 'too-many-lines', detail) for a page whose size alone says it is no release: decided
    from counts before any other work, so that a huge page costs milliseconds, not minutes. `words()` counts
    the page's words, and `lines` says whether its lines count (those of a text page; an HTML page's lines
    are its markup's). A page holds fewer words and lines than characters: a short one is not counted."""
    most_words, most_lines = settings.clean.max_page_words, settings.clean.max_page_lines
    if len(page) > most_words and (n := words()) > most_words:
        return "too-long", f"{n} words on the page > {most_words}, not cleaned"
    if lines and len(page) >= most_lines and (n := page.count("\n") + 1) > most_lines:
        return "too-many-lines", f"{n} lines on the page > {most_lines}, not cleaned"
    return None


def _headline_lines(blocks: list[str], title: str | None) -> int:
    """How many of the first `blocks` are the headline (`title`) or a date line."""
    key = match_key(title) if title else None
    n = 0
    while n < len(blocks) and ((key is not None and match_key(blocks[n]) == key) or dated_line(blocks[n])):
        n += 1
    return n


def over_budget(seconds: float) -> Cleaned:
    """The verdict on a page whose cleaning took longer than `seconds` and was stopped (crosswire.clean.budget)."""
    return _rejected("over-budget", f"cleaning took over {seconds:g} s (clean.budget_seconds) and was stopped")


@lru_cache(maxsize=1)
def preload() -> None:
    """Load what cleaning loads at its first use (the language model, dateparser's English and Spanish
    patterns, trafilatura's and htmldate's) by cleaning two small pages and reading two dates: a process that
    forks a child to clean each batch (crosswire.clean.budget) loads it once, before its first fork, instead
    of every child loading it again (about a second a batch)."""
    text = ("A county prosecutor's release\nMarch 3, 2026\n\nSPRINGFIELD – The county prosecutor said today that "
            "a man was charged with fraud after investigators found payments to companies that did not exist.")
    clean_document(text)
    clean_document(f"<html><head><title>A release</title></head><body><article><p>{text}</p></article></body></html>",
                   "text/html")
    for spelling in ("Tuesday, March 3, 2026 10:00 AM EST", "3 de marzo de 2026"):  # dateparser's, not the plain ones
        parse_date(spelling)


def _rejected(reason: str, detail: str, junk: float = 1.0) -> Cleaned:
    return Cleaned("", None, None, None, False, reason, detail, junk, 0)
