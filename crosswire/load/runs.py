"""The end of a run: its row of the runs table, its counts, and the commit of every table, or, when the row
accounting failed, of the run's row alone."""

from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd

from crosswire.load.accounting import article_counts
from crosswire.load.loading import Loaded
from crosswire.results import DedupeResult, LoadResult, RunCounts, RunState
from crosswire.store import Store, to_arrow


def run_row(run: RunState, suites: dict[str, str], counts: RunCounts | None, outcome: str,
            error: str | None = None) -> pd.DataFrame:
    """The run's row of the runs table; without counts (a run stopped by a suite, or crashed) they are null."""
    return pd.DataFrame([{
        "run_id": run.run_id, "started_at": run.started_at, "finished_at": pd.Timestamp.now(tz="UTC"),
        "parameters": json.dumps(run.parameters, sort_keys=True, default=str), "outcome": outcome,
        **(asdict(counts) if counts else {}), "suites": json.dumps(suites, sort_keys=True),
        "seconds": json.dumps(run.seconds), "failed_sources": json.dumps(run.failed_sources, sort_keys=True),
        "cut_sources": json.dumps(run.cut_sources, sort_keys=True),
        "failed_again": json.dumps(run.failed_again, sort_keys=True),
        "flow_run_id": run.flow_run_id, "error": error,
    }])


def run_counts(run: RunState, loaded: Loaded, stories: DedupeResult, before: list[str]) -> RunCounts:
    """This run's counts; `before`: the articles parts committed before it."""
    articles, new_articles = article_counts(loaded.parts.files("articles"), before)
    return RunCounts(ingested=loaded.ingested, skipped_seen=run.skipped_seen,
                     quarantined=sum(loaded.quarantine_reasons.values()), articles=articles, new_articles=new_articles,
                     copies_merged=stories.exact + stories.near, mentions=loaded.kept["mentions"],
                     quotes=loaded.kept["quotes"])


def commit_run(store: Store, run: RunState, loaded: Loaded, stories: DedupeResult, articles_before: list[str],
               failures: list[dict]) -> LoadResult:
    """Commit every table, unless the row accounting found `failures`: then the committed tables stay as they
    were, the run's files are deleted, and only the run's row records the failed run."""
    suites = {**run.suites, "load": "failed" if failures else "passed"}
    outcome = "success" if all(v == "passed" for v in suites.values()) else "failed"
    counts = run_counts(run, loaded, stories, articles_before)
    row = run_row(run, suites, counts, outcome)
    if not failures:
        store.commit(run.run_id, row, {name: to_arrow(frame, name) for name, frame in loaded.tables.items()},
                     added=loaded.parts.added, removed=loaded.parts.removed)
    else:
        loaded.parts.discard()
        store.commit(run.run_id, row)
    return LoadResult(counts=counts, suites=suites, outcome=outcome, failures=failures,
                      quarantine_reasons={reason: n for reason, n in loaded.quarantine_reasons.items() if reason})
