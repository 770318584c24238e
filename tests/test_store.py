"""The output directory: atomic commits, crash recovery, one run at a time, readable by every reader."""

from __future__ import annotations

import json

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


def test_append_only_raw_table_gains_one_file_per_run(tmp_path):
    store = Store(tmp_path)
    for run in ("r1", "r2"):
        raw = pd.DataFrame({"doc_id": [run + "-d"], "run_id": run, "content": [b"bytes"]})
        store.commit({"raw": to_arrow(raw, "raw")}, run)
    assert len(store.read("raw")) == 2


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
