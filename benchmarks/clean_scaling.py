"""Cleaning time against a page's size: generated pages of 2k, 4k, 8k and 16k lines, text and HTML.

    .venv/bin/python benchmarks/clean_scaling.py [--sizes 2000 4000 8000 16000] [--rounds 3] [--shapes]
    .venv/bin/python benchmarks/clean_scaling.py --instructions [--shapes]

The text page is one paragraph hard-wrapped over every line, each line of about one width (as a long
PDF's text comes): the shape whose cleaning grew with the square of its lines. The HTML page holds a <p> of
one such line per line. Each page is cleaned whole, the page caps raised (`clean.max_page_words`,
`max_page_lines`, `max_article_words`) so that no early verdict cuts the work short; the fastest of
`--rounds` cleanings, in CPU seconds, is printed with its cost per line and that cost's ratio to the smallest
page's: linear within 25 % when every ratio of the text and HTML pages stays within 0.8-1.25. The last
column is the default settings' time, whose page caps refuse the larger pages from a count. `--shapes` adds
other pages whose cleaning once grew faster than their size: many short menu lines, many short paragraphs,
a page run together on one line, a first line of many separators. Pages of many distinct short lines cost
up to twice as much a line once they hold more of them than the caches of a site's repeated lines (4,096
lines), then no more: 32k and 64k lines cost alike.

Time a line grows somewhat with the page even where the work does not: a larger page's objects fit the CPU's
caches less well, and a shared machine moves the figures by tens of per cent. `--instructions` counts the
instructions each cleaning executes under valgrind (callgrind), which neither moves: a process that makes
the page and cleans it, less one that only makes it.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crosswire.clean import clean_document
from crosswire.settings import Settings

WORDS = ("the", "county", "office", "said", "a", "man", "was", "charged", "with", "fraud", "after", "investigators",
         "found", "records", "of", "payments", "made", "to", "companies", "that", "did", "not", "exist", "in", "state",
         "prosecutors", "and", "police", "worked", "together", "on", "case")
UNCAPPED = Settings(clean={"max_article_words": 10**9, "max_page_words": 10**9, "max_page_lines": 10**9})


def wrapped_line(rng: random.Random, width: int = 88) -> str:
    """Words to about `width` characters, a sentence ending inside now and then, none at the line's end."""
    words: list[str] = []
    while len(" ".join(words)) < width - 8:
        word = rng.choice(WORDS)
        words.append(word + "." if words and rng.random() < 0.08 else word)
    return " ".join(words).rstrip(".")


def text_page(lines: int) -> str:
    rng = random.Random(lines)
    return "A long filing of the county\n\nMarch 3, 2026\n\n" + "\n".join(wrapped_line(rng) for _ in range(lines))


def html_page(lines: int) -> str:
    rng = random.Random(lines)
    body = "\n".join(f"<p>{wrapped_line(rng)}</p>" for _ in range(lines))
    return (f"<html><head><title>A long page</title></head><body><article><h1>A long page</h1>\n{body}\n"
            "</article></body></html>")


def menu_page(lines: int) -> str:
    return "\n".join(f"Menu item {i} of the site" for i in range(lines))


def short_paragraphs(lines: int) -> str:
    return "\n\n".join(f"Paragraph {i} is short." for i in range(lines // 2))


def run_together(lines: int) -> str:
    rng = random.Random(lines)
    return "Home News " + " ".join(wrapped_line(rng).capitalize() + "." for _ in range(lines))


def separators(lines: int) -> str:
    return " - ".join(f"Part {i}" for i in range(lines)) + " | Site\n\n" + text_page(100)


PAGES: dict[str, tuple[Callable[[int], str], str]] = {
    "text": (text_page, "text/plain"),
    "html": (html_page, "text/html"),
}
SHAPES: dict[str, tuple[Callable[[int], str], str]] = {
    "menu lines": (menu_page, "text/plain"),
    "short paragraphs": (short_paragraphs, "text/plain"),
    "run together": (run_together, "text/plain"),
    "separators": (separators, "text/plain"),
}


def seconds(page: str, content_type: str, settings: Settings, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        clean_document(page, content_type, settings=settings)
        best = min(best, time.process_time() - start)
    return best


def instructions(name: str, lines: int) -> int:
    """Instructions of cleaning the page `name` of `lines` lines, counted under valgrind (see `child`)."""
    counts = []
    for clean in ("0", "1"):
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                               __file__, "--child", name, str(lines), clean], capture_output=True, text=True, check=True)
        counts.append(int(re.search(r"Collected : (\d+)", done.stderr)[1]))
    return counts[1] - counts[0]


def child(name: str, lines: int, clean: bool) -> None:
    """In a process of its own: what cleaning loads at first use loaded, the page made, and cleaned if `clean`."""
    make, content_type = {**PAGES, **SHAPES}[name]
    clean_document(make(50), content_type, settings=UNCAPPED)
    page = make(lines)
    if clean:
        clean_document(page, content_type, settings=UNCAPPED)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000, 16000], help="lines per page")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shapes", action="store_true", help="also the other shapes (see above)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2] == "1")
        return 0
    pages = {**PAGES, **(SHAPES if args.shapes else {})}
    for make, content_type in pages.values():  # what cleaning loads at first use, loaded before the clock runs
        clean_document(make(50), content_type, settings=UNCAPPED)
    unit = "instructions" if args.instructions else "seconds"
    print(f"{'page':<17} {'lines':>6} {'KB':>7} {unit:>13} {'a line':>9} {'ratio':>6}"
          + ("" if args.instructions else f" {'defaults':>9}"))
    linear = True  # the text and HTML pages'
    for name, (make, content_type) in pages.items():
        first = None
        for lines in args.sizes:
            page = make(lines)
            cost = instructions(name, lines) if args.instructions else seconds(page, content_type, UNCAPPED, args.rounds)
            per_line = cost / lines
            first = first or per_line
            linear &= name not in PAGES or 0.8 <= per_line / first <= 1.25
            shown = f"{cost / 1e9:>11.3f} G {per_line / 1e3:>7.0f} K" if args.instructions else \
                f"{cost:>13.3f} {per_line * 1e6:>6.1f} µs"
            default = "" if args.instructions else f" {seconds(page, content_type, Settings(), 1):>8.3f}s"
            print(f"{name:<17} {lines:>6} {len(page.encode()) / 1024:>7.0f} {shown} {per_line / first:>6.2f}{default}",
                  flush=True)
    print(f"text and HTML linear within 25 %: {'yes' if linear else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
