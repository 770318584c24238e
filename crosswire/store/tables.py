"""The output location: one folder of Parquet part files per table, committed atomically, one run at a time.

Small tables (runs, quarantine, merges, ledger, line statistics) are one file, rewritten by each run.
Large ones (documents, raw, articles, mentions, quotes, signatures) grow by one part file per batch,
and a run rewrites only the parts holding rows it changes, one part at a time: so a run's memory
follows its batches, not the size of the tables.

A commit first writes every new file under a hidden name (`.part-0.parquet.pending`, which no Parquet
reader picks up), records the renames and removals in `_commit.json`, then carries them out. A crash
before the journal leaves the old tables; a crash after it is finished by the next open. Either way
every file stays readable at every moment, because a rename replaces one file atomically.

In an object store (an `s3://` location) a move is a copy and a delete: a reader during a commit may
see some tables of the new run beside others of the last, but never half a file, and a crash is still
finished by the next run.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from crosswire.schema import SORT_KEYS, TABLES
from crosswire.store import files

JOURNAL = "_commit.json"


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


def write_parquet(table: pa.Table, path: str) -> None:
    files.write_table(table, path)


class Store:
    """The tables under `root`: a local directory or any fsspec URL (see crosswire.store.files)."""

    def __init__(self, root: str | Path):
        self.root = files.location(root)

    def table_dir(self, table: str) -> str:
        return files.join(self.root, table)

    def exists(self, table: str) -> bool:
        return bool(files.glob(files.join(self.table_dir(table), "*.parquet")))

    def read(self, table: str, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
        """The committed table as a DataFrame (empty, with the contract's columns, when absent)."""
        return self.arrow(table, columns, filters).to_pandas()

    def arrow(self, table: str, columns: list[str] | None = None, filters=None) -> pa.Table:
        """The committed table in Arrow, for list columns that pandas would make an object per row of."""
        schema = TABLES[table]
        if not self.exists(table):
            return schema.empty_table().select(columns or schema.names)
        return files.read_table(self.table_dir(table), schema=schema, columns=columns, filters=filters)

    def dataset(self, table: str) -> ds.Dataset:
        """The committed table, for a reader that scans it a batch at a time."""
        return files.dataset(self.parts(table), TABLES[table])

    @contextmanager
    def lock(self):
        """Exclusive use of the output location for one run; a second run is refused, not queued."""
        with (_file_lock if files.is_local(self.root) else _object_lock)(self.root):
            self.recover()
            yield self

    def parts(self, table: str) -> list[str]:
        return files.glob(files.join(self.table_dir(table), "part-*.parquet"))

    def pending(self, table: str, part: str) -> str:
        """Where to write the file that becomes `part` of `table` when committed."""
        files.makedirs(self.table_dir(table))
        return files.join(self.table_dir(table), f".{part}.pending")

    def commit(self, tables: dict[str, pa.Table], run_id: str, parts: Iterable[str] = (),
               removed: Iterable[str] = ()) -> None:
        """All or none: replace each of `tables` by its new content, put the pending `parts` in place
        (new ones, or rewrites of existing ones), and remove the `removed` parts."""
        moves = []
        for name, table in tables.items():
            pending = self.pending(name, "part-0.parquet")
            write_parquet(table, pending)
            moves.append(pending)
        moves += [str(p) for p in parts]
        files.write_text(json.dumps({
            "run_id": run_id,
            "moves": [[p, final_name(p)] for p in moves],
            "removals": [str(p) for p in removed],
        }), files.join(self.root, JOURNAL))
        self.recover()

    def recover(self) -> None:
        """Finish a commit whose journal was written: every pending file is moved into place, every
        removed part deleted."""
        journal = files.join(self.root, JOURNAL)
        if files.exists(journal):
            done = json.loads(files.read_text(journal))
            for pending, final in done["moves"]:
                if files.exists(pending):  # a move the crash interrupted is done again
                    files.move(pending, final)
            for path in done.get("removals", []):
                files.remove(path)
            files.remove(journal)
        for stray in files.glob(files.join(self.root, "*", ".*.pending")):  # from a run that died before its journal
            files.remove(stray)


def final_name(pending: str) -> str:
    folder, name = pending.rsplit("/", 1)
    return f"{folder}/{name[1:].removesuffix('.pending')}"


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
