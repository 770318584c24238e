"""The output directory: one Delta table per table, a commit per table and run, the runs row last recording
every version, recovery of a run killed between its commits, one run at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from crosswire.schema import TABLES
from crosswire.settings import StoreSettings
from crosswire.store import RunLocked, Store, delta, to_arrow


def quarantine_rows(n: int, run_id: str) -> pd.DataFrame:
    return pd.DataFrame({"run_id": run_id, "stage": "ingest", "doc_id": [f"d{i}" for i in range(n)],
                         "source_uri": "/x", "reason": "empty", "detail": None})


def row(run_id: str) -> pd.DataFrame:
    now = pd.Timestamp.now(tz="UTC")
    return pd.DataFrame([{"run_id": run_id, "started_at": now, "finished_at": now, "outcome": "success"}])


def raw_file(store: Store, name: str, doc_ids: list[str], run_id: str = "r") -> str:
    path = store.new_file("raw", name)
    pq.write_table(to_arrow(pd.DataFrame({"doc_id": doc_ids, "run_id": run_id, "content": b"bytes"}), "raw"), path)
    return path


@pytest.fixture
def store(tmp_path) -> Store:
    with Store(tmp_path).lock() as store:  # creates every table
        pass
    return store


def test_every_table_is_a_delta_table_with_the_contracts_schema(store, tmp_path):
    for name, schema in TABLES.items():
        table = DeltaTable(str(tmp_path / name))
        assert table.version() == 0 and len(pa.schema(table.schema().to_arrow())) == len(schema)
        assert store.read(name).columns.tolist() == schema.names and store.read(name).empty


def test_commit_replaces_small_tables_and_the_runs_row_records_every_version(store, tmp_path):
    store.commit("r1", row("r1"), {"quarantine": to_arrow(quarantine_rows(3, "r1"), "quarantine")})
    store.commit("r2", row("r2"), {"quarantine": to_arrow(quarantine_rows(5, "r2"), "quarantine")})
    frame = store.read("quarantine")
    assert len(frame) == 5 and set(frame["run_id"]) == {"r2"}
    versions = store.versions()
    assert versions["quarantine"] == 2 and versions["documents"] == 0 and versions["runs"] == 2
    assert store.versions("r1")["quarantine"] == 1
    assert set(store.read("quarantine", version=store.versions("r1")["quarantine"])["run_id"]) == {"r1"}
    history = DeltaTable(str(tmp_path / "quarantine")).history(1)[0]
    assert history["run_id"] == "r2"


def test_an_unchanged_small_table_keeps_its_version(store):
    rows = {"quarantine": to_arrow(quarantine_rows(3, "r1"), "quarantine")}
    store.commit("r1", row("r1"), rows)
    store.commit("r2", row("r2"), rows)
    assert store.versions()["quarantine"] == 1


def test_files_are_added_rewritten_and_removed_in_one_commit_per_table(store, tmp_path):
    first = raw_file(store, "part-a.parquet", ["r1-d"])
    store.commit("r1", row("r1"), added={"raw": [first]})
    second = raw_file(store, "part-b.parquet", ["r2-d"])
    store.commit("r2", row("r2"), added={"raw": [second]})
    assert store.read("raw")["doc_id"].tolist() == ["r1-d", "r2-d"]

    rewritten = raw_file(store, "part-c.parquet", ["r1-changed"])
    store.commit("r3", row("r3"), added={"raw": [rewritten]}, removed={"raw": [first, second]})
    assert store.read("raw")["doc_id"].tolist() == ["r1-changed"] and store.versions()["raw"] == 3
    assert store.read("raw", version=2)["doc_id"].tolist() == ["r1-d", "r2-d"]  # the old files stay until vacuum
    log = json.loads((tmp_path / "raw" / "_delta_log" / f"{3:020d}.json").read_text().splitlines()[-1])
    assert "add" in log or "remove" in log


def test_a_file_not_in_the_contract_or_a_removal_not_in_the_table_is_refused(store, tmp_path):
    wrong = store.new_file("raw", "part-wrong.parquet")
    pq.write_table(pa.table({"doc_id": ["x"], "run_id": ["r"], "content": pa.array([1], pa.int64())}), wrong)
    with pytest.raises(ValueError, match="schema"):
        store.commit("r1", row("r1"), added={"raw": [wrong]})
    with pytest.raises(ValueError, match="not in the table"):
        store.commit("r1", row("r1"), removed={"raw": [str(tmp_path / "raw" / "part-none.parquet")]})
    assert DeltaTable(str(tmp_path / "raw")).version() == 0


def test_statistics_are_valid_json_with_the_row_count_and_bounds(store, tmp_path):
    path = raw_file(store, "part-a.parquet", ["b", "a", "c"])
    store.commit("r1", row("r1"), added={"raw": [path]})
    actions = pa.table(DeltaTable(str(tmp_path / "raw")).get_add_actions(flatten=True)).to_pylist()[0]
    assert actions["num_records"] == 3
    assert actions["min.doc_id"] == "a" and actions["max.doc_id"] == "c" and actions["null_count.content"] == 0


def test_tables_committed_after_the_last_runs_row_are_restored_on_the_next_lock(store, tmp_path):
    store.commit("r1", row("r1"), added={"raw": [raw_file(store, "part-a.parquet", ["d1"])]})
    # a run killed between its commits: raw committed, its runs row never written
    delta.commit_files(str(tmp_path / "raw"), TABLES["raw"], [raw_file(store, "part-b.parquet", ["d2"])], [], "r2")
    assert sorted(store.read("raw")["doc_id"]) == ["d1", "d2"]
    with Store(tmp_path).lock() as again:
        assert again.read("raw")["doc_id"].tolist() == ["d1"]
        assert DeltaTable(str(tmp_path / "raw")).history(1)[0]["operation"] == "RESTORE"


def test_a_second_run_on_the_same_directory_is_refused(tmp_path):
    with Store(tmp_path).lock():
        with pytest.raises(RunLocked, match="in use by another crosswire run"):
            with Store(tmp_path).lock():
                pass


def test_a_table_of_many_files_is_compacted_and_replaced_files_are_vacuumed(tmp_path):
    with Store(tmp_path, StoreSettings(retention_hours=0, compact_above_files=2)).lock() as store:
        paths = [raw_file(store, f"part-{n}.parquet", [f"d{n}"]) for n in range(3)]
        store.commit("r1", row("r1"), added={"raw": paths})
        assert len(store.parts("raw")) == 1 and sorted(store.read("raw")["doc_id"]) == ["d0", "d1", "d2"]
        operations = [entry["operation"] for entry in DeltaTable(str(tmp_path / "raw")).history()]
        assert "OPTIMIZE" in operations and "VACUUM END" in operations
        assert not any((tmp_path / "raw" / f"part-{n}.parquet").exists() for n in range(3))
        assert store.versions()["raw"] == DeltaTable(str(tmp_path / "raw")).version()  # upkeep before the row


def test_columns_the_contracts_gained_reach_tables_made_before_them(tmp_path):
    store = Store(tmp_path)
    for name, schema in TABLES.items():  # tables of a crosswire before the ledger's failures and the runs' cuts
        gained = {"ledger": ["failure", "failure_detail", "failures", "failed_at"],
                  "runs": ["cut_sources", "failed_again", "error"], "quarantine": ["detail"]}  # (as if it were new)
        delta.create(store.table_dir(name), pa.schema([f for f in schema if f.name not in gained.get(name, [])]))
    with store.lock():  # a run opens the tables: what the contract gained is added to them
        store.commit("r1", row("r1"))
        ledger = store.new_file("ledger", "part-a.parquet")
        gone = {"source_uri": "https://x.example/gone", "failure": "http-404", "failures": 2}
        pq.write_table(to_arrow(pa.Table.from_pylist([gone]), "ledger"), ledger)
        store.commit("r2", row("r2").assign(failed_again='{"http-404": 1}'), {"quarantine": to_arrow(
            quarantine_rows(1, "r2"), "quarantine")}, added={"ledger": [ledger]})
    for name in ("ledger", "runs", "quarantine"):  # every Delta reader sees them, not only crosswire's own
        assert DeltaTable(str(tmp_path / name)).schema().to_arrow().names == TABLES[name].names
    assert DeltaTable(str(tmp_path / "ledger")).to_pandas()[["failure", "failures"]].values.tolist() == [
        ["http-404", 2]]
    assert store.arrow("runs")["failed_again"].to_pylist() == [None, '{"http-404": 1}']


def test_recovery_deletes_the_half_written_files_of_a_dead_run(store, tmp_path):
    leftovers = [tmp_path / ".report.html.tmp", tmp_path / "raw" / ".part-a.parquet.tmp",
                 tmp_path / ".staging" / "key" / "run" / "clean" / ".00000.parquet.tmp"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PAR1 half")
    kept = raw_file(store, "part-a.parquet", ["d1"])  # written whole: a resumed run's or a commit's to come
    with Store(tmp_path).lock():
        assert not any(path.exists() for path in leftovers)
    assert Path(kept).exists()


def test_a_column_added_to_the_contract_is_added_to_an_existing_table(tmp_path):
    older = pa.schema([field for field in TABLES["runs"] if field.name != "error"])
    DeltaTable.create(str(tmp_path / "runs"), older)
    with Store(tmp_path).lock() as store:
        store.commit("r1", row("r1").assign(outcome="crashed", error="OSError: disk full"))
    assert store.read("runs")[["outcome", "error"]].values.tolist() == [["crashed", "OSError: disk full"]]
    assert pa.schema(DeltaTable(str(tmp_path / "runs")).schema().to_arrow()).names == TABLES["runs"].names
