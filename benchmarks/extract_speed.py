"""Throughput of the extract stage on the shared corpus: spaCy alone, extraction with spaCy, rules only.

    .venv/bin/python benchmarks/extract_speed.py [--sample N] [--model auto] [--no-cache]

The texts are the shared corpus's pages as the clean stage leaves them (every page it keeps as an
article; see extract_corpus.py), the whole corpus unless ``--sample N`` takes every k-th page to about N.
In one process and on the same texts it times, one after the other:

1. ``nlp.pipe`` alone: the spaCy model the stage loads (NER only), same batch size and truncation;
2. ``extract_batch`` with that model: the whole stage, NER included;
3. ``extract_batch`` in rules mode (no statistical model).

Each is warmed up first on 20 texts (model, knowledge base and gazetteer loading are not timed), and
the extractors' per-text caches (names, runs of capitalised words, places) are emptied before each
timed step, so no step reads what an earlier step cached. The frame has no language column, so the
model reads every text in step 2 as in step 1 (the pipeline keeps it from non-English ones). It prints
docs/s of each, the ratio of 2 to 1 (target >= 0.80), rules docs/s (target >= 1,000), and the process's
peak resident memory after each step (the peak only grows, so each figure bounds all steps before it).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_corpus import cleaned_corpus, require_shared  # noqa: E402

WARMUP = 20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def clear_caches() -> None:
    """Empty the per-text caches of the extractors; the one-off loads (knowledge base, gazetteer,
    model) stay."""
    from crosswire.extract import (
        dates,
        gazetteer,
        kb,
        lexicon,
        names,
        orgnames,
        orgs,
        people,
        places,
        text,
        topics,
    )

    for module in (text, kb, gazetteer, lexicon, orgnames, orgs, names, people, places, dates, topics):
        for value in vars(module).values():
            info = getattr(value, "cache_info", None)
            if info and (info().maxsize or 0) > 64:
                value.cache_clear()
    kb.load_kb()._closest.cache_clear()


def timed(label: str, n: int, run) -> float:
    clear_caches()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    rate = n / seconds
    print(f"{label:<34} {n:>6} docs {seconds:8.1f} s {rate:9.1f} docs/s   peak RSS {peak_mb():7.0f} MB", flush=True)
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=0, help="about this many pages, evenly spread (default: all)")
    parser.add_argument("--model", default="auto", help="spaCy model (default: auto, as the stage picks it)")
    parser.add_argument("--no-cache", action="store_true", help="clean the corpus again instead of the cached texts")
    args = parser.parse_args(argv)
    require_shared()
    from crosswire.extract import extract_batch, load_nlp
    from crosswire.settings import Settings

    start = time.perf_counter()
    articles = cleaned_corpus(use_cache=not args.no_cache)
    if args.sample and args.sample < len(articles):
        articles = articles.iloc[:: len(articles) // args.sample].reset_index(drop=True)
    n, words = len(articles), int(articles["text"].str.split().str.len().sum())
    print(f"corpus: {n} cleaned articles, {words:,} words ({words / n:.0f} per article), "
          f"ready in {time.perf_counter() - start:.1f} s")

    nlp, mode = load_nlp(args.model)
    model, rules = Settings(extract={"model": args.model}), Settings(extract={"model": "rules"})
    batch_size = model.extract.ner_batch_size
    warm = articles.head(WARMUP)
    extract_batch(warm, rules, nlp=None)
    rates = {}
    if nlp is not None:
        texts = [t[: nlp.max_length - 1] for t in articles["text"]]
        list(nlp.pipe(texts[:WARMUP], batch_size=batch_size))
        extract_batch(warm, model, nlp=nlp)
        print(f"model: {mode}, pipes {nlp.pipe_names}, batch size {batch_size}")
        rates["pipe"] = timed("spaCy nlp.pipe alone", n, lambda: list(nlp.pipe(texts, batch_size=batch_size)))
        rates["spacy"] = timed("extract_batch with spaCy", n, lambda: extract_batch(articles, model, nlp=nlp))
    else:
        print(f"no spaCy model ({mode}): only the rules mode is timed")
    rates["rules"] = timed("extract_batch rules only", n, lambda: extract_batch(articles, rules, nlp=None))

    if "pipe" in rates:
        ratio = rates["spacy"] / rates["pipe"]
        verdict = "met" if ratio >= 0.8 else "NOT met"
        print(f"extraction with spaCy / spaCy alone = {ratio:.3f} (target >= 0.80: {verdict})")
    verdict = "met" if rates["rules"] >= 1000 else "NOT met"
    print(f"rules only: {rates['rules']:.0f} docs/s (target >= 1,000: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
