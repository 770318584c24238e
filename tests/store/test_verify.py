"""`crosswire verify [--repair]` on a real run of the sample, damaged as disks, killed writers and hands damage
an output folder: each damage found, repaired where it can be, and the tables then read with the right rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable, write_deltalake

from crosswire.cli import main
from crosswire.exits import EXIT_DAMAGED
from crosswire.schema import TABLES
from crosswire.store import Store, delta, to_arrow
from crosswire.store.verify import check
from tests.conftest import SAMPLE, crosswire


@pytest.fixture
def out(sample_run, tmp_path) -> Path:
    """A copy of the sample's run, to damage."""
    copy = tmp_path / "out"
    shutil.copytree(sample_run[0], copy)
    return copy


def rows(out: Path) -> dict[str, int]:
    store = Store(out)
    return {table: store.dataset(table).count_rows() for table in TABLES}


def part(out: Path, table: str) -> Path:
    return Path(Store(out).parts(table)[0])


def verify(capsys, out: Path, *options: str) -> tuple[int, str]:
    code = main(["verify", str(out), *options])
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def test_a_whole_run_is_whole(out, capsys):
    assert check(Store(out)) == []
    code, printed = verify(capsys, out)
    assert code == 0 and "is whole" in printed


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garble(path: Path) -> None:
    """4 KB of garbage inside the file, its size unchanged."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 - 2048
    data[middle:middle + 4096] = bytes(range(256)) * 16
    path.write_bytes(bytes(data))


def drop_last_log_entry(path: Path) -> None:
    log = sorted((path.parent / "_delta_log").glob("*.json"))
    log[-1].unlink()


DESTROYED = {  # damage to the only run's data: found, and repaired by going back to the tables as created
    "deleted": ("documents", Path.unlink, "is missing"),
    "truncated": ("articles", truncate, "bytes where the log says"),
    "garbage inside": ("articles", garble, "does not decode"),
    "missing log entry": ("documents", drop_last_log_entry, "behind version 1 that the last run recorded"),
}


@pytest.mark.parametrize("damage", DESTROYED)
def test_damage_to_a_runs_data_is_found_and_repaired_by_going_back_to_a_whole_version(out, capsys, damage):
    table, harm, said = DESTROYED[damage]
    harm(part(out, table))
    assert any(problem.table == table and said in problem.what for problem in check(Store(out)))
    code, printed = verify(capsys, out)
    assert code == EXIT_DAMAGED and said in printed and "--repair" in printed

    code, printed = verify(capsys, out, "--repair")
    assert code == 0 and "restored, as created, before any run left them" in printed, printed
    assert check(Store(out)) == [] and set(rows(out).values()) == {0}  # the ledger forgets: a run reads it all again


def test_a_repaired_folder_run_again_equals_the_undamaged_one(out, sample_run, capsys):
    from tests.integration.test_crash import assert_same_content

    part(out, "documents").unlink()
    assert verify(capsys, out, "--repair")[0] == 0
    done = crosswire("run", str(SAMPLE), "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    assert check(Store(out)) == []
    assert_same_content(out, sample_run[0])


def test_a_killed_writers_files_are_found_and_deleted(out, capsys):
    before = rows(out)
    shutil.copy(part(out, "documents"), out / "documents" / "part-killed.parquet")  # written, never committed
    (out / "articles" / ".part-killed.parquet.tmp").write_bytes(b"PAR1 half a file")
    found = {problem.what for problem in check(Store(out))}
    assert {f"stray file {name}: named by no version of the log"
            for name in ("part-killed.parquet", ".part-killed.parquet.tmp")} == found
    code, printed = verify(capsys, out, "--repair")
    assert code == 0 and "documents: deleted stray file part-killed.parquet" in printed
    assert not (out / "documents" / "part-killed.parquet").exists() and rows(out) == before


def test_a_run_killed_between_its_commits_is_found_and_undone(out, capsys):
    before = rows(out)
    documents = str(out / "documents")
    delta.commit_files(documents, TABLES["documents"], [], [str(part(out, "documents"))], "killed")  # runs row never came
    assert rows(out)["documents"] == 0
    assert [problem.what for problem in check(Store(out))] == [
        "version 2 is past version 1 that the last run recorded: a run was cut short between its commits"]
    code, printed = verify(capsys, out, "--repair")
    assert code == 0 and "documents to version 1" in printed
    assert rows(out) == before and check(Store(out)) == []


def test_a_lost_first_log_entry_is_written_again(out, capsys):
    before = rows(out)
    (out / "articles" / "_delta_log" / f"{0:020d}.json").unlink()
    assert [problem.what for problem in check(Store(out))] == ["not readable through its Delta log: log entry 0 is missing"]
    code, printed = verify(capsys, out, "--repair")
    assert code == 0 and "log entry 0 (the empty table) written again" in printed and "restored" not in printed
    assert rows(out) == before


def test_damage_to_a_later_run_goes_back_to_the_run_before_it(out, capsys):
    store = Store(out)
    first = store.versions()
    before = store.read("quarantine")
    later = pd.concat([before, before.assign(run_id="later", doc_id="another")], ignore_index=True)
    now = pd.Timestamp.now(tz="UTC")
    store.commit("later", pd.DataFrame([{"run_id": "later", "started_at": now, "finished_at": now, "outcome": "success",
                                         "ingested": 0}]), {"quarantine": to_arrow(later, "quarantine")})
    assert len(store.read("quarantine")) == 2 * len(before) and check(store) == []
    part(out, "quarantine").unlink()  # the later run's file
    code, printed = verify(capsys, out, "--repair")
    assert code == 0, printed
    assert store.versions() == first and store.read("quarantine").equals(before)
    assert DeltaTable(str(out / "runs")).to_pyarrow_table().num_rows == 1


def test_rows_that_disagree_across_tables_are_named(out):
    store = Store(out)
    documents = store.read("documents")
    stray = documents.iloc[[0]].assign(doc_id="made-up", status="ok", article_id="no-such-story", run_id="hand")
    path = store.new_file("documents", "part-made-up.parquet")
    pq.write_table(to_arrow(stray, "documents"), path)
    delta.commit_files(store.table_dir("documents"), TABLES["documents"], [path], [], "hand")
    store.commit("hand", pd.DataFrame([{"run_id": "hand", "started_at": pd.Timestamp.now(tz="UTC"),
                                        "finished_at": pd.Timestamp.now(tz="UTC"), "outcome": "failed"}]))
    found = [problem.what for problem in check(store)]
    assert found == ["1 ok documents in no story: made-up"]


def test_a_table_made_before_a_column_was_added_is_whole_and_gains_it_when_a_run_opens_it(out, capsys):
    runs = str(out / "runs")
    older = DeltaTable(runs).to_pyarrow_table().drop_columns(["error"])
    write_deltalake(runs, older, mode="overwrite", schema_mode="overwrite")
    assert verify(capsys, out)[0] == 0
    with Store(out).lock():
        assert "error" in pa.schema(DeltaTable(runs).schema().to_arrow()).names
    assert check(Store(out)) == []


def test_a_column_of_another_type_is_named(out):
    quarantine = str(out / "quarantine")
    older = DeltaTable(quarantine).to_pyarrow_table()
    older = older.set_column(older.schema.get_field_index("detail"), "detail", pa.array([1] * older.num_rows, pa.int64()))
    write_deltalake(quarantine, older, mode="overwrite", schema_mode="overwrite")
    assert "column detail: int64 where the contract says string" in [problem.what for problem in check(Store(out))]
