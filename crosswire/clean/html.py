"""HTML pages: their main text by trafilatura, and their metadata (title, date, byline, site name,
canonical URL) by trafilatura's own metadata steps.

trafilatura for HTML, chosen on the article-extraction benchmark (benchmarks/clean_aeb.py): the fast
precision mode, and its recall mode when the first pass kept too little of the page, as trafilatura's
own escalation does (`CleanSettings.html_retry_below`, `html_retry_gain`). Comments are never the release.
trafilatura is pinned exactly (pyproject.toml, checked by tests/clean): `html_metadata` calls steps of
trafilatura.metadata, not its public API.
"""

from __future__ import annotations

import htmldate
import trafilatura
import trafilatura.metadata as tf_metadata
from lxml import etree

from crosswire.clean.text import count_words, nonspace_chars
from crosswire.dates import parse_date
from crosswire.settings import DEFAULTS, Settings

_EXTRACTOR = {"fast": True, "favor_precision": True, "include_comments": False}
_FALLBACK = {"fast": True, "favor_recall": True, "include_comments": False}
_INVISIBLE_TAGS = ("script", "style", "noscript", "template")


def parse(html: str):
    """The page's tree (lxml, as trafilatura loads it), or None when nothing in it parses as HTML."""
    return trafilatura.load_html(html)


def visible_words(tree) -> int:
    """About the words a reader sees on the page: its body's text without its scripts and styles, counted
    without changing the tree (its scripts hold metadata). A few words glued at the edges of elements
    count as one: the count is a cheap measure of the page's size, not the text's word count."""
    body = tree.find("body")
    root = tree if body is None else body
    hidden = sum(count_words(element.text_content()) for element in root.iter(*_INVISIBLE_TAGS))
    return count_words(root.text_content()) - hidden


def main_text(tree, settings: Settings = DEFAULTS) -> tuple[str | None, dict, int]:
    """(main text, metadata, non-space characters of the page's visible text) of a parsed page (`parse`);
    the tree loses its scripts and styles."""
    meta = html_metadata(tree, settings)
    first = trafilatura.bare_extraction(tree, **_EXTRACTOR)  # works on its own copy of the tree
    text = first.text if first else ""
    page_chars = _visible_chars(tree)
    # html_retry_below: the share of the page's visible text below which the first pass under-delivered ...
    if nonspace_chars(text) < settings.clean.html_retry_below * page_chars:
        retry = trafilatura.bare_extraction(tree, **_FALLBACK)
        # ... html_retry_gain: how much longer the retry must be to replace it (a deck or caption is not enough)
        if retry and len(retry.text) >= settings.clean.html_retry_gain * len(text):
            text = retry.text
    return text, meta, page_chars


def html_metadata(tree, settings: Settings = DEFAULTS) -> dict:
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
    return {"title": doc.title, "published": parse_date(doc.date, settings.dates), "author": doc.author,
            "site_name": doc.sitename, "url": doc.url}


def _visible_chars(tree) -> int:
    """Non-space characters a reader sees on the page; drops the scripts and styles from `tree`."""
    etree.strip_elements(tree, *_INVISIBLE_TAGS, with_tail=False)
    body = tree.find("body")
    return nonspace_chars((tree if body is None else body).text_content())
