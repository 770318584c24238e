"""The ingest task: a batch of planned units read into a staged batch (crosswire.ingest)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from crosswire.ingest import Ledger, Units, failed_again, ingest_units
from crosswire.results import IngestBatch
from crosswire.schema import INGESTED
from crosswire.settings import Settings
from crosswire.store.staging import write_batch


@task(name="ingest", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def ingest_task(units: Units, run_id: str, ledger: Ledger, out_path: str, settings: Settings) -> IngestBatch:
    """Ingest a batch of units into a staged Parquet file; its ledger rows go beside it."""
    frame, marks, skipped = ingest_units(units, run_id, ledger, settings)
    ledger_path = out_path.removesuffix(".parquet") + ".ledger.parquet"
    return IngestBatch(path=write_batch(frame, out_path, INGESTED), ledger=write_batch(marks, ledger_path),
                       skipped=skipped, failed_again=failed_again(marks))
