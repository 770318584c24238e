"""The crosswire flow: ingest -> clean -> dedupe -> extract -> load, each stage validated by its GX suite."""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

import pyarrow.parquet as pq
from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from crosswire.settings import Settings
from crosswire.staging import remove, staging_dir, write_batch
from crosswire.store import Store, to_arrow
from crosswire.summary import markdown_summary
from tasks.clean import clean_task
from tasks.dedupe import dedupe_task
from tasks.extract import cached_nlp, extract_task
from tasks.ingest import discover, ingest_task
from tasks.load import RunOutputs, load_task, run_row
from tasks.validate import validate_task


class SuiteFailed(RuntimeError):
    """A GX suite failed on something quarantine cannot fix: the run stops and says so."""


@flow(name="crosswire", log_prints=True)
def etl(sources: list[str], out: str = "out", settings: Settings = Settings()) -> dict:
    """Turn the documents under `sources` into validated story tables under `out`."""
    store = Store(out)
    run = {"run_id": str(flow_run.id or uuid.uuid4()), "started_at": datetime.now(timezone.utc),
           "parameters": {"sources": sources, "out": str(store.root), **settings.model_dump()},
           "seconds": {}, "suites": {}}
    with store.lock():
        try:
            result = run_stages(sources, store, run, settings)
        except SuiteFailed:
            store.commit({"runs": to_arrow(failed_runs(store, run), "runs")}, run["run_id"])
            raise
        finally:
            remove(store.root, run["run_id"])
    result |= {"run_id": run["run_id"], "out": str(store.root), "seconds": run["seconds"],
               "extract_mode": cached_nlp(settings.model)[1]}
    create_markdown_artifact(key="crosswire-run-summary", markdown=markdown_summary(result),
                             description=f"crosswire run {run['run_id']}")
    if result["outcome"] != "success" and settings.fail_on_suite_failure:
        raise SuiteFailed(f"run {run['run_id']} failed its checks: {result['failures']}")
    return result


def run_stages(sources: list[str], store: Store, run: dict, settings: Settings) -> dict:
    logger = get_run_logger()
    staging = staging_dir(store.root, run["run_id"])
    for stage in ("ingest", "clean", "dedupe", "extract"):
        (staging / stage).mkdir(parents=True, exist_ok=True)

    def check(stage: str, path: str, id_column: str, related: dict | None = None) -> None:
        outcome = validate_task(stage, path, id_column, settings, related)
        if not outcome["success"] or run["suites"].get(stage) == "failed":
            run["suites"][stage] = "failed"
        else:
            run["suites"][stage] = "passed"
        if not outcome["success"] and settings.fail_on_suite_failure:
            raise SuiteFailed(f"GX suite {stage!r} failed: {outcome['failures']}")

    seen = set(store.read("documents", ["doc_id"])["doc_id"])
    line_stats = staging / "clean" / "line_stats.parquet"  # grows batch by batch; load keeps it
    if store.exists("line_stats"):
        write_batch(store.read("line_stats"), line_stats)
    files = [str(p) for p in discover(sources)]
    logger.info("%d files from %s into %s", len(files), sources, store.root)
    ingested, cleaned, skipped = [], [], 0
    for n, paths in enumerate(batches(files, settings.batch_size)):
        with timed(run, "ingest"):
            path, seen_before = ingest_task(paths, run["run_id"], seen, str(staging / "ingest" / f"{n:05d}.parquet"))
            check("ingest", path, "doc_id")
        skipped += seen_before
        ingested.append(path)
        with timed(run, "clean"):
            cleaned.append(clean_task(path, str(staging / "clean" / f"{n:05d}.parquet"), settings, str(line_stats)))
            check("clean", cleaned[-1], "doc_id")
    with timed(run, "dedupe"):
        stories = dedupe_task(cleaned, str(store.root), run["run_id"], str(staging / "dedupe"), settings)
        for path in stories["articles"]:
            check("dedupe", path, "article_id")
    extracted = {"articles": [], "mentions": [], "quotes": []}
    with timed(run, "extract"):
        for n, path in enumerate(stories["articles"]):
            paths = extract_task(path, str(staging / "extract" / f"{n:05d}"), settings)
            check("extract", paths["articles"], "article_id", paths)
            for table in extracted:
                extracted[table].append(paths[table])
    outputs = RunOutputs(clean=cleaned, ingest=ingested, assignments=stories["assignments"],
                         merges=stories["merges"], signatures=stories["signatures"], line_stats=str(line_stats),
                         **extracted)
    run |= {"skipped_seen": skipped, "ingested": sum(pq.ParquetFile(p).metadata.num_rows for p in ingested)}
    with timed(run, "load"):
        return load_task(str(store.root), run, outputs, stories, settings)


def batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@contextmanager
def timed(run: dict, stage: str):
    start = time.perf_counter()
    yield
    run["seconds"][stage] = round(run["seconds"].get(stage, 0.0) + time.perf_counter() - start, 3)


def failed_runs(store: Store, run: dict):
    import pandas as pd

    return pd.concat([store.read("runs"), run_row(run, {}, "failed")], ignore_index=True)
