"""The clean stage over the whole shared corpus of prosecutor press releases: what it keeps and what it loses.

    .venv/bin/python benchmarks/clean_corpus.py [--show N]

Each office folder is one source, cleaned as the pipeline cleans it: its template is learned from the
line statistics of all its pages. Prints, per source and in total: pages, articles and pages quarantined
by reason; the articles under 100 words and the quarantined pages, those with most words outside the
template first (where a lost body would show); and the frequent lines (in more than 20 % of a source's
pages, and in two at least) that survive into an article's text, apart from those kept on purpose as a
dateline's place or the label of the page's own field (listed too).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpora" / "prosecutor-press-releases"
sys.path.insert(0, str(REPO))

_WORDLIKE = re.compile(r"\w")
FREQUENT = 0.2  # share of a source's pages above which a line is the site's, not a story's
SHORT = 100  # articles under this many words are listed: a body may have been cut


def read_pages(folder: Path) -> dict[str, str | None]:
    from crosswire.ingest import decode

    return {p.name: decode(p.read_bytes())[0] for p in sorted(folder.glob("*.txt"))}


def frequent_lines(stats, source: str) -> set[str]:
    rows = stats[stats["source"] == source]
    return set(rows.loc[(rows["docs"] >= 2) & (rows["docs"] > FREQUENT * rows["source_docs"]), "line"])


def survivors(raw: str, text: str, frequent: set[str]) -> list[str]:
    """The frequent lines that a page holds on a line of their own and that are still in its cleaned text:
    found there more often than the page quotes them inside its own longer lines ("... for the Dallas
    County District Attorney's Office."). Lines without a letter or digit (a lone dash) are left out."""
    from crosswire.clean import split_lines

    lines = split_lines(raw)
    joined = " ".join(lines)  # a quote may wrap onto the next line
    found = []
    for line in frequent.intersection(lines):
        if line not in text or not _WORDLIKE.search(line):
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(line)}(?!\w)")
        quoted = len(pattern.findall(joined)) - lines.count(line)
        if len(pattern.findall(text)) > quoted:
            found.append(line)
    return sorted(found)


def kept_on_purpose(line: str, text: str) -> str | None:
    """Why a surviving template line is the story's own text, if it is: it opens a paragraph as the place
    of its dateline ("CHICAGO — The Cook County ...", "Miami, Florida: State Attorney ..."), or as the
    label of this page's own field (a media advisory's "WHO: State Attorney ...")."""
    for paragraph in text.split("\n\n"):
        rest = paragraph[len(line):].lstrip() if paragraph.startswith(line) else ""
        if rest and line.endswith(":"):
            return "field label"
        if rest and rest[0] in ",:–—-":
            return "dateline place"
    return None


def clean_source(folder: Path, settings):
    from crosswire.clean import boilerplate_from_stats, clean_document, line_stats

    pages = read_pages(folder)
    stats = line_stats({folder.name: pages.values()})
    template = boilerplate_from_stats(stats, folder.name)
    cleaned = {
        name: clean_document(raw, "text/plain", boilerplate=template, settings=settings)
        for name, raw in pages.items()
    }
    return pages, cleaned, frequent_lines(stats, folder.name), template


def own_words(raw: str | None, template: frozenset[str]) -> int:
    """Words on the page outside its source's template lines: what cleaning could at most keep."""
    from crosswire.clean import split_lines

    return sum(len(line.split()) for line in split_lines(raw or "") if line not in template)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=10, help="examples listed per finding")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: this benchmark needs ../shared beside the repository", file=sys.stderr)
        return 2
    from crosswire.settings import Settings

    settings = Settings()
    start = time.perf_counter()
    totals: Counter = Counter()
    short, survived, quarantined = [], defaultdict(list), defaultdict(list)
    print(f"{'source':<16} {'pages':>6} {'articles':>8}  quarantined by reason")
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        pages, cleaned, frequent, template = clean_source(folder, settings)
        reasons = Counter(c.reason for c in cleaned.values() if not c.is_article)
        print(f"{folder.name:<16} {len(pages):>6} {len(pages) - reasons.total():>8}  {dict(reasons.most_common())}")
        totals.update(pages=len(pages), articles=len(pages) - reasons.total(), **reasons)
        for name, c in cleaned.items():
            page = f"{folder.name}/{name}"
            if not c.is_article:
                quarantined[c.reason].append((own_words(pages[name], template), page, c.detail))
                continue
            if c.word_count < SHORT:
                short.append((c.word_count, own_words(pages[name], template), page))
            for line in survivors(pages[name], c.text, frequent):
                survived[(kept_on_purpose(line, c.text), folder.name, line)].append(name)
    reasons = {k: v for k, v in totals.items() if k not in ("pages", "articles")}
    print(f"{'total':<16} {totals['pages']:>6} {totals['articles']:>8}  {dict(sorted(reasons.items()))}")
    print(f"cleaned in {time.perf_counter() - start:.0f} s")
    report(short, quarantined, survived, args.show)
    return 0


def report(short: list, quarantined: dict, survived: dict, show: int) -> None:
    print(f"\narticles under {SHORT} words: {len(short)} (most words lost first: words kept / words on the page "
          "outside the template)")
    for words, page_words, page in sorted(short, key=lambda r: r[0] - r[1])[:show]:
        print(f"  {words:4d} / {page_words:4d}  {page}")
    for reason, rows in sorted(quarantined.items()):
        print(f"\nquarantined as {reason}: {len(rows)} (most words on the page outside the template first)")
        for words, page, detail in sorted(rows, reverse=True)[:show]:
            print(f"  {words:5d} words  {page}  ({detail})")
    kinds = ((None, "surviving in articles"),
             ("dateline place", "kept where the page's own text carries on from them (a dateline's place)"),
             ("field label", "kept as the label of the page's own field"))
    for kind, label in kinds:
        found = {key[1:]: names for key, names in survived.items() if key[0] == kind}
        print(f"\nfrequent lines (> {FREQUENT:.0%} of a source's pages) {label}: {len(found)} lines, "
              f"{sum(map(len, found.values()))} occurrences")
        for (source, line), names in sorted(found.items(), key=lambda kv: -len(kv[1]))[:show]:
            print(f"  {len(names):5d}x {source}: {line[:100]!r}  e.g. {names[0]}")


if __name__ == "__main__":
    sys.exit(main())
