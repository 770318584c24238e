"""The validate task: a stage's staged batches checked by its GX suite, failing rows quarantined
(expectations.checks)."""

from __future__ import annotations

from prefect import task

from crosswire.results import ExtractBatch
from crosswire.settings import Settings
from expectations.checks import validate_batch
from expectations.runner import Outcome


@task(name="validate")
def validate_task(stage: str, paths: list[str], id_column: str, settings: Settings,
                  related: list[ExtractBatch] | None = None) -> list[Outcome]:
    """A stage's staged batches validated one after the other (see validate_batch): a task run per stage,
    not per batch, since a task run costs Prefect's engine and server more than GX takes on a batch."""
    return [validate_batch(stage, path, id_column, settings, more)
            for path, more in zip(paths, related or [None] * len(paths))]
