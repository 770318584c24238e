"""Wall time of the CLI as a user meets it, this tree beside a git revision: a run over the bundled sample
into a new output folder, then the same run again, which finds nothing new (the no-op run).

    .venv/bin/python benchmarks/cli_timing.py --baseline REV [--rounds 3] [--model rules]

Each round runs both trees in turn (sample, then no-op, each a fresh `python -m crosswire.cli` process in its
own tree), so that the machine's load falls on both alike; printed are each tree's fastest round, its median,
and this tree's ratio to the baseline. The baseline tree is a temporary `git worktree` of the revision,
removed at the end; both trees use this environment's packages.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed_run(tree: Path, out: Path, model: str) -> float:
    """Seconds of one `crosswire run sample --out OUT` in `tree` (its exit code must be 0)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "crosswire.cli", "run", str(tree / "sample"), "--out", str(out),
                           "--model", model], cwd=tree, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{tree}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="git revision to compare with (e.g. a commit of main)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default="rules", help="extract.model of both runs (default: rules)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crosswire-cli-timing-") as scratch:
        base_tree = Path(scratch) / "baseline"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(base_tree), args.baseline],
                       check=True)
        try:
            times = {tree: {"sample": [], "no-op": []} for tree in ("this", "baseline")}
            for n in range(args.rounds):
                for name, tree in (("this", REPO), ("baseline", base_tree)):
                    out = Path(scratch) / f"{name}-{n}"
                    times[name]["sample"].append(timed_run(tree, out, args.model))
                    times[name]["no-op"].append(timed_run(tree, out, args.model))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base_tree)], check=False)
    print(f"{'run':<8} {'tree':<10} {'fastest s':>10} {'median s':>10} {'ratio':>7}")
    for run in ("sample", "no-op"):
        for name in ("this", "baseline"):
            fastest, median = min(times[name][run]), statistics.median(times[name][run])
            ratio = fastest / min(times["baseline"][run])
            print(f"{run:<8} {name:<10} {fastest:>10.1f} {median:>10.1f} {ratio:>7.2f}")


if __name__ == "__main__":
    main()
