"""The crosswire flow: ingest -> clean -> dedupe -> extract -> load, each stage validated by its GX suite.

No `from __future__ import annotations` here: a served run rebuilds the flow's parameter model from its
annotations, which must be the types themselves, not strings.
"""

import hashlib
import inspect
import json
import logging
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import partial

from prefect import Task, flow, get_run_logger
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import CacheKeyFnPolicy
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from crosswire.clean import sum_line_stats
from crosswire.extract import extract_modes
from crosswire.ingest import Discovery, Ledger, discover, without_earlier_copies
from crosswire.load import run_row
from crosswire.memory import give_back_freed_memory
from crosswire.progress import Progress
from crosswire.report import build_report
from crosswire.results import LoadResult, RunOutputs, RunState
from crosswire.settings import Settings
from crosswire.store import Store, files
from crosswire.store.staging import read_batch, remove_all, rows, run_id_of, staging_dir
from crosswire.summary import markdown_summary, new_stories
from expectations.runner import build_data_docs, describe
from tasks.clean import clean_task, line_stats_task
from tasks.dedupe import dedupe_task
from tasks.extract import extract_task
from tasks.ingest import ingest_task
from tasks.load import load_task
from tasks.validate import validate_task


def not_thread_timeout_warning(record: logging.LogRecord) -> bool:
    """Prefect warns at every task run that its timeout cannot interrupt a task running in a worker thread: true
    of every batch of the local runner, where a batch's limit takes effect when it returns (see
    RunnerSettings.batch_timeout), and nothing a user can act on, so a normal run stays quiet."""
    return not str(record.msg).startswith("Timeout of")


logging.getLogger("prefect.task_runs").addFilter(not_thread_timeout_warning)


class SuiteFailed(RuntimeError):
    """A GX suite failed on something quarantine cannot fix: the run stops and says so."""


class CommittedButFailed(RuntimeError):
    """A step after the run's commit failed (its Data Docs, its report ...): the tables hold the run."""


def record_crash(store: Store, run: RunState, error: Exception) -> None:
    """A run stopped by an exception (not a bad document: those are quarantined) recorded as a runs row of
    outcome `crashed` with the error, the tables first put back as the last run left them. Its staged batches
    stay, for the same command to resume. When the store itself cannot be written (the crash's cause,
    perhaps), the next run's recovery puts the tables back instead."""
    try:
        store.recover()
        store.commit(run.run_id, run_row(run, run.suites, None, "crashed", f"{type(error).__name__}: {error}"))
    except Exception as failure:  # the crash itself is what the caller must see
        get_run_logger().warning("could not record the crash of run %s: %s", run.run_id, failure)


@contextmanager
def after_commit(run: RunState):
    try:
        yield
    except Exception as error:
        raise CommittedButFailed(f"run {run.run_id} is committed, but then {type(error).__name__}: {error}") from error


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
    store = Store(out, settings.store)
    run = RunState(run_id=str(flow_run.id or uuid.uuid4()), flow_run_id=flow_run.id and str(flow_run.id),
                   started_at=datetime.now(timezone.utc),
                   parameters={"sources": sources, "out": store.root, **settings.model_dump()})
    with store.lock():
        staging = staging_dir(store.root, sources, settings.model_dump(mode="json"), last_run(store))
        run.run_id = run_id_of(staging, run.run_id)
        # the run id is in every batch's path, so that no other run's cache can match it
        run.staging = files.join(staging, run.run_id)
        progress = Progress(run.run_id)
        try:
            stages = run_stages.with_options(task_runner=task_runner(settings))
            loaded = stages(sources, store.root, run, settings, progress)
        except SuiteFailed:
            store.commit(run.run_id, run_row(run, run.suites, None, "failed"))
            remove_all(store.root)
            build_data_docs(store.root, run.started_at, run.run_id)  # GX's account of the failure, to read
            raise
        except Exception as error:
            record_crash(store, run, error)
            raise
        finally:
            progress.close()
        with after_commit(run):
            remove_all(store.root)  # committed: no unfinished run is left to resume
            with timed(run, "data docs"):
                data_docs = build_data_docs(store.root, run.started_at, run.run_id)
            with timed(run, "report"):
                report = build_report(store.root)
            result = summary(run, loaded, store.root, settings) | {"data_docs": str(data_docs), "report": str(report)}
    with after_commit(run):
        publish_artifacts(result, store.root)
    if result["outcome"] != "success" and settings.fail_on_suite_failure:
        raise SuiteFailed(f"run {run.run_id} failed its checks: {'; '.join(map(describe, result['failures']))}")
    return result


@flow(name="crosswire-stages", validate_parameters=False)
def run_stages(sources: list[str], out: str, run: RunState, settings: Settings, progress: Progress) -> LoadResult:
    """The stages over batches. Batches go through ingest, clean and extract as tasks submitted to the
    run's task runner (settings.runner), so that a Dask cluster works on several at once; dedupe and
    load see the whole run. Only this flow changes `run`: the tasks read it."""
    logger = get_run_logger()
    store, staging = Store(out), run.staging
    for stage in ("ingest", "clean", "dedupe", "extract"):
        files.makedirs(files.join(staging, stage))
    ingest, count_lines, clean, dedupe, extract, validate, load = stage_tasks(settings)

    def check(stage: str, id_column: str, paths: list[str], related: list | None = None) -> None:
        # in this process, whatever the runner: GX keeps its results here for the run's Data Docs
        started = time.perf_counter()
        try:
            failures = [o.failures for o in validate(stage, paths, id_column, settings, related) if not o.success]
        finally:  # shown apart from the stage's own seconds, which its timer counts it in
            elapsed = time.perf_counter() - started
            run.seconds["validation"] = round(run.seconds.get("validation", 0.0) + elapsed, 3)
            run.seconds[stage] = run.seconds.get(stage, 0.0) - elapsed
        run.suites[stage] = "failed" if failures or run.suites.get(stage) == "failed" else "passed"
        if failures and settings.fail_on_suite_failure:
            raise SuiteFailed(f"GX suite {stage!r} failed: {describe(failures[0][0])}")

    ledger = Ledger.of(store)
    discovery = Discovery(discover(sources), ledger, settings, output=store.root)
    logger.info("ingesting %s into %s", sources, store.root)
    for source in discovery.holding_output():  # a warning: the CLI shows no info line
        logger.warning("skipping %s inside source %s: it is this run's output, never read as input",
                       store.root, source)
    with timed(run, "ingest"):
        futures, items = [], []
        for n, units in enumerate(discovery.batches()):
            futures.append(ingest.submit(units, run.run_id, ledger, files.join(staging, "ingest", f"{n:05d}.parquet"),
                                         settings))
            items.append(sum(unit.count for unit in units))
        reads = []
        for read in progress.wait("ingest", futures, items):
            reads.append(without_earlier_copies(read, ledger))
            ledger.update(read_batch(reads[-1].ledger))
        ingested = [read.path for read in reads]
        check("ingest", "doc_id", ingested)
    run.failed_sources, run.source_count = discovery.failed, len(discovery.sources)
    run.cut_sources = discovery.cut
    for source, what in discovery.cut.items():
        logger.warning("source %s was cut: %s", source, what)
    run.skipped_files = dict(discovery.skipped.most_common())
    run.skipped_seen = sum(read.skipped for read in reads) + discovery.unchanged
    run.failed_again = dict(sorted(sum((Counter(read.failed_again) for read in reads), Counter()).items()))
    # staged for load now: the ledger holds a row per place ever seen, which the later stages need not hold
    ledger_path = ledger.write(files.join(staging, "ledger.parquet"))
    del ledger, discovery
    with timed(run, "clean"):
        stats = [count_lines.submit(path, files.join(staging, "clean", f"stats-{n:05d}.parquet"))
                 for n, path in enumerate(ingested)]
        line_stats, templates = (files.join(staging, "clean", name) for name in ("line_stats.parquet", "templates.parquet"))
        sum_line_stats([*store.parts("line_stats"), *(f.result() for f in stats)], line_stats, templates, settings)
        futures = [clean.submit(path, files.join(staging, "clean", f"{n:05d}.parquet"), settings, templates)
                   for n, path in enumerate(ingested)]
        cleaned = progress.wait("clean", futures, [rows(path) for path in ingested])
        check("clean", "doc_id", cleaned)
    with timed(run, "dedupe"):
        stories = dedupe(cleaned, store.root, run.run_id, files.join(staging, "dedupe"), settings)
        check("dedupe", "article_id", stories.articles)
        progress.step("dedupe")
    with timed(run, "extract"):
        futures = [extract.submit(path, files.join(staging, "extract", f"{n:05d}"), settings)
                   for n, path in enumerate(stories.articles)]
        extracted = progress.wait("extract", futures, [rows(path) for path in stories.articles], "stories")
        check("extract", "article_id", [batch.articles for batch in extracted], extracted)
    outputs = RunOutputs(clean=cleaned, ingest=ingested, assignments=stories.assignments,
                         merges=stories.merges, signatures=stories.signatures, line_stats=line_stats,
                         ledger=ledger_path,
                         **{table: [getattr(batch, table) for batch in extracted] for table in ("articles", "mentions", "quotes")})
    with timed(run, "load"):
        loaded = load(store.root, run, outputs, stories, settings)
    run.suites = dict(loaded.suites)
    progress.step("load")
    return loaded


def stage_tasks(settings: Settings) -> tuple[Task, ...]:
    """The tasks of the stages, with the run's time limits; the batch tasks keyed for resuming a run."""
    batch, whole = settings.runner.batch_timeout, settings.runner.run_timeout
    return (resumable(ingest_task, "out_path", listed=("units",)),
            resumable(line_stats_task, "out_path", ("in_path",)).with_options(timeout_seconds=batch),
            resumable(clean_task, "out_path", ("in_path",)).with_options(timeout_seconds=batch),
            resumable(dedupe_task, "staging", ("clean_paths",)),
            resumable(extract_task, "out_dir", ("in_path",)).with_options(timeout_seconds=batch),
            validate_task.with_options(timeout_seconds=whole),
            load_task.with_options(timeout_seconds=whole))


def task_runner(settings: Settings):
    """The task runner settings.runner names: threads in this process, or a Dask cluster (the one at
    its dask_address, else a LocalCluster of its dask_workers processes)."""
    runner = settings.runner
    if runner.kind == "dask":
        from prefect_dask import DaskTaskRunner

        if runner.dask_address:
            return DaskTaskRunner(address=runner.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": runner.dask_workers, "threads_per_worker": 1,
                                              "processes": True})
    return ThreadPoolTaskRunner(max_workers=1)  # one batch at a time: memory bounded by the batch


@contextmanager
def timed(run: RunState, stage: str):
    start = time.perf_counter()
    yield
    give_back_freed_memory()
    run.seconds[stage] = round(run.seconds.get(stage, 0.0) + time.perf_counter() - start, 3)


def resumable(task: Task, output: str, inputs: tuple[str, ...] = (), listed: tuple[str, ...] = ()) -> Task:
    """`task` with its result (what it wrote at its `output` parameter, a path) persisted under a key of that
    path, of the state of the files its `inputs` parameters name (rewritten when their own batch was redone)
    and of what its `listed` parameters ask for (a feed may list other pages when the run is started again):
    when a failed run is started again, it stages to the same folder, and Prefect's cache returns the
    batches the failed run finished instead of redoing them. The parameters are checked against the
    task's signature here, so that renaming one fails at once instead of silently keying every batch alike."""
    missing = {output, *inputs, *listed} - set(inspect.signature(task.fn).parameters)
    if missing:
        raise TypeError(f"task {task.name!r} has no parameter {sorted(missing)} to key its results on")
    key = partial(_batch_key, output=output, inputs=inputs, listed=listed)
    return task.with_options(cache_policy=CacheKeyFnPolicy(cache_key_fn=key), persist_result=True)


def _batch_key(context, parameters: dict, output: str, inputs: tuple[str, ...], listed: tuple[str, ...]) -> str:
    paths = [path for name in inputs for path in _paths(parameters[name])]
    states = [f"{path}:{files.fingerprint(path)}" for path in paths]
    key = json.dumps([str(parameters[output]), [repr(parameters[name]) for name in listed], states])
    return "crosswire-" + hashlib.sha256(key.encode()).hexdigest()


def _paths(value) -> list[str]:
    return [str(p) for p in value if p] if isinstance(value, (list, tuple)) else [str(value)] if value else []


def summary(run: RunState, loaded: LoadResult, out: str, settings: Settings) -> dict:
    """The run's outcome as the CLI, the artifacts and a Python caller read it."""
    return {"counts": vars(loaded.counts), "suites": loaded.suites, "outcome": loaded.outcome,
            "failures": loaded.failures, "quarantine_reasons": loaded.quarantine_reasons,
            "failed_sources": run.failed_sources, "cut_sources": run.cut_sources,
            "failed_again": run.failed_again, "sources": run.source_count, "skipped_files": run.skipped_files,
            "run_id": run.run_id, "started_at": run.started_at.isoformat(), "out": out, "seconds": run.seconds,
            "extract_mode": extract_modes(settings.extract.model)}


def publish_artifacts(result: dict, out: str) -> None:
    """The run's summary, its new stories, and links to its report and Data Docs, on its Prefect run page."""
    run_id = result["run_id"]
    create_markdown_artifact(key="crosswire-run-summary", markdown=markdown_summary(result),
                             description=f"crosswire run {run_id}")
    create_table_artifact(key="crosswire-new-stories", table=new_stories(out, run_id),
                          description=f"Stories that crosswire run {run_id} created (at most 200, newest first)")
    for key, label in (("report", "crosswire report"), ("data_docs", "GX Data Docs of the run's validations")):
        if result.get(key):
            create_link_artifact(key=f"crosswire-{key.replace('_', '-')}", link=files.uri(result[key]),
                                 link_text=label, description=f"crosswire run {run_id}")


def last_run(store: Store) -> str | None:
    """The last run that did not crash: a crashed run's staged batches are those the same command resumes."""
    runs = store.read("runs", ["run_id", "started_at", "outcome"])
    runs = runs[runs["outcome"] != "crashed"]
    return runs.sort_values("started_at")["run_id"].iloc[-1] if len(runs) else None
