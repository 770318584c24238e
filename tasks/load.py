"""The load task: the run's staged batches added to the tables, the row accounting validated by the load
suite over the tables as they will be, then every table committed at once (crosswire.load)."""

from __future__ import annotations

from prefect import task

from crosswire.load import accounting, commit_run, load_run
from crosswire.results import DedupeResult, LoadResult, RunOutputs, RunState
from crosswire.settings import Settings
from crosswire.store import Store
from expectations.runner import validate


@task(name="load", retries=2, retry_delay_seconds=[1, 5])
def load_task(out: str, run: RunState, outputs: RunOutputs, stories: DedupeResult, settings: Settings) -> LoadResult:
    """Validate row accounting over the tables as they will be, then commit them together."""
    store = Store(out, settings.store)
    before = {table: store.parts(table) for table in ("documents", "articles")}
    loaded = load_run(store, run, outputs)
    rows = accounting(loaded.parts.files("documents"), loaded.parts.files("articles"), before["documents"],
                      outputs.ingest, loaded.tables["quarantine"], settings.runner.sql_memory_limit)
    failures = [failure for batch in rows for failure in validate("load", batch, "doc_id", None,
                                                                   settings.suites_dir).failures]
    return commit_run(store, run, loaded, stories, before["articles"], failures)
