"""The crosswire flow: ingest -> clean -> dedupe -> extract -> load, each stage validated by its GX suite.

No `from __future__ import annotations` here: a served run rebuilds the flow's parameter model from its
annotations, which must be the types themselves, not strings.
"""

import hashlib
import json
import logging
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

from prefect import Task, flow, get_run_logger
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import CacheKeyFnPolicy
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from crosswire.ingest import Discovery, Ledger, discover
from crosswire.memory import give_back_freed_memory
from crosswire.progress import Progress
from crosswire.report import build_report
from crosswire.settings import Settings
from crosswire.store import Store, files, to_arrow
from crosswire.store.staging import read_batch, remove_all, run_id_of, staging_dir
from crosswire.summary import markdown_summary, new_stories
from expectations.runner import build_data_docs
from tasks.clean import clean_task, line_stats_task, sum_line_stats
from tasks.dedupe import dedupe_task
from tasks.extract import cached_nlp, extract_task
from tasks.ingest import ingest_task
from tasks.load import RunOutputs, load_task, run_row
from tasks.validate import validate_task


class OnceOnly(logging.Filter):
    """Lets the first record through whose message starts with `start`, and no later one."""

    def __init__(self, start: str):
        super().__init__()
        self.start, self.seen = start, False

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.start):
            return True
        seen, self.seen = self.seen, True
        return not seen


# Prefect warns at every task run that its timeout cannot interrupt a task running in a worker thread
# (a batch task's limit takes effect when it returns): true of every batch, so said once per process.
logging.getLogger("prefect.task_runs").addFilter(OnceOnly("Timeout of"))


class SuiteFailed(RuntimeError):
    """A GX suite failed on something quarantine cannot fix: the run stops and says so."""


@flow(name="crosswire", log_prints=True)
def etl(sources: list[str], out: str = "out", settings: Settings = Settings()) -> dict:
    """Turn the documents under `sources` into validated story tables under `out`.

    Args:
        sources: What to read: files and directories (.txt, .html, .json, .jsonl, .csv, .warc, .warc.gz),
            URLs of pages, RSS/Atom feeds and sitemaps, and sources.toml files listing named sources.
        out: Output location of the Parquet tables, a directory or an fsspec URL (s3://bucket/prefix);
            earlier runs' tables there are kept and extended.
        settings: Every other knob (batch size, spaCy model, runner, dedupe and fetch settings), with defaults.
    """
    store = Store(out)
    run = {"run_id": str(flow_run.id or uuid.uuid4()), "flow_run_id": flow_run.id and str(flow_run.id),
           "started_at": datetime.now(timezone.utc),
           "parameters": {"sources": sources, "out": store.root, **settings.model_dump()},
           "seconds": {}, "suites": {}}
    with store.lock():
        staging = staging_dir(store.root, sources, settings.model_dump(mode="json"), last_run(store))
        run["run_id"] = run_id_of(staging, run["run_id"])
        # the run id is in every batch's path, so that no other run's cache can match it
        run["staging"] = files.join(staging, run["run_id"])
        progress = Progress(run["run_id"])
        try:
            stages = run_stages.with_options(task_runner=task_runner(settings))
            result = stages(sources, store.root, run, settings, progress)
        except SuiteFailed:
            store.commit({"runs": to_arrow(failed_runs(store, run), "runs")}, run["run_id"])
            remove_all(store.root)
            build_data_docs(store.root, run["started_at"])  # GX's account of the failure, to read
            raise
        finally:
            progress.close()
        remove_all(store.root)  # any other failure leaves the staged batches for the run to resume
        result |= {"data_docs": str(build_data_docs(store.root, run["started_at"])),
                   "report": str(build_report(store.root))}
    result |= {"run_id": run["run_id"], "out": store.root, "seconds": run["seconds"],
               "extract_mode": cached_nlp(settings.extract.model)[1]}
    create_markdown_artifact(key="crosswire-run-summary", markdown=markdown_summary(result),
                             description=f"crosswire run {run['run_id']}")
    create_table_artifact(key="crosswire-new-stories", table=new_stories(store.root, run["run_id"]),
                          description=f"Stories that crosswire run {run['run_id']} created (at most 200, newest first)")
    for key, label in (("report", "crosswire report"), ("data_docs", "GX Data Docs of the run's validations")):
        if result.get(key):
            create_link_artifact(key=f"crosswire-{key.replace('_', '-')}", link=files.uri(result[key]),
                                 link_text=label, description=f"crosswire run {run['run_id']}")
    if result["outcome"] != "success" and settings.fail_on_suite_failure:
        raise SuiteFailed(f"run {run['run_id']} failed its checks: {result['failures']}")
    return result


@flow(name="crosswire-stages", validate_parameters=False)
def run_stages(sources: list[str], out: str, run: dict, settings: Settings, progress: Progress) -> dict:
    """The stages over batches. Batches go through ingest, clean and extract as tasks submitted to the
    run's task runner (settings.runner), so that a Dask cluster works on several at once; dedupe and
    load see the whole run."""
    logger = get_run_logger()
    store = Store(out)
    staging = run["staging"]
    for stage in ("ingest", "clean", "dedupe", "extract"):
        files.makedirs(files.join(staging, stage))
    ingest, count_lines, clean, dedupe, extract = (
        resumable(task) for task in (ingest_task, line_stats_task, clean_task, dedupe_task, extract_task))
    count_lines, clean, extract = (task.with_options(timeout_seconds=settings.runner.batch_timeout)
                                   for task in (count_lines, clean, extract))
    validate, load = (task.with_options(timeout_seconds=settings.runner.run_timeout) for task in (validate_task, load_task))

    def check(stage: str, id_column: str, paths: list[str], related: list[dict] | None = None) -> None:
        # in this process, whatever the runner: GX keeps its results here for the run's Data Docs
        outcomes = validate(stage, paths, id_column, settings, related)
        failures = [o["failures"] for o in outcomes if not o["success"]]
        run["suites"][stage] = "failed" if failures or run["suites"].get(stage) == "failed" else "passed"
        if failures and settings.fail_on_suite_failure:
            raise SuiteFailed(f"GX suite {stage!r} failed: {failures[0]}")

    ledger = Ledger(store.arrow("ledger"), set(store.read("documents", ["doc_id"])["doc_id"]))
    discovery = Discovery(discover(sources), ledger, settings)
    logger.info("ingesting %s into %s", sources, store.root)
    with timed(run, "ingest"):
        futures = [ingest.submit(units, run["run_id"], ledger, files.join(staging, "ingest", f"{n:05d}.parquet"),
                                 settings) for n, units in enumerate(discovery.batches())]
        reads = progress.wait("ingest", futures)
        for read in reads:
            ledger.update(read_batch(read["ledger"]))
        ingested = [read["path"] for read in reads]
        skipped = [read["skipped"] for read in reads] + [discovery.unchanged]
        check("ingest", "doc_id", list(ingested))
    run["failed_sources"] = discovery.failed
    # staged for load now: the ledger holds a row per place ever seen, which the later stages need not hold
    ledger_path = ledger.write(files.join(staging, "ledger.parquet"))
    del ledger, discovery
    with timed(run, "clean"):
        stats = [count_lines.submit(path, files.join(staging, "clean", f"stats-{n:05d}.parquet"))
                 for n, path in enumerate(ingested)]
        line_stats, templates = (files.join(staging, "clean", name) for name in ("line_stats.parquet", "templates.parquet"))
        sum_line_stats([*store.parts("line_stats"), *(f.result() for f in stats)], line_stats, templates)
        futures = [clean.submit(path, files.join(staging, "clean", f"{n:05d}.parquet"), settings, templates)
                   for n, path in enumerate(ingested)]
        cleaned = progress.wait("clean", futures)
        check("clean", "doc_id", cleaned)
    with timed(run, "dedupe"):
        stories = dedupe(cleaned, store.root, run["run_id"], files.join(staging, "dedupe"), settings)
        check("dedupe", "article_id", stories["articles"])
        progress.step("dedupe")
    with timed(run, "extract"):
        futures = [extract.submit(path, files.join(staging, "extract", f"{n:05d}"), settings)
                   for n, path in enumerate(stories["articles"])]
        extracted = progress.wait("extract", futures)
        check("extract", "article_id", [paths["articles"] for paths in extracted], extracted)
    outputs = RunOutputs(clean=cleaned, ingest=list(ingested), assignments=stories["assignments"],
                         merges=stories["merges"], signatures=stories["signatures"], line_stats=line_stats,
                         ledger=ledger_path,
                         **{table: [paths[table] for paths in extracted]
                            for table in ("articles", "mentions", "quotes")})
    run["skipped_seen"] = sum(skipped)
    with timed(run, "load"):
        result = load(store.root, run, outputs, stories, settings)
    progress.step("load")
    return result | {"failed_sources": run["failed_sources"]}


def task_runner(settings: Settings):
    """The task runner settings.runner names: threads in this process, or a Dask cluster (the one at
    settings.dask_address, else a LocalCluster of settings.runner.dask_workers processes)."""
    if settings.runner.kind == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.runner.dask_address:
            return DaskTaskRunner(address=settings.runner.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": settings.runner.dask_workers, "threads_per_worker": 1,
                                              "processes": True})
    return ThreadPoolTaskRunner(max_workers=1)  # one batch at a time: memory bounded by the batch


@contextmanager
def timed(run: dict, stage: str):
    start = time.perf_counter()
    yield
    give_back_freed_memory()
    run["seconds"][stage] = round(run["seconds"].get(stage, 0.0) + time.perf_counter() - start, 3)


def resumable(task: Task) -> Task:
    """`task` with its result (the path of the batch it wrote) persisted under the name of that path: when
    a failed run is started again, it stages to the same folder, and Prefect's cache returns the batches
    the failed run finished instead of redoing them."""
    return task.with_options(cache_policy=CacheKeyFnPolicy(cache_key_fn=_batch_written), persist_result=True)


def _batch_written(context, parameters: dict) -> str:
    """The batch's output path, what it was asked to read (a feed may list other pages when the run is
    started again) and the state of its input files (rewritten when their own batch was redone)."""
    target = next(parameters[name] for name in ("out_path", "out_dir", "staging") if name in parameters)
    inputs = [parameters.get("in_path"), *parameters.get("clean_paths", [])]
    states = [f"{path}:{files.fingerprint(path)}" for path in inputs if path]
    key = json.dumps([str(target), repr(parameters.get("units")), states])
    return "crosswire-" + hashlib.sha256(key.encode()).hexdigest()


def last_run(store: Store) -> str | None:
    runs = store.read("runs", ["run_id", "started_at"])
    return runs.sort_values("started_at")["run_id"].iloc[-1] if len(runs) else None


def failed_runs(store: Store, run: dict):
    import pandas as pd

    return pd.concat([store.read("runs"), run_row(run, {}, "failed")], ignore_index=True)
