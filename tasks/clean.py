"""The clean stage's tasks: a batch's line statistics, and the batch cleaned with the run's templates
(crosswire.clean); the flow sums the statistics of every batch between the two."""

from __future__ import annotations

from prefect import task

from crosswire.clean import batch_line_stats, clean_ingested, templates_by_source
from crosswire.schema import CLEANED
from crosswire.settings import Settings
from crosswire.store.staging import read_batch, write_batch


@task(name="line-stats")
def line_stats_task(in_path: str, out_path: str) -> str:
    """Line statistics of an ingested batch; the run adds up every batch's (add_line_stats) before any
    batch is cleaned, so that the templates, and so the cleaned texts, do not depend on batch order."""
    return write_batch(batch_line_stats(read_batch(in_path)), out_path)


@task(name="clean")
def clean_task(in_path: str, out_path: str, settings: Settings, templates_path: str | None = None) -> str:
    """Clean an ingested batch with the templates at `templates_path` (template_lines of the run's and
    earlier runs' line statistics, a small file however large the statistics), or with those learned
    from the batch alone without one."""
    templates = templates_by_source(read_batch(templates_path)) if templates_path else None
    return write_batch(clean_ingested(read_batch(in_path), settings, templates), out_path, CLEANED)
