"""The dedupe task: this run's clean batches grouped into stories, matched against earlier runs' stories,
and the stories staged for extract (crosswire.dedupe)."""

from __future__ import annotations

from prefect import task

from crosswire.dedupe import dedupe_run
from crosswire.results import DedupeResult
from crosswire.settings import Settings


@task(name="dedupe", retries=0)
def dedupe_task(clean_paths: list[str], out: str, run_id: str, staging: str, settings: Settings) -> DedupeResult:
    """Assign this run's clean documents to stories; stage the stories to extract in batches."""
    return dedupe_run(clean_paths, out, run_id, staging, settings)
