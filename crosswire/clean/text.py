"""Small measures of text that every step of the clean stage reads: words, non-space characters, the key
two spellings of a heading share."""

from __future__ import annotations

from crosswire.clean.patterns import CJK, MAYBE_CJK, NON_WORD


def collapse_spaces(line: str) -> str:
    """`line` stripped, its runs of whitespace made one space."""
    return " ".join(line.split())


def count_words(line: str) -> int:
    """Words of `line`: its tokens between spaces, each character of Chinese, Japanese or Korean (CJK)
    counted as a word of its own, as those scripts write no spaces between their words (a release of 400
    characters is as long as one of 400 words, over any article's minimum)."""
    cjk = cjk_chars(line)
    return cjk + len(CJK.sub(" ", line).split()) if cjk else len(line.split())


def cjk_chars(line: str) -> int:
    """Characters of `line` in a script written without spaces between words (see patterns.CJK)."""
    return 0 if line.isascii() or not MAYBE_CJK.search(line) else len(CJK.findall(line))


def spaced_words(line: str) -> int:
    """Tokens of `line` between spaces, CJK text however long one of them: what tells a page run together
    (segments cut it at spaces, sentence ends and capitals, which CJK text has not)."""
    return len(line.split())


def nonspace_chars(text: str) -> int:
    return len("".join(text.split()))


def match_key(text: str) -> str:
    """`text` without punctuation, spaces or case: what two spellings of one heading share."""
    return NON_WORD.sub("", text).casefold()


def same_text(a: str, b: str) -> bool:
    return match_key(a) == match_key(b)
