"""Pages saved without their line breaks, cut back into segments.

A scraper that keeps a page's textContent runs its menu, headline, date, body and footer together on one
line, sometimes without a space where one element ends and the next begins ("Skip to contentHomeNews",
"2026LOS ANGELES –"). Read as lines, such a page is one line taken for its title, and its text is lost.
Its segments are cut where the page's own parts end: after the source's template lines and generic
furniture it opens with, before those it ends with, where two elements were glued (a lower-case word or a
year followed at once by a capital, an end mark or a copyright sign), around the links of lists of posts
and the headings of closing sections ("Read More", "Related Posts", "Tags:"), before a media advisory's
fields ("WHERE:"), at sentence ends (not after an abbreviation or an initial),
before a dateline, and around a date that stands apart from sentences. The stage then reads the segments as it reads lines.

A line is cut when it is longer than any paragraph (`run_together_words`), or long and holding most of
the page's words, or long and glued in several places; and when a page read as lines leaves too little text, every long line is cut and the page read
again (see crosswire.clean.document). A page cut so has lost the breaks that tell its header, body and
footer apart: its body is its densest run of sentences (`prose_run`), what comes before it its header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from crosswire.clean.lines import dateline
from crosswire.clean.patterns import DATELINE, TERMINAL, UI_LINES
from crosswire.clean.text import collapse_spaces, spaced_words
from crosswire.dates import LINE_DATE
from crosswire.vocabulary import vocabulary

# "contentHome", "2026LOS", "threats.The", "said.###": a word of three lower-case letters or more, a year or a
# stop, and a capital at once; an end mark or a copyright sign.
_GLUED = re.compile(r"(?<=[a-z]{3})(?=[A-Z])|(?<=\b\d{4})(?=[A-Z])|(?<=[a-z][.!?])(?=[A-Z][a-z])|(?=#{3}|# # #|©)")
GLUES = 3  # glued words that make a long line one page run together
# Where _GLUED may cut, found by plain scans: a capital after a lower-case letter, a digit or a stop (the
# capital first: the engine skips to capitals, which are few), and the marks, looked for only where they stand
_CAPITAL_GLUE = re.compile(r"[A-Z](?<=[a-z\d.!?][A-Z])")
_MARK_GLUE = re.compile(r"#{3}|# # #|©")
MOST = 0.7  # of a page's words in one line: no page of the shared corpus written in lines has a line so full
# A sentence end: a stop, perhaps a closing quote or bracket, space, and a capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)]*\s+(?=[“\"‘(]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?][”\"’)]*\s*$")
_FIELD = re.compile(r"(?<!\S)(?=[A-Z]{2,}(?: [A-Z]{2,})?:\s)")  # "WHO: ", "WHERE: " of a media advisory
_APART_DATE = re.compile(rf"(?:{LINE_DATE.pattern})(?=\s*(?:[A-Z“\"]|$))", LINE_DATE.flags & ~re.I)
_DATELINE_INSIDE = re.compile(DATELINE.pattern.removeprefix("^"))
# The links of a list of posts and the headings of a page's closing sections, in the title case of links.
_MARKS = re.compile(r"\b(?:Read [Mm]ore|Continue [Rr]eading|(?:Tagged [Ww]ith|Tags|Categories):|(?:Latest|Recent|Related|"
                    r"More|Other) (?:Posts|News|Stories|Articles|Press Releases|Releases)(?= [A-Z]|$))\b[ »›>…]*")
_CAPITALS = re.compile(r"(?<=\s)(?=[A-Z(][A-Z]{2})")  # where a dateline may start inside a segment


def ran_together(line: str, words: int, long: int, page_words: int) -> bool:
    """Whether `line` is a page run together: longer than any paragraph (`words` words or more), or `long`
    words or more and holding most of the page's `page_words` (MOST), or glued in GLUES distinct words (a
    brand name, "DirecTV", is one word however often it stands)."""
    if len(line) < 2 * long:  # fewer than `long` words, without counting them
        return False
    n = spaced_words(line)
    if n >= words or (n >= long and n >= MOST * page_words):
        return True
    marks = ("#" in line or "©" in line) and _MARK_GLUE.search(line)
    if n < long or not (marks or _CAPITAL_GLUE.search(line)):  # most lines have nothing glued: said in one scan
        return False
    glued = set()
    hints = sorted(m.start() for rx in (_CAPITAL_GLUE, _MARK_GLUE) for m in rx.finditer(line))
    for at in hints:  # _GLUED tried only where a plain scan found it may cut
        match = _GLUED.match(line, at)
        if match is None:
            continue
        left, right = line.rfind(" ", 0, match.start()) + 1, line.find(" ", match.start())
        glued.add(line[left:right if right >= 0 else None].strip("“”\"‘’'(),.;:"))
        if len(glued) >= GLUES:
            return True
    return False


def cut_run_together(lines: list[str], boilerplate: Iterable[str], words: int, long: int,
                     total: int | None = None) -> list[str]:
    """`lines`, or, when one of them is a page run together (see ran_together), the segments of that page
    (`total`: the page's words, when the caller has counted them)."""
    longest = [line for line in lines if len(line) >= 2 * long]  # the lines that may hold `long` words
    if not longest:
        return lines
    total = sum(map(spaced_words, lines)) if total is None else total
    if any(ran_together(line, words, long, total) for line in longest):
        return segments(lines, boilerplate, lambda line: ran_together(line, words, long, total))
    return lines


def segments(lines: list[str], boilerplate: Iterable[str], cut) -> list[str]:
    """`lines` with each line for which `cut(line)` holds cut into the segments of the page it ran together."""
    phrases = _phrases(frozenset(boilerplate))
    out: list[str] = []
    for line in lines:
        if not cut(line):
            out.append(line)
            continue
        pieces = _ends(line, phrases)
        for split in (_glued, _marks, _fields, _sentences, _datelines, _dates):
            pieces = [part for piece in pieces for part in split(piece)]
        out += [collapse_spaces(piece) for piece in pieces if piece.strip()]
    return out


@lru_cache(maxsize=64)
def _phrases(boilerplate: frozenset[str]) -> tuple[str, ...]:
    """The source's template lines and the generic furniture lines, in lower case, longest first."""
    lines = {line.lower() for line in boilerplate if line and not line.startswith(("⟨title suffix⟩", "⟨title prefix⟩"))}
    return tuple(sorted(lines | UI_LINES, key=len, reverse=True))


def _ends(line: str, phrases: tuple[str, ...]) -> list[str]:
    """The furniture the run opens and ends with, cut off piece by piece, and what is between."""
    head, tail, low = [], [], line.lower()
    start, end = 0, len(line)
    while True:
        found = next((p for p in phrases if low.startswith(p, start) and _boundary(line, start + len(p))), None)
        if found is None:
            break
        head.append(line[start:start + len(found)])
        start = _skip_space(line, start + len(found))
    while end > start:
        found = next((p for p in phrases if low.endswith(p, start, end) and _boundary(line, end - len(p))), None)
        if found is None:
            break
        tail.append(line[end - len(found):end])
        end = _skip_space_back(line, end - len(found), start)
    return [*head, line[start:end], *reversed(tail)]


def _boundary(line: str, at: int) -> bool:
    """Whether a phrase may end or begin at `at`: at the edge, at a space or a mark, or where a glued capital
    begins the next element."""
    if at <= 0 or at >= len(line):
        return True
    a, b = line[at - 1], line[at]
    return a.isspace() or b.isspace() or (b.isupper() and not a.isupper()) or not (a.isalnum() and b.isalnum())


def _skip_space(line: str, at: int) -> int:
    while at < len(line) and line[at].isspace():
        at += 1
    return at


def _skip_space_back(line: str, at: int, start: int) -> int:
    while at > start and line[at - 1].isspace():
        at -= 1
    return at


def _split(text: str, cuts: Iterable[int]) -> list[str]:
    pieces, at = [], 0
    for cut in cuts:
        if at < cut < len(text):
            pieces.append(text[at:cut])
            at = cut
    return [*pieces, text[at:]]


def _glued(text: str) -> list[str]:
    return _split(text, (m.start() for m in _GLUED.finditer(text)))


def _sentences(text: str) -> list[str]:
    return _split(text, (m.end() for m in _SENTENCE_END.finditer(text) if _ends_sentence(text, m.start() + 1)))


def _ends_sentence(text: str, end: int) -> bool:
    """Whether the stop that ends `text[:end]` ends a sentence: not after an abbreviation ("Calif.", "U.S.")
    or an initial ("John F. Smith"). The word before it is read from the last space before the stop, as no
    word holds one: read from the start, a page run together would be read whole again at every stop."""
    word = _WORD_BEFORE.search(text, text.rfind(" ", 0, end - 1) + 1, end)
    if word is None:
        return True
    token = word[1].rstrip(".").lower()
    return len(token) > 1 and token not in _abbreviations()


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(vocabulary("sentences")["abbreviations"])


def _marks(text: str) -> list[str]:
    return _split(text, (at for m in _MARKS.finditer(text) for at in m.span()))


def _fields(text: str) -> list[str]:
    return _split(text, (m.start() for m in _FIELD.finditer(text)))


def _dates(text: str) -> list[str]:
    """A date that stands apart from the sentences around it is a piece of its own: a list's "March 18, 2026"
    before the next item's title, a page's date line. In a sentence a date is followed by a comma or by
    words in lower case ("On June 3, 2026, the jury ...")."""
    return _split(text, (at for m in _APART_DATE.finditer(text) for at in m.span()))


def _datelines(text: str) -> list[str]:
    cuts, end = [], 0
    for m in _CAPITALS.finditer(text):
        if m.start() >= end and (found := _DATELINE_INSIDE.match(text, m.start())):  # "SANTA ANA, Calif. –" once
            cuts.append(m.start())
            end = found.end()
    return _split(text, cuts)


def prose_run(blocks: list[str], saved: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(start, end) of the run of `blocks` densest in sentences: each sentence counts its words (a media
    advisory's field too when it reads as one, else nothing), each other block cut out of a run-together line
    (a menu, a list of posts, a headline) its words against, and the run is the one of the greatest sum
    (Kadane's maximum subarray), so that short headings between paragraphs stay and long chrome goes. A
    block that was a line of its own on the page as `saved` (a table's row, a list's item between two
    glued paragraphs) counts nothing: the page kept its break, so it is no piece of a run-together menu.
    The run opens earlier at a lead that opens with a dateline among the `LEAD_REACH` blocks before it (a
    release's lead set apart from the rest of its body by a table of defendants)."""
    best, best_span, total, start = 0, (0, 0), 0, 0
    for i, block in enumerate(blocks):
        words = len(block.split())
        field = _FIELD.match(block)
        if _sentence(block[block.find(":") + 1:] if field else block):
            total += words
        elif not field and block not in saved:
            total -= words
        if total <= 0 and not field:
            total, start = 0, i + 1
        elif total > best:
            best, best_span = total, (start, i + 1)
    first, end = best_span
    for i in range(first - 1, max(-1, first - LEAD_REACH), -1):
        opening = dateline(blocks[i])
        if opening and _sentence(blocks[i][opening.end():]):
            return i, end
    return best_span


LEAD_REACH = 20  # blocks: a table of several defendants, each in a few cells


def _sentence(block: str) -> bool:
    """A sentence of running text: five words or more, ending as a sentence or a lead-in ends, three words or
    two in five in lower case (headlines and menus are capitalised)."""
    words = block.split()
    lower = sum(w[0].islower() for w in words)
    return len(words) >= 5 and block.endswith((*TERMINAL, ":")) and (lower >= 3 or lower >= 0.4 * len(words))
