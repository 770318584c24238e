"""CLEAN stage: raw scraped press releases -> clean body text, title, date, language and an article verdict.

A page is read as lines. Generic UI fragments and the source's learned template lines are dropped, lines
that a scraper or a PDF broke apart are rejoined into paragraphs, the header block (title, date, contact
lines) is read for metadata and then cut, and so are footers (end marks, "Latest Posts" and what follows).
A source's template is learned from line statistics (which lines recur in how many of its pages), kept
across runs so that a small run knows the template of the pages seen before. HTML goes through
trafilatura first.

Modules, in the order a page meets them:
- `patterns`: the regexes of datelines, furniture, footers, walls, contacts, glue (word lists in
  `crosswire/data/clean.toml`); `text`: word and character counts, heading keys.
- `repairs`: line breaks, mojibake and odd spaces (ftfy and its fast paths), glued sentences.
- `lines`: lines -> paragraph blocks (wrap width, joining, de-hyphenation, page breaks).
- `page`: furniture, template lines, lists of posts, footers, bot walls and error pages.
- `header`: title, date, author and where the body starts.
- `html`: trafilatura's main text and metadata; `language`: py3langid, counted with NumPy.
- `document`: `clean_document`, one page -> `Cleaned` (a page too large to be a release refused from counts).
- `templates`: line statistics and each source's learned template; `batch`: a pandas batch cleaned, each
  document within a time budget (`budget`: a forked child process, killed at the deadline).
Thresholds come from `Settings.clean` (and `Settings.dates`, `Settings.runner.sql_memory_limit`).
"""

from crosswire.clean.batch import (
    batch_line_stats,
    clean_batch,
    clean_ingested,
    clean_rows,
)
from crosswire.clean.document import Cleaned, clean_document
from crosswire.clean.lines import split_lines
from crosswire.clean.repairs import repair, unglue
from crosswire.clean.templates import (
    add_line_stats,
    boilerplate_from_stats,
    learn_boilerplate,
    line_stats,
    sum_line_stats,
    template_lines,
    templates_by_source,
    templates_from_stats,
)

__all__ = [
    "Cleaned",
    "add_line_stats",
    "batch_line_stats",
    "boilerplate_from_stats",
    "clean_batch",
    "clean_document",
    "clean_ingested",
    "clean_rows",
    "learn_boilerplate",
    "line_stats",
    "repair",
    "split_lines",
    "sum_line_stats",
    "template_lines",
    "templates_by_source",
    "templates_from_stats",
    "unglue",
]
