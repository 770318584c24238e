"""Text repair: line breaks, mojibake, Unicode normal form and odd spaces (ftfy, with fast paths for the
lines it would leave as they are), and sentences a scraper glued together."""

from __future__ import annotations

import re
from functools import lru_cache

import ftfy

from crosswire.clean.patterns import (
    FTFY_CAN_CHANGE,
    FTFY_KEEPS,
    GLUE,
    INVISIBLE,
    LINE_BREAKS,
    SPACES,
    STOP_CAPITAL,
    URLISH,
)


def repair(text: str) -> str:
    """Mojibake, Unicode normal form and odd spaces fixed; curly quotes kept (the extract stage reads them)."""
    if "\r" in text or "\u2028" in text or "\u2029" in text:  # a scan for each is cheaper than the regex's
        text = LINE_BREAKS.sub("\n", text)
    # before ftfy too: it reads line by line, and a soft hyphen or odd space can hide mojibake from it;
    # after it only on the lines it changed
    text = _plain_spaces(text)
    if FTFY_CAN_CHANGE.search(text):  # ftfy reads line by line anyway; most lines need nothing
        text = "\n".join(line if ftfy_keeps(line) else _plain_spaces(fix_line(line)) for line in text.split("\n"))
    return text


def ftfy_keeps(line: str) -> bool:
    """Whether `line` is made only of characters that ftfy (as fix_line calls it) leaves as they are."""
    return FTFY_KEEPS[0].fullmatch(line) is not None or FTFY_KEEPS[1].fullmatch(line) is not None


def _plain_spaces(text: str) -> str:
    return INVISIBLE.sub("", SPACES.sub(" ", text))


@lru_cache(maxsize=8192)  # a site's template lines recur on every page
def fix_line(line: str) -> str:
    """ftfy's fixes of one line, as repair applies them."""
    return ftfy.fix_text(line, uncurl_quotes=False, normalization="NFC")


def unglue(paragraph: str) -> str:
    """Put back the space a scraper lost between two sentences, leaving URLs and e-mail addresses alone."""
    if not (STOP_CAPITAL.search(paragraph) and GLUE.search(paragraph)):
        return paragraph
    return re.sub(r"\S+", lambda m: m[0] if URLISH.search(m[0]) else GLUE.sub(" ", m[0]), paragraph)
