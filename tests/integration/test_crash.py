"""Crash safety, idempotency and one run at a time: the real CLI in subprocesses, killed with SIGKILL.

The killed runs are the real program started by a small launcher (below) that wraps `os.replace`, through
which every staged batch is put in place, and deltalake's two commit calls: right before or after the
rename or the commit that marks a point, the run kills its own process group (itself and Prefect's
temporary server), or the call fails as on a full disk. No code path of crosswire knows about it, and the points are hit exactly, not by timing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable

from crosswire.exits import EXIT_AFTER_COMMIT, EXIT_CRASHED
from crosswire.load import accounting
from crosswire.schema import SORT_KEYS, TABLES
from crosswire.store import Store, to_arrow
from expectations.runner import validate
from tests.conftest import REPO, SAMPLE

# Run-specific columns, left out when two runs' tables are compared: which run wrote a row, and when the
# run read a document or checked a place. Everything else must be equal to the last bit.
RUN_COLUMNS = {"run_id", "updated_run_id", "ingested_at", "checked_at"}
# Tables a run that finds nothing new leaves as they were: not `runs` (one row per run), `raw` (one file
# per run, empty then) or `ledger` (it records when each place was checked).
UNCHANGED_FILES = sorted(set(TABLES) - {"runs", "raw", "ledger"})
ARGS = ["--model", "rules", "--batch-size", "100"]  # one batch: each stage stages one file
# Prefect's temporary server may take longer than its default 20 s to start on a busy machine.
ENV = {**os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}

LAUNCHER = """
import errno, os, re, signal, sys
import deltalake

pattern, when, how = re.compile(sys.argv[1]), sys.argv[2], sys.argv[3]

def signal_run():
    if how == "ENOSPC":  # the write fails, as on a full disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    sig = getattr(signal, how)
    if sig == signal.SIGSTOP:  # this process only: Prefect's server goes on answering and keeps no lock
        os.kill(os.getpid(), sig)
    else:
        os.killpg(0, sig)

def marked(call, what):
    hit = pattern.search(what)
    if hit and when == "before":
        signal_run()
    result = call()
    if hit and when == "after":
        signal_run()
    return result

real_replace, real_transaction, real_write = os.replace, deltalake.DeltaTable.create_write_transaction, deltalake.write_deltalake
os.replace = lambda src, dst, **kw: marked(lambda: real_replace(src, dst, **kw), f"{os.fspath(src)} -> {os.fspath(dst)}")
deltalake.DeltaTable.create_write_transaction = lambda self, *a, **kw: marked(
    lambda: real_transaction(self, *a, **kw), f"commit {self.table_uri.rstrip('/')}")
deltalake.write_deltalake = lambda where, *a, **kw: marked(
    lambda: real_write(where, *a, **kw), f"commit {str(where).rstrip('/')}")
from crosswire.cli import main
sys.exit(main(sys.argv[4:]))
"""
STAGED = r"/\.staging/.*/"
POINTS = {  # rename or commit pattern, before or after it
    "ingest": (STAGED + r"ingest/00000\.parquet$", "before"),  # ingest read every file, its batch not staged
    "dedupe": (STAGED + r"dedupe/articles-00000\.parquet$", "before"),  # dedupe's stories written, not staged
    "between-stages": (STAGED + r"dedupe/articles-00000\.parquet$", "after"),  # dedupe done, extract not begun
    "first-table": (r"^commit .*/articles$", "before"),  # every new data file written, no table committed
    "one-table": (r"^commit .*/articles$", "after"),  # the first table committed, the others not
    "last-data-table": (r"^commit .*/signatures$", "after"),  # every data-file commit done; quarantine, merges and runs not
    "runs-row": (r"^commit .*/runs$", "before"),  # every table committed but the run's row
    "report": (r"/report\.html$", "before"),  # every table committed, the report written but not in place
}
KILLS = ["first-table", "one-table", "last-data-table", "runs-row"]


def cli(out: Path, *sources: Path) -> list[str]:
    return [sys.executable, "-m", "crosswire.cli", "run", *map(str, sources or [SAMPLE]), "--out", str(out), *ARGS]


def start(argv: list[str], log: Path, **options) -> subprocess.Popen:
    with open(log, "w") as sink:
        return subprocess.Popen(argv, cwd=REPO, env=ENV, stdout=sink, stderr=sink, **options)


def run(out: Path, *sources: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cli(out, *sources), cwd=REPO, env=ENV, capture_output=True, text=True, timeout=600)


def run_until(point: str, out: Path, sig: str = "SIGKILL") -> subprocess.Popen:
    """Start a run that signals itself at `point`; return once it is dead (SIGKILL) or stopped (SIGSTOP)."""
    pattern, when = POINTS[point]
    log = out.parent / f"{point}.log"
    proc = start([sys.executable, "-c", LAUNCHER, pattern, when, sig, *cli(out)[3:]], log, start_new_session=True)
    deadline = time.monotonic() + 600
    while proc.poll() is None and (sig == "SIGKILL" or _state(proc.pid) != "T"):
        assert time.monotonic() < deadline, f"the run never reached {point}"
        time.sleep(0.05)
    expected = -signal.SIGKILL if sig == "SIGKILL" else None
    assert proc.returncode == expected, f"the run did not stop at {point}: {log.read_text()[-3000:]}"
    return proc


def run_failing(point: str, out: Path) -> subprocess.CompletedProcess:
    """A run whose write or commit at `point` fails as on a full disk (an exception, not a kill)."""
    pattern, when = POINTS[point]
    return subprocess.run([sys.executable, "-c", LAUNCHER, pattern, when, "ENOSPC", *cli(out)[3:]], cwd=REPO, env=ENV,
                          capture_output=True, text=True, timeout=600)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def tables(out: Path) -> dict[str, pd.DataFrame]:
    """Every table with rows, as a reader pinned to the last run (crosswire.tables) sees it."""
    store = Store(out)
    versions = store.versions()
    found = {name: store.read(name, version=versions[name]) for name in TABLES if store.exists(name)}
    assert all(frame.columns.tolist() == TABLES[name].names for name, frame in found.items())
    return {name: frame for name, frame in found.items() if len(frame)}


def content(out: Path) -> dict[str, pd.DataFrame]:
    """Each table but `runs`, without run-specific columns, rows in a canonical order."""
    out_tables = {}
    for name, frame in tables(out).items():
        if name == "runs":
            continue
        frame = frame.drop(columns=sorted(RUN_COLUMNS & set(frame.columns)))
        keys = [k for k in SORT_KEYS.get(name, []) if k in frame.columns]
        order = [repr(row) for row in frame.itertuples(index=False)]  # ties on the key broken by every value
        frame = frame.assign(_order=order).sort_values([*keys, "_order"], kind="stable")
        out_tables[name] = frame.drop(columns="_order").reset_index(drop=True)
    return out_tables


def assert_same_content(actual: Path, expected: Path) -> None:
    got, want = content(actual), content(expected)
    assert sorted(got) == sorted(want)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=True, obj=name)


def file_bytes(out: Path, names: list[str] = UNCHANGED_FILES) -> dict[str, dict[str, bytes]]:
    return {name: {Path(p).name: Path(p).read_bytes() for p in Store(out).parts(name)} for name in names}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run of the sample, started at once and awaited by calling the fixture's value."""
    out = tmp_path_factory.mktemp("reference") / "out"
    log = out.parent / "run.log"
    proc = start(cli(out), log, start_new_session=True)

    def finished() -> Path:
        assert proc.wait(timeout=600) == 0, log.read_text()[-3000:]
        return out

    yield finished
    if proc.poll() is None:  # a test failed before it waited
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_killed_runs_leave_readable_tables_and_a_rerun_equals_an_uninterrupted_run(reference, tmp_path):
    out = tmp_path / "out"

    # killed during ingest, after a second run was refused while the first held the directory
    first = run_until("ingest", out, sig="SIGSTOP")
    try:
        second = run(out)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    assert second.returncode == 3, second.stderr[-3000:]
    assert "in use by another crosswire run" in second.stderr
    assert len(list(out.glob(".staging/*"))) == 1, "the refused run staged nothing"
    assert tables(out) == {}

    run_until("between-stages", out)
    assert tables(out) == {}

    # killed before, between and after the tables' commits: a reader pinned to the last run sees none of
    # the killed run's commits, and the next run restores every table it committed before anything else
    for point in KILLS:
        run_until(point, out)
        assert tables(out) == {}, point
        latest = {name: Store(out).read(name) for name in TABLES}  # each table whole at its latest version
        assert bool(len(latest["articles"])) == (point in ("one-table", "last-data-table", "runs-row")), point
        assert not Store(out).read("runs").size, point
    assert DeltaTable(str(out / "articles")).version() > 0  # the killed runs' commits, restored

    done = run(out)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_same_content(out, reference())
    before = file_bytes(out)

    # idempotent: the same input again finds nothing new and leaves every table as it was
    done = run(out)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "0 new documents" in done.stdout
    assert_same_content(out, reference())
    assert file_bytes(out) == before
    assert not list(out.glob(".staging/*")), "staged batches of the killed runs are cleared"
    runs = Store(out).read("runs")
    assert list(runs["outcome"]) == ["success", "success"]


def test_row_accounting_fails_when_copies_and_quarantine_do_not_add_up(reference, tmp_path):
    """The load suite over a real run's tables: it passes as committed, and fails on each way to lose count.
    Its rows come three or a few more at a time, each batch a GX validation of its own."""
    store = Store(reference())
    docs, articles, quarantine = store.read("documents"), store.read("articles"), store.read("quarantine")

    def check(docs=docs, articles=articles, quarantine=quarantine, before=docs.iloc[:0], ingested=docs):
        paths = {}
        for name, frame in (("documents", docs), ("articles", articles), ("before", before), ("ingested", ingested)):
            paths[name] = [str(tmp_path / f"{name}.parquet")] if len(frame) else []
            frame.to_parquet(tmp_path / f"{name}.parquet")
        outcomes = [validate("load", rows, "doc_id") for rows in accounting(
            paths["documents"], paths["articles"], paths["before"], paths["ingested"], quarantine, rows=3)]
        assert len(outcomes) >= 2  # several validations, each over three rows or a few more
        return all(outcome.success for outcome in outcomes)

    assert check() and check(before=docs, ingested=docs.iloc[:0])
    copy = docs.index[docs["status"] == "ok"][0]
    quarantined = docs.index[docs["status"] == "quarantined"][0]
    broken = {
        "a quarantine row lost": check(quarantine=quarantine.iloc[1:]),
        "a story counting a copy too many": check(articles=articles.assign(n_copies=articles["n_copies"] + 1)),
        "a copy in no published story": check(articles=articles[articles["article_id"] != docs.at[copy, "article_id"]]),
        "a quarantined document in a story": check(docs=docs.assign(
            article_id=docs["article_id"].where(docs.index != quarantined, docs.at[copy, "article_id"]))),
        "a document lost before load": check(ingested=pd.concat([docs, docs.head(1).assign(doc_id="lost")])),
        "a document from nowhere": check(ingested=docs.drop(index=copy)),
        "a document twice": check(docs=pd.concat([docs, docs.loc[[copy]]])),
    }
    for case, passed in broken.items():
        assert not passed, case


def test_a_run_whose_accounting_fails_commits_nothing_but_its_failure(reference, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(reference(), out)
    store = Store(out)
    quarantine = store.read("quarantine")
    now = pd.Timestamp.now(tz="UTC")
    row = pd.DataFrame([{"run_id": "lost-a-row", "started_at": now, "finished_at": now, "outcome": "restore"}])
    store.commit("lost-a-row", row, {"quarantine": to_arrow(quarantine.iloc[1:], "quarantine")})  # a bad restore
    before = file_bytes(out, ["documents", "articles", "quarantine"])
    more = tmp_path / "more"
    more.mkdir()
    shutil.copy(SAMPLE / "county" / "2025-06-09-scam-warning.txt", more / "scam-warning-repost.txt")

    done = run(out, SAMPLE, more)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "accounted" in done.stderr
    after = file_bytes(out, list(before))
    assert after == before, "nothing of the failed run is committed"
    runs = Store(out).read("runs")
    assert list(runs["outcome"]) == ["success", "restore", "failed"]
    assert '"load": "failed"' in runs["suites"].iloc[-1]


def test_a_crash_is_recorded_cleaned_up_and_resumed_by_the_same_command(reference, tmp_path):
    out = tmp_path / "out"
    done = run_failing("dedupe", out)
    assert done.returncode == EXIT_CRASHED, done.stderr[-3000:]
    assert "the run crashed: OSError: [Errno 28] No space left on device" in done.stderr
    # a line of Prefect's naming the task, and the CLI's two
    assert "Traceback (most recent" not in done.stderr and len(done.stderr.splitlines()) <= 3, done.stderr
    runs = Store(out).read("runs")
    assert runs["outcome"].tolist() == ["crashed"] and runs["error"].iloc[0].startswith("OSError: [Errno 28]")
    assert list(tables(out)) == ["runs"], "nothing of the crashed run is in the tables"
    assert list(out.glob(".staging/*/*/ingest/*.parquet")), "its finished batches are kept"
    assert not list(out.rglob(".*.tmp")), "the half-written batch is deleted"

    done = run(out)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_same_content(out, reference())
    runs = Store(out).read("runs")
    assert runs["outcome"].tolist() == ["crashed", "success"] and runs["run_id"].nunique() == 1  # resumed


def test_a_failure_after_the_commit_says_the_tables_hold_the_run(reference, tmp_path):
    out = tmp_path / "out"
    done = run_failing("report", out)
    assert done.returncode == EXIT_AFTER_COMMIT, done.stderr[-3000:]
    assert "is committed, but then OSError" in done.stderr and "the tables hold the run" in done.stderr
    assert_same_content(out, reference())
    assert Store(out).read("runs")["outcome"].tolist() == ["success"]
    assert (out / ".report.html.tmp").exists()
    with Store(out).lock():  # the next run's recovery
        assert not list(out.rglob(".*.tmp"))
