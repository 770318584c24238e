"""The per-document cost of the clean and extract stages (rules mode), this tree beside a git revision.

    .venv/bin/python benchmarks/stage_cost.py --baseline 2ac68b2 [--every 9] [--rounds 6] [--instructions]

Both trees run the same pages of ../shared/corpora (every `--every`-th page; the cleaned articles for
extract), each in its own process, the two taking turns `--rounds` times; each process cleans and extracts
its pages five times and keeps its fastest pass (caches warm in both). Printed: CPU milliseconds per document
of each stage (the least of the rounds), docs/s, each process's peak RSS, and the ratio to the baseline.
A shared machine moves these figures by tens of per cent from run to run; `--instructions` counts the
instructions each stage executes under valgrind (callgrind), which the machine's load does not move: the
process's count with the stage, less its count without it (every 27th page, one pass).

The baseline tree is a temporary `git worktree` of the revision, removed at the end.
"""

from __future__ import annotations

import argparse
import glob
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "prosecutor-press-releases"


def child(tree: str, every: int, stages: str, passes: int) -> None:
    """Runs in a subprocess with `tree` first on sys.path: prints 'clean MS extract MS' per document."""
    sys.path.insert(0, tree)
    from crosswire.clean import clean_document
    from crosswire.extract import extract_article

    pages = [Path(f).read_text(encoding="utf-8", errors="replace") for f in sorted(glob.glob(f"{CORPUS}/*/*.txt"))[::every]]
    articles = [c for c in map(clean_document, pages) if c.is_article]
    best = {"clean": float("inf"), "extract": float("inf")}
    for _ in range(passes):
        if "clean" in stages:
            start = time.process_time()
            for page in pages:
                clean_document(page)
            best["clean"] = min(best["clean"], (time.process_time() - start) / len(pages))
        if "extract" in stages:
            start = time.process_time()
            for a in articles:
                extract_article(a.text, title=a.title, published_at=a.published_at)
            best["extract"] = min(best["extract"], (time.process_time() - start) / len(articles))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{best['clean'] * 1000:.4f} {best['extract'] * 1000:.4f} {peak:.0f} {len(pages)} {len(articles)}")


def run_child(tree: Path, every: int, stages: str, passes: int, valgrind: bool = False) -> str:
    command = [sys.executable, __file__, "--child", str(tree), "--every", str(every), "--stages", stages,
               "--passes", str(passes)]
    if valgrind:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tempfile.gettempdir(), check=True)
    return done.stderr if valgrind else done.stdout


def instructions(tree: Path, stages: str) -> int:
    found = re.search(r"Collected : (\d+)", run_child(tree, 27, stages, 1, valgrind=True))
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", help="git revision to compare with (default: none)")
    parser.add_argument("--every", type=int, default=9, help="every k-th page of the corpus")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--stages", default="clean,extract", help=argparse.SUPPRESS)
    parser.add_argument("--passes", type=int, default=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.every, args.stages, args.passes)
        return 0
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: this benchmark needs ../shared beside the repository", file=sys.stderr)
        return 2
    base_tree = Path(tempfile.mkdtemp()) / "baseline" if args.baseline else None
    trees = {"this tree": REPO}
    try:
        if base_tree:
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base_tree), args.baseline],
                           check=True)
            trees = {f"baseline {args.baseline}": base_tree, "this tree": REPO}
        if args.instructions:
            if shutil.which("valgrind") is None:
                print("valgrind is not installed", file=sys.stderr)
                return 2
            costs = {}
            for name, tree in trees.items():
                none, clean, both = (instructions(tree, s) for s in ("none", "clean", "clean,extract"))
                costs[name] = (clean - none, both - clean)
                print(f"{name:<24} clean {costs[name][0] / 1e9:.3f} G instructions, extract {costs[name][1] / 1e9:.3f} G")
        else:
            runs: dict[str, list[list[float]]] = {name: [] for name in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    runs[name].append([float(x) for x in run_child(tree, args.every, args.stages, args.passes).split()])
            costs = {}
            for name, rows in runs.items():
                clean, extract = min(r[0] for r in rows), min(r[1] for r in rows)
                costs[name] = (clean, extract)
                print(f"{name:<24} clean {clean:.3f} ms/doc ({1000 / clean:.0f} docs/s), extract {extract:.3f} ms/doc "
                      f"({1000 / extract:.0f} docs/s), peak RSS {max(r[2] for r in rows):.0f} MiB; "
                      f"{int(rows[0][3])} pages, {int(rows[0][4])} articles")
        if base_tree:
            (base_clean, base_extract), (clean, extract) = costs.values()
            print(f"this tree / baseline: clean {clean / base_clean:.3f}, extract {extract / base_extract:.3f}")
    finally:
        if base_tree:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base_tree)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
