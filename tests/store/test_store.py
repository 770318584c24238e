"""The output directory: atomic commits, crash recovery, one run at a time, readable by every reader."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from crosswire.store import JOURNAL, RunLocked, Store, to_arrow


def quarantine_rows(n: int, run_id: str) -> pd.DataFrame:
    return pd.DataFrame({"run_id": run_id, "stage": "ingest", "doc_id": [f"d{i}" for i in range(n)],
                         "source_uri": "/x", "reason": "empty", "detail": None})


def test_commit_replaces_tables_and_reads_back_with_the_contract(tmp_path):
    store = Store(tmp_path)
    store.commit({"quarantine": to_arrow(quarantine_rows(3, "r1"), "quarantine")}, "r1")
    store.commit({"quarantine": to_arrow(quarantine_rows(5, "r2"), "quarantine")}, "r2")
    frame = store.read("quarantine")
    assert len(frame) == 5 and set(frame["run_id"]) == {"r2"}
    assert [p.name for p in (tmp_path / "quarantine").iterdir()] == ["part-0.parquet"]
    assert pq.read_schema(tmp_path / "quarantine" / "part-0.parquet").metadata is None


def test_absent_table_reads_as_empty_frame_with_columns(tmp_path):
    frame = Store(tmp_path).read("articles")
    assert frame.empty and "article_id" in frame.columns and "source_uris" in frame.columns


def test_parts_are_added_rewritten_and_removed_in_one_commit(tmp_path):
    store = Store(tmp_path)

    def part(table: str, name: str, frame: pd.DataFrame) -> Path:
        path = store.pending(table, name)
        pq.write_table(to_arrow(frame, table), path)
        return path

    raw = [pd.DataFrame({"doc_id": [f"{run}-d"], "run_id": run, "content": [b"bytes"]}) for run in ("r1", "r2")]
    store.commit({}, "r1", parts=[part("raw", "part-r1-00000.parquet", raw[0])])
    store.commit({}, "r2", parts=[part("raw", "part-r2-00000.parquet", raw[1])])
    assert sorted(store.read("raw")["doc_id"]) == ["r1-d", "r2-d"]
    assert [Path(p).name for p in store.parts("raw")] == ["part-r1-00000.parquet", "part-r2-00000.parquet"]

    store.commit({"quarantine": to_arrow(quarantine_rows(2, "r3"), "quarantine")}, "r3",
                 parts=[part("raw", "part-r1-00000.parquet", raw[1].assign(doc_id="r1-changed"))],
                 removed=[store.parts("raw")[1]])
    assert store.read("raw")["doc_id"].tolist() == ["r1-changed"] and len(store.read("quarantine")) == 2
    assert not list(tmp_path.glob("*/.*.pending"))


def test_interrupted_commit_is_finished_on_next_open(tmp_path):
    store = Store(tmp_path)
    store.commit({"quarantine": to_arrow(quarantine_rows(1, "r1"), "quarantine")}, "r1")
    # a run that died after writing its journal but before renaming: pending file and journal on disk
    pending = tmp_path / "quarantine" / ".part-0.parquet.pending"
    pq.write_table(to_arrow(quarantine_rows(4, "r2"), "quarantine"), pending)
    (tmp_path / JOURNAL).write_text(json.dumps({"run_id": "r2", "moves": [
        [str(pending), str(tmp_path / "quarantine" / "part-0.parquet")]]}))
    assert len(pd.read_parquet(tmp_path / "quarantine")) == 1  # readers never see the pending file
    with store.lock():
        pass
    assert len(store.read("quarantine")) == 4 and not (tmp_path / JOURNAL).exists()


def test_a_second_run_on_the_same_directory_is_refused(tmp_path):
    with Store(tmp_path).lock():
        with pytest.raises(RunLocked, match="in use by another crosswire run"):
            with Store(tmp_path).lock():
                pass
