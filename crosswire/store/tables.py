"""The output location: one Delta table per table (crosswire.store.delta), changed one run at a time.

Small tables (runs, quarantine, merges, ledger, line statistics) are replaced whole by each run. Large ones
(documents, raw, articles, mentions, quotes, signatures) grow by one data file per batch, and a run
rewrites only the files holding rows it changes, one file at a time, under new names (a Delta table's files
never change: earlier versions still read the old ones); so a run's memory follows its batches, not the
size of the tables.

A run commits each table it changed once, then appends its row to `runs`, last: that row records every
table's version. A reader pinned to those versions (crosswire.tables) sees one run's tables whole, never a
table of the next run beside one of the last. A run killed between its commits leaves tables past the
versions the last runs row records; the next run restores them before anything else (`recover`).

The writer lock stays, although Delta checks each commit against concurrent ones: that check is per
table, so it does not keep a run's tables consistent with each other, and two runs appending the same new
documents would both succeed. One run at a time is what makes a run's view of the tables its own.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from crosswire.schema import SORT_KEYS, TABLES
from crosswire.settings import DEFAULTS, StoreSettings
from crosswire.store import delta, files


class RunLocked(RuntimeError):
    pass


def to_arrow(frame: pd.DataFrame | pa.Table, table: str) -> pa.Table:
    """`frame` as `table`'s contract says, rows sorted by its keys. An Arrow table stays in Arrow, for
    staged files that only pass through (no pandas copy of large list or string columns)."""
    schema = TABLES[table]
    keys = [(k, "ascending", "at_start") for k in SORT_KEYS.get(table, [])]
    if isinstance(frame, pa.Table):
        if not frame.num_rows:  # an empty staged file may hold other types (pandas writes empty lists as doubles)
            return schema.empty_table()
        columns = [frame[field.name].cast(field.type) if field.name in frame.column_names
                   else pa.nulls(len(frame), field.type) for field in schema]
        arrow = pa.table(columns, schema=schema)
        return arrow.sort_by(keys) if keys else arrow
    frame = frame.reindex(columns=schema.names)
    if keys and len(frame):
        frame = frame.sort_values([k for k, _, _ in keys], kind="stable", na_position="first")
    # no pandas metadata: the files depend on the contract alone, not on the dtypes a run happened to hold
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False).replace_schema_metadata(None)


class OldLayout(RuntimeError):
    """The output location holds tables of an earlier crosswire (folders of part files, no Delta log)."""


class Store:
    """The tables under `root`: a local directory or an `s3://` URL (see crosswire.store.files)."""

    def __init__(self, root: str | Path, settings: StoreSettings = DEFAULTS.store):
        self.root, self.settings = files.location(root), settings

    def table_dir(self, table: str) -> str:
        return files.join(self.root, table)

    def exists(self, table: str) -> bool:
        return delta.is_table(self.table_dir(table))

    def parts(self, table: str, version: int | None = None) -> list[str]:
        """The data files of the table at `version` (the latest by default), as its Delta log lists them:
        a table's folder also holds files of earlier versions, until vacuum deletes them."""
        if not self.exists(table):
            return []
        return delta.file_uris(delta.open_table(self.table_dir(table), version))

    def read(self, table: str, columns: list[str] | None = None, version: int | None = None) -> pd.DataFrame:
        """The committed table as a DataFrame (empty, with the contract's columns, when absent)."""
        return self.arrow(table, columns, version).to_pandas()

    def arrow(self, table: str, columns: list[str] | None = None, version: int | None = None) -> pa.Table:
        """The committed table in Arrow, for list columns that pandas would make an object per row of; rows in
        the order of its keys (SORT_KEYS), which the order of its files does not give."""
        rows = self.dataset(table, version).to_table(columns=columns)
        keys = [(k, "ascending", "at_start") for k in SORT_KEYS.get(table, []) if k in rows.column_names]
        return rows.sort_by(keys) if keys and rows.num_rows else rows

    def dataset(self, table: str, version: int | None = None) -> ds.Dataset:
        """The committed table in its contract's types, for a reader that scans it a batch at a time."""
        return files.dataset(self.parts(table, version), TABLES[table])

    def versions(self, run_id: str | None = None) -> dict[str, int]:
        """Every table's version as the run `run_id` (the last run by default) committed it."""
        runs = self.read("runs", ["run_id", "finished_at", "table_versions"]).dropna(subset=["table_versions"])
        if run_id is not None:
            runs = runs[runs["run_id"] == run_id]
            if runs.empty:
                raise KeyError(f"no run {run_id!r} in {self.root}")
        if runs.empty:  # no run yet: the tables as created
            return {table: 0 for table in TABLES}
        return json.loads(runs.sort_values("finished_at")["table_versions"].iloc[-1])

    @contextmanager
    def locked(self):
        """Exclusive use of the output location; a second user is refused, not queued."""
        with (_file_lock if files.is_local(self.root) else _object_lock)(self.root):
            yield self

    @contextmanager
    def lock(self):
        """Exclusive use of the output location for one run, its tables created and recovered first."""
        with self.locked():
            self.refuse_old_layout()
            for table, schema in TABLES.items():
                delta.create(self.table_dir(table), schema)
            self.recover()
            yield self

    def refuse_old_layout(self) -> None:
        old = [t for t in TABLES if not self.exists(t) and files.glob(files.join(self.table_dir(t), "part-*.parquet"))]
        if old:
            raise OldLayout(f"{self.root} holds tables of an earlier crosswire ({', '.join(old)}: Parquet parts "
                            f"without a Delta log); convert them first with: crosswire migrate {self.root}")

    def new_file(self, table: str, name: str) -> str:
        """Where to write a data file of `table`: no reader sees it until a commit lists it."""
        files.makedirs(self.table_dir(table))
        return files.join(self.table_dir(table), name)

    def commit(self, run_id: str, row: pd.DataFrame, tables: dict[str, pa.Table] | None = None,
               added: dict[str, list[str]] | None = None, removed: dict[str, list[str]] | None = None) -> None:
        """One commit per changed table: `tables` replaced whole (unless unchanged), the data files `added`
        registered and the `removed` ones dropped; then the upkeep of the changed tables; last, the run's
        `row` appended to `runs` with every table's version."""
        added, removed, tables = added or {}, removed or {}, tables or {}
        changed = sorted(t for t in set(added) | set(removed) if added.get(t) or removed.get(t))
        for table in changed:
            delta.commit_files(self.table_dir(table), TABLES[table], added.get(table, []),
                               removed.get(table, []), run_id)
        for table, rows in tables.items():
            if not rows.equals(self.arrow(table)):
                delta.overwrite(self.table_dir(table), rows, run_id)
                changed.append(table)
        for table in [*changed, "runs"]:  # runs: a file per run, compacted before this run's row
            delta.maintain(self.table_dir(table), run_id, self.settings.compact_above_files,
                           self.settings.retention_hours)
        versions = {table: delta.open_table(self.table_dir(table)).version() for table in TABLES}
        versions["runs"] += 1  # the version this row's own commit makes
        row = row.assign(table_versions=json.dumps(versions, sort_keys=True))
        delta.overwrite(self.table_dir("runs"), to_arrow(row, "runs"), run_id, mode="append")

    def recover(self) -> None:
        """Every table back at the version the last runs row records: a run killed between its commits
        leaves none of them behind; and the half-written files of a run that died deleted."""
        for table, version in self.versions().items():
            delta.restore(self.table_dir(table), version, "recovery")
        for leftover in self.temporary_files():
            files.remove(leftover)

    def temporary_files(self) -> list[str]:
        """The hidden files a write leaves when it dies before its rename (crosswire.store.files.replacing):
        data files, staged batches (a resumed run writes them again), the report. An object store has none:
        an object appears whole or not at all."""
        if not files.is_local(self.root):
            return []
        return sorted(str(path) for path in Path(self.root).rglob(".*.tmp") if path.is_file())


@contextmanager
def _file_lock(root: str):
    """A kernel lock: released when the process ends, however it ends."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, ".lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(f"{root} is in use by another crosswire run; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _object_lock(root: str):
    """A lock object, created only if absent (a conditional PUT). A killed run leaves it behind, so the
    refusal says who holds it and how to release it."""
    lock = files.join(root, ".lock")
    holder = f"{socket.gethostname()} pid {os.getpid()} since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC"
    if not files.create_exclusive(holder, lock):
        raise RunLocked(f"{root} is in use by another crosswire run ({files.read_text(lock)}); try again when it "
                        f"ends, or delete {lock} if that run was killed")
    try:
        yield
    finally:
        files.remove(lock)
