"""crosswire's HTML cleaning on the ScrapingHub article-extraction benchmark, beside trafilatura's defaults.

    .venv/bin/python benchmarks/clean_aeb.py [--rounds N]
    .venv/bin/python benchmarks/clean_aeb.py --through-run


Prints precision, recall, F1 and docs/s for each extractor, the speed ratio to the baseline measured in
the same run (the machine is shared, so absolute speeds drift; the extractors take turns page by page so
that they share its load alike), and the peak memory of the process.
The metric is the benchmark's own: per page, multisets of word 4-gram shingles over `\\w+` tokens (case
kept; a text under four tokens is one shingle) give tp, fp and fn; precision and recall are averaged over
pages, and F1 is computed from the two averages.

With --through-run the pages go through `crosswire run` as a user's folder of saved pages (one source: its
template learned over all of them, copies merged, validation): each page's text is its document's text in
the output's `documents` table, scored beside trafilatura's defaults; once for every document (the main text
as stored, a quarantined document's too) and once for the documents kept as stories (none for a page
quarantined, too short or too long to be an article).
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


def through_run(pages: dict[str, str], truths: dict[str, str]) -> int:
    """The pages' texts as `crosswire run` stores them, scored beside trafilatura's defaults."""
    import subprocess
    import tempfile

    import pandas as pd
    import trafilatura

    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "pages", Path(tmp) / "out"
        folder.mkdir()
        for page in pages:
            (folder / f"{page}.html").write_bytes(gzip.decompress((BENCH / "html" / f"{page}.html.gz").read_bytes()))
        done = subprocess.run([sys.executable, "-m", "crosswire.cli", "run", str(folder), "--out", str(out),
                               "--model", "rules"], cwd=REPO, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
            return 1
        docs = pd.read_parquet(out / "documents", columns=["source_uri", "status", "text"])
    stored = {Path(uri).stem: text or "" for uri, _, text in docs.itertuples(index=False)}
    kept = {Path(uri).stem: text or "" for uri, status, text in docs.itertuples(index=False) if status == "ok"}
    print(f"{len(pages)} pages through `crosswire run` ({len(kept)} kept as stories)")
    for name, predictions in [("trafilatura defaults", {p: trafilatura.extract(h) or "" for p, h in pages.items()}),
                              ("crosswire run, documents", stored), ("crosswire run, stories", kept)]:
        result = score(truths, predictions)
        print(f"{name:<26} P {result['precision']:.3f}  R {result['recall']:.3f}  F1 {result['f1']:.3f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages (speeds are averaged)")
    parser.add_argument("--through-run", action="store_true", help="score the texts `crosswire run` stores")
    args = parser.parse_args()
    if not BENCH.is_dir():
        print(f"{BENCH} is absent: this benchmark needs ../shared beside the repository", file=sys.stderr)
        return 2
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # "discarding data" on pages it finds empty
    pages, truths = load_pages()
    if args.through_run:
        return through_run(pages, truths)
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
