"""crosswire's HTML cleaning on the ScrapingHub article-extraction benchmark, beside trafilatura's defaults.

    .venv/bin/python benchmarks/clean_aeb.py [--rounds N]

Prints precision, recall, F1 and docs/s for each extractor, the speed ratio to the baseline measured in
the same run (the machine is shared, so absolute speeds drift; the extractors take turns page by page so
that they share its load alike), and the peak memory of the process.
The metric is the benchmark's own: per page, multisets of word 4-gram shingles over `\\w+` tokens (case
kept; a text under four tokens is one shingle) give tp, fp and fn; precision and recall are averaged over
pages, and F1 is computed from the two averages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
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
    from crosswire.ingest import decode

    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    html = {page: decode(gzip.decompress((BENCH / "html" / f"{page}.html.gz").read_bytes()))[0] for page in truth}
    return html, {page: item["articleBody"] for page, item in truth.items()}


def run(named: dict[str, Callable[[str], str | None]], pages: dict[str, str], rounds: int):
    """Every extractor's predictions, and its wall and CPU seconds over all pages and rounds. The
    extractors take turns page by page, so a neighbour's load on the shared machine hits them alike."""
    predictions = {name: {} for name in named}
    wall = dict.fromkeys(named, 0.0)
    cpu = dict.fromkeys(named, 0.0)
    for _ in range(rounds):
        for page, html in pages.items():
            for name, extract in named.items():
                w, c = time.perf_counter(), time.process_time()
                predictions[name][page] = extract(html) or ""
                wall[name] += time.perf_counter() - w
                cpu[name] += time.process_time() - c
    return predictions, wall, cpu


def extractors() -> dict[str, Callable[[str], str | None]]:
    import trafilatura

    from crosswire.clean import clean_document

    return {
        "trafilatura defaults": trafilatura.extract,
        "crosswire clean_document": lambda html: clean_document(html, "text/html").text,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages (speeds are averaged)")
    args = parser.parse_args()
    if not BENCH.is_dir():
        print(f"{BENCH} is absent: this benchmark needs ../shared beside the repository", file=sys.stderr)
        return 2
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # "discarding data" on pages it finds empty
    pages, truths = load_pages()
    named = extractors()
    for extract in named.values():  # warm-up: imports, caches and lazily loaded models are not timed
        extract(next(iter(pages.values())))
    predictions, wall, cpu = run(named, pages, args.rounds)
    docs = len(pages) * args.rounds
    base = next(iter(named))
    print(f"{len(pages)} pages x {args.rounds} rounds; docs/s from wall time (CPU time in brackets); "
          f"x base = speed relative to {base!r} in this run")
    print(f"{'extractor':<26} {'P':>6} {'R':>6} {'F1':>6} {'docs/s':>16} {'x base':>7}")
    for name in named:
        result = score(truths, predictions[name])
        print(f"{name:<26} {result['precision']:6.3f} {result['recall']:6.3f} {result['f1']:6.3f} "
              f"{docs / wall[name]:7.1f} ({docs / cpu[name]:6.1f}) {wall[base] / wall[name]:7.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of the process) {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
