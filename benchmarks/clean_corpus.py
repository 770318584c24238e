"""The clean stage over the whole shared corpus of prosecutor press releases: what it keeps and what it loses.

    .venv/bin/python benchmarks/clean_corpus.py [--show N]

Each office folder is one source, cleaned as the pipeline cleans it: its template is learned from the
line statistics of all its pages. Prints, per source and in total: pages, articles, pages quarantined by
reason; the articles under 100 words (with their source); and the frequent lines (in more than 20 % of a
source's pages, and in two at least) that survive into an article's text, as a paragraph of their own or
inside one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpora" / "prosecutor-press-releases"
sys.path.insert(0, str(REPO))

FREQUENT = 0.2  # share of a source's pages above which a line is the site's, not a story's
SHORT = 100  # articles under this many words are listed: a body may have been cut


def read_pages(folder: Path) -> dict[str, str | None]:
    from tasks.ingest import decode

    return {p.name: decode(p.read_bytes())[0] for p in sorted(folder.glob("*.txt"))}


def frequent_lines(stats, source: str) -> set[str]:
    rows = stats[stats["source"] == source]
    return set(rows.loc[(rows["docs"] >= 2) & (rows["docs"] > FREQUENT * rows["source_docs"]), "line"])


def survivors(text: str, frequent: set[str]) -> list[str]:
    """Frequent lines found in a cleaned text: a whole paragraph, or a line of several words inside one
    (a lone word such as a dateline's city is the story's own)."""
    paragraphs = set(text.split("\n\n"))
    return sorted(f for f in frequent if f in paragraphs or (len(f.split()) >= 3 and f in text))


def clean_source(folder: Path, settings):
    from tasks.clean import boilerplate_from_stats, clean_document, line_stats

    pages = read_pages(folder)
    stats = line_stats({folder.name: pages.values()})
    template = boilerplate_from_stats(stats, folder.name)
    cleaned = {
        name: clean_document(raw, "text/plain", boilerplate=template, min_words=settings.min_article_words,
                             max_words=settings.max_article_words)
        for name, raw in pages.items()
    }
    return pages, cleaned, frequent_lines(stats, folder.name)


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
        pages, cleaned, frequent = clean_source(folder, settings)
        reasons = Counter(c.reason for c in cleaned.values() if not c.is_article)
        articles = {name: c for name, c in cleaned.items() if c.is_article}
        print(f"{folder.name:<16} {len(pages):>6} {len(articles):>8}  {dict(reasons.most_common())}")
        totals.update(pages=len(pages), articles=len(articles), **reasons)
        for name, c in cleaned.items():
            if c.reason:
                raw_words = len((pages[name] or "").split())
                quarantined[c.reason].append((raw_words, f"{folder.name}/{name}", c.detail))
        for name, c in articles.items():
            if c.word_count < SHORT:
                short.append((c.word_count, f"{folder.name}/{name}"))
            for line in survivors(c.text, frequent):
                survived[(folder.name, line)].append(name)
    reasons = {k: v for k, v in totals.items() if k not in ("pages", "articles")}
    print(f"{'total':<16} {totals['pages']:>6} {totals['articles']:>8}  {reasons}")
    print(f"cleaned in {time.perf_counter() - start:.0f} s")

    print(f"\narticles under {SHORT} words: {len(short)}")
    for words, page in sorted(short)[: args.show]:
        print(f"  {words:4d} words  {page}")
    for reason, rows in sorted(quarantined.items()):
        print(f"\nquarantined as {reason}: {len(rows)} (largest raw pages first)")
        for words, page, detail in sorted(rows, reverse=True)[: args.show]:
            print(f"  {words:5d} raw words  {page}  ({detail})")
    hits = sum(len(v) for v in survived.values())
    print(f"\nfrequent lines (> {FREQUENT:.0%} of a source's pages) surviving in articles: {len(survived)} lines, "
          f"{hits} occurrences")
    for (source, line), names in sorted(survived.items(), key=lambda kv: -len(kv[1]))[: args.show]:
        print(f"  {len(names):5d}x {source}: {line[:100]!r}  e.g. {names[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
