"""crosswire's HTML cleaning on the ScrapingHub article-extraction benchmark, beside trafilatura's defaults.

    .venv/bin/python benchmarks/clean_aeb.py [--rounds N]

Prints precision, recall, F1 and docs/s for each extractor, the speed ratio to the baseline measured in
the same run (the machine is shared, so absolute speeds drift), and the peak memory of the process.
The metric is the benchmark's own: per page, multisets of word 4-gram shingles over `\\w+` tokens (case
kept; a text under four tokens is one shingle) give tp, fp and fn; precision and recall are averaged over
pages, and F1 is computed from the two averages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BENCH = SHARED / "benchmarks" / "article-extraction"
sys.path.insert(0, str(REPO))

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(zip(*(tokens[i:] for i in range(n))))


def match(truth: str, prediction: str) -> tuple[int, int, int]:
    """(tp, fp, fn) of one page's shingles."""
    want, got = shingles(truth), shingles(prediction)
    tp = sum((want & got).values())
    return tp, sum(got.values()) - tp, sum(want.values()) - tp


def score(truths: dict[str, str], predictions: dict[str, str]) -> dict[str, float]:
    counts = [match(truths[k], predictions.get(k, "")) for k in truths]
    precision = statistics.mean(tp / (tp + fp) if tp + fp else 1.0 for tp, fp, _ in counts)
    recall = statistics.mean(tp / (tp + fn) if tp + fn else 1.0 for tp, _, fn in counts)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def load_pages() -> tuple[dict[str, str], dict[str, str]]:
    """(html by page id, expected article body by page id)."""
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    html = {
        page: gzip.decompress((BENCH / "html" / f"{page}.html.gz").read_bytes()).decode("utf-8", errors="replace")
        for page in truth
    }
    return html, {page: item["articleBody"] for page, item in truth.items()}


def run(extract: Callable[[str], str | None], pages: dict[str, str]) -> tuple[dict[str, str], float]:
    """Every page's prediction and the wall seconds the extractor took over all of them."""
    start = time.perf_counter()
    predictions = {page: extract(html) or "" for page, html in pages.items()}
    return predictions, time.perf_counter() - start


def extractors() -> dict[str, Callable[[str], str | None]]:
    import trafilatura

    from tasks.clean import clean_document

    return {
        "trafilatura defaults": trafilatura.extract,
        "crosswire clean_document": lambda html: clean_document(html, "text/html").text,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed passes per extractor; the fastest counts")
    args = parser.parse_args()
    if not BENCH.is_dir():
        print(f"{BENCH} is absent: this benchmark needs ../shared beside the repository", file=sys.stderr)
        return 2
    pages, truths = load_pages()
    named = extractors()
    for extract in named.values():  # warm-up: imports, caches and lazily built models are not timed
        extract(next(iter(pages.values())))
    seconds: dict[str, list[float]] = {name: [] for name in named}
    scores = {}
    for _ in range(args.rounds):  # interleaved, so both see the same load on a shared machine
        for name, extract in named.items():
            predictions, took = run(extract, pages)
            seconds[name].append(took)
            scores[name] = score(truths, predictions)
    baseline = len(pages) / min(next(iter(seconds.values())))
    print(f"{len(pages)} pages, {args.rounds} rounds, fastest round counts")
    print(f"{'extractor':<28} {'P':>6} {'R':>6} {'F1':>6} {'docs/s':>7} {'x base':>7}")
    for name, result in scores.items():
        speed = len(pages) / min(seconds[name])
        print(f"{name:<28} {result['precision']:6.3f} {result['recall']:6.3f} {result['f1']:6.3f} "
              f"{speed:7.1f} {speed / baseline:7.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
