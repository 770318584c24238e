"""`crosswire migrate`: tables in the earlier layout (a folder of Parquet parts per table) become Delta tables
holding the same rows; `crosswire run` refuses such a directory until then."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crosswire.schema import TABLES
from crosswire.store import OldLayout, Store
from crosswire.store.migrate import migrate
from tests.conftest import SAMPLE, crosswire

# The earlier contract where it differs: digests as uint32, runs without table_versions.
OLD = {"signatures": pa.schema([f.with_type(pa.list_(pa.uint32())) if "minhash" in f.name else f
                                for f in TABLES["signatures"]]),
       "runs": pa.schema([f for f in TABLES["runs"] if f.name != "table_versions"])}


def old_part(out, table: str, name: str, rows: dict) -> None:
    folder = out / table
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(rows, schema=OLD.get(table, TABLES[table])), folder / name)


@pytest.fixture
def old_store(tmp_path):
    now = pd.Timestamp("2025-01-01", tz="UTC")
    for n in range(2):
        old_part(tmp_path, "raw", f"part-r1-{n:05d}.parquet",
                 {"doc_id": [f"d{n}"], "run_id": ["r1"], "content": [b"\x00bytes"]})
    old_part(tmp_path, "signatures", "part-r1-00000.parquet", {
        "doc_id": ["d0"], "algorithm": ["a"], "exact_key": ["k"], "minhash": [[0, 2**32 - 1, 7]],
        "state": [None], "lead_state": [None], "lead_minhash": [[2**31, 1]]})
    old_part(tmp_path, "runs", "part-0.parquet", {
        "run_id": ["r0", "r1"], "started_at": [now, now + pd.Timedelta(1, "h")],
        "finished_at": [now, now + pd.Timedelta(2, "h")], "outcome": ["success", "success"],
        **{f.name: [None, None] for f in OLD["runs"] if f.name not in ("run_id", "started_at", "finished_at", "outcome")}})
    return tmp_path


def test_a_directory_in_the_earlier_layout_is_refused_by_a_run(old_store):
    with pytest.raises(OldLayout, match="crosswire migrate"):
        with Store(old_store).lock():
            pass


def test_migration_keeps_every_row_and_the_digests_exactly(old_store):
    counts = migrate(str(old_store))
    assert counts["raw"] == 2 and counts["signatures"] == 1 and counts["runs"] == 2 and counts["documents"] == 0
    store = Store(old_store)
    assert store.read("raw")["content"].tolist() == [b"\x00bytes", b"\x00bytes"]
    signatures = store.arrow("signatures")
    assert signatures["minhash"].to_pylist() == [[0, 2**32 - 1, 7]]
    assert signatures["lead_minhash"].to_pylist() == [[2**31, 1]]
    assert not (old_store / "signatures" / "part-r1-00000.parquet").exists()  # rewritten in the new types
    assert (old_store / "raw" / "part-r1-00000.parquet").exists()  # registered as it was
    versions = json.loads(store.read("runs")["table_versions"].iloc[-1])
    assert versions == store.versions() and versions["raw"] == 1
    with store.lock():  # a run may start: nothing to refuse, nothing to restore
        assert len(store.read("raw")) == 2


def test_the_cli_refuses_the_earlier_layout_then_migrates_it(old_store):
    refused = crosswire("run", str(SAMPLE / "county"), "--out", str(old_store), "--model", "rules")
    assert refused.returncode == 2 and f"crosswire migrate {old_store}" in refused.stderr, refused.stderr
    migrated = crosswire("migrate", str(old_store))
    assert migrated.returncode == 0, migrated.stderr
    assert "Delta tables" in migrated.stdout
    shown = crosswire("sql", str(old_store), "SELECT count(*) AS n FROM raw")
    assert shown.returncode == 0 and " 2 " in shown.stdout, shown.stdout
