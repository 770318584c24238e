"""Lines to paragraph blocks: a page's lines, rejoined where inline markup, hard wrapping (PDF extractions)
or a page break split a paragraph, with the hyphens of words broken at a line end resolved."""

from __future__ import annotations

import re

from crosswire.clean.patterns import (
    BROKEN_WORD,
    CJK,
    DASH_ONLY,
    DATELINE,
    FOOTER,
    HANGING,
    LABEL_START,
    LINE_END_HYPHEN,
    RELEASE_LABEL,
    SOFT_HYPHEN,
    TERMINAL,
    WORD,
)
from crosswire.clean.text import collapse_spaces, count_words


def split_lines(text: str) -> list[str]:
    """The lines of `text`, stripped and whitespace-collapsed: as line statistics and templates compare them."""
    return [collapse_spaces(x) for x in text.splitlines()]


def dateline(line: str) -> re.Match | None:
    """The dateline ("TUNIS, Tunisia – ", "CHICAGO — ") that opens `line`, if any."""
    # Only a line with a dash or a colon can be one: the pattern backtracks over the capitalised words of any other.
    return DATELINE.match(line) if "-" in line or "–" in line or "—" in line or ":" in line[:60] else None


def _wrap_width(lines: list[str]) -> int:
    """The column width of hard-wrapped text (PDF extractions), or 0 when lines are whole blocks."""
    lengths = sorted(len(x) for x in lines if x)
    if len(lengths) < 8:
        return 0
    width = lengths[int(len(lengths) * 0.9)]
    full = sum(n >= 0.75 * width for n in lengths) / len(lengths)
    long_blocks = sum(n > 1.5 * width for n in lengths)
    return width if 60 <= width <= 130 and full >= 0.4 and long_blocks <= 1 else 0


class Paragraph:
    """A block rejoined from two lines or more. Its pieces are joined once, at the end: a string grown line by
    line is copied again at every line, and a block of thousands of hard-wrapped lines (a long filing, a page
    of lines of one width) would cost the square of its length. How a line joins depends on the line before
    it alone; the block's words are counted only when asked, and then kept up to date. (A block of one line
    is that line: most blocks are, and a string costs less.)"""

    __slots__ = ("_words", "last", "pieces")

    def __init__(self, line: str):
        self.pieces, self.last, self._words = [line], line, None

    def add(self, line: str) -> None:
        spaced = False
        if LINE_END_HYPHEN.search(self.last):  # "18-year-" / "old", "Pre-" / "Qualification", "exhaus-" / "tive"
            if line[0].islower():
                self.pieces[-1] = self.pieces[-1][:-1] + SOFT_HYPHEN
        elif line[0] not in ",.;:!?)]}%”’":
            spaced = True
        if self._words is not None:  # two words meeting at a join without a space are one (CJK characters: two)
            merged = not spaced and not CJK.match(self.last[-1]) and not CJK.match(line[0])
            self._words += count_words(line) - merged
        self.pieces.append(" " + line if spaced else line)
        self.last = line

    def words(self) -> int:
        if self._words is None:
            self._words = count_words(str(self))
        return self._words

    def __str__(self) -> str:
        return "".join(self.pieces)


def _joined(block: str | Paragraph, line: str) -> Paragraph:
    """`block` with `line` joined to it."""
    paragraph = Paragraph(block) if isinstance(block, str) else block
    paragraph.add(line)
    return paragraph


def _last_line(block: str | Paragraph) -> str:
    return block if isinstance(block, str) else block.last


def _words(block: str | Paragraph) -> int:
    return count_words(block) if isinstance(block, str) else block.words()


def _continues(block: str | Paragraph, line: str, width: int) -> bool:
    """Whether `line` carries on the sentence or paragraph of `block`."""
    last = _last_line(block)
    if FOOTER.match(line):  # "Latest Posts" after a page cut off mid-sentence
        return False
    if line[0] in ",.;:!?)]}%”’" or line[0].islower():
        return True
    if dateline(line) or LABEL_START.match(line):
        return False
    if line[0] in "–—" and _words(block) <= 4:  # "CHICAGO" / "— The Cook County ..."
        return True
    if hangs(last) or (last.endswith(":") and _words(block) <= 3):
        return True
    if width and isinstance(block, str) and RELEASE_LABEL.match(last) and not last.endswith(TERMINAL):
        return True  # "For Immediate Release: a title that wraps" / "onto a second line"
    return bool(width) and len(last) >= width * (0.9 if last.endswith(TERMINAL) else 0.8)


def hangs(line: str) -> bool:
    """Whether `line` stops mid-phrase. Its last 10 characters are read backwards (a hanging word has at most
    9, and \\b reads the character before it): one match at their start, four times cheaper than a search
    for the pattern at the end of the line, which tries every position."""
    return HANGING.match(line[:-11:-1]) is not None


def _dehyphenate(blocks: list[str]) -> list[str]:
    """Resolve the hyphens of words broken at a line end: dropped when the document spells the whole word
    elsewhere ("exhaus-" / "tive"), kept otherwise, as compounds are ("18-year-" / "old")."""
    if not any(SOFT_HYPHEN in b for b in blocks):
        return blocks
    vocabulary = {w.casefold() for b in blocks for w in WORD.findall(b)}

    def mend(m: re.Match) -> str:
        return m[1] + m[2] if (m[1] + m[2]).casefold() in vocabulary else f"{m[1]}-{m[2]}"

    return [BROKEN_WORD.sub(mend, b) for b in blocks]


def _mend_page_breaks(blocks: list[str]) -> list[str]:
    """A block that opens in lower case carries on the sentence the block before it left open: a PDF's
    page break, once the page footer between them is gone."""
    out: list[str | Paragraph] = []
    for block in blocks:
        if out and block[0].islower() and _words(out[-1]) >= 5 and not _last_line(out[-1]).endswith(_OPEN_ENDS):
            out[-1] = _joined(out[-1], block)
        else:
            out.append(block)
    return [str(block) for block in out]


_OPEN_ENDS = (*TERMINAL, ":")  # a block that ends otherwise leaves its sentence open


def mend(blocks: list[str]) -> list[str]:
    """Blocks split by a page break joined again, then the hyphens of words broken at a line end resolved."""
    return _dehyphenate(_mend_page_breaks(blocks))


def blocks(lines: list[str]) -> list[str]:
    """Rejoin lines broken by inline markup or by hard wrapping; a blank line always ends a block."""
    width = _wrap_width(lines)
    out: list[str] = []
    current: str | Paragraph = ""
    dash = ""
    for line in lines + [""]:
        if DASH_ONLY.match(line):  # a lone dash belongs to the text that follows it
            dash = line[0] if line[0] != "-" else "–"
            continue
        if dash and line:
            line, dash = f"{dash} {line}", ""
        if current and line and _continues(current, line, width):
            current = _joined(current, line)
            continue
        if current:
            out.append(str(current))
        current = line
    return mend(out)
