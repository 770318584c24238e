"""Small measures of text that every step of the clean stage reads: words, non-space characters, the key
two spellings of a heading share."""

from __future__ import annotations

from crosswire.clean.patterns import NON_WORD


def collapse_spaces(line: str) -> str:
    """`line` stripped, its runs of whitespace made one space."""
    return " ".join(line.split())


def count_words(line: str) -> int:
    return len(line.split())


def nonspace_chars(text: str) -> int:
    return len("".join(text.split()))


def match_key(text: str) -> str:
    """`text` without punctuation, spaces or case: what two spellings of one heading share."""
    return NON_WORD.sub("", text).casefold()


def same_text(a: str, b: str) -> bool:
    return match_key(a) == match_key(b)
