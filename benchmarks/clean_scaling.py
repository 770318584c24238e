"""Cleaning time against a page's size: generated pages of 2k, 4k, 8k and 16k lines, text and HTML.

    .venv/bin/python benchmarks/clean_scaling.py [--sizes 2000 4000 8000 16000] [--rounds 3] [--shapes]

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
"""

from __future__ import annotations

import argparse
import random
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000, 16000], help="lines per page")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shapes", action="store_true", help="also the other shapes (see above)")
    args = parser.parse_args()
    pages = {**PAGES, **(SHAPES if args.shapes else {})}
    for make, content_type in pages.values():  # what cleaning loads at first use, loaded before the clock runs
        clean_document(make(50), content_type, settings=UNCAPPED)
    print(f"{'page':<17} {'lines':>6} {'KB':>7} {'seconds':>8} {'µs/line':>8} {'ratio':>6} {'defaults':>9}")
    linear = True  # the text and HTML pages'
    for name, (make, content_type) in pages.items():
        first = None
        for lines in args.sizes:
            page = make(lines)
            took = seconds(page, content_type, UNCAPPED, args.rounds)
            per_line = took / lines
            first = first or per_line
            linear &= name not in PAGES or 0.8 <= per_line / first <= 1.25
            default = seconds(page, content_type, Settings(), 1)
            print(f"{name:<17} {lines:>6} {len(page.encode()) / 1024:>7.0f} {took:>8.3f} {per_line * 1e6:>8.1f} "
                  f"{per_line / first:>6.2f} {default:>8.3f}s", flush=True)
    print(f"text and HTML linear within 25 %: {'yes' if linear else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
