"""The output directory: one folder of Parquet part files per table, committed atomically, one run at a time.

Small tables (runs, quarantine, merges, ledger, line statistics) are one file, rewritten by each run.
Large ones (documents, raw, articles, mentions, quotes, signatures) grow by one part file per batch,
and a run rewrites only the parts holding rows it changes, one part at a time: so a run's memory
follows its batches, not the size of the tables.

A commit first writes every new file under a hidden name (`.part-0.parquet.pending`, which no Parquet
reader picks up), records the renames and removals in `_commit.json`, then carries them out. A crash
before the journal leaves the old tables; a crash after it is finished by the next open. Either way
every file stays readable at every moment, because a rename replaces one file atomically.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from crosswire.schema import TABLES

JOURNAL = "_commit.json"
SORT_KEYS = {
    "documents": ["doc_id"], "articles": ["article_id"], "mentions": ["article_id", "start", "end", "kind"],
    "quotes": ["article_id", "start"], "quarantine": ["run_id", "stage", "doc_id", "reason"],
    "runs": ["started_at", "run_id"], "signatures": ["doc_id"], "merges": ["run_id", "article_id"],
    "raw": ["doc_id"], "line_stats": ["source", "line"],
}


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


def write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")


class Store:
    def __init__(self, root: str | Path):
        self.root = Path(root).expanduser().resolve()

    def table_dir(self, table: str) -> Path:
        return self.root / table

    def exists(self, table: str) -> bool:
        return any(self.table_dir(table).glob("*.parquet"))

    def read(self, table: str, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
        """The committed table as a DataFrame (empty, with the contract's columns, when absent)."""
        schema = TABLES[table]
        if not self.exists(table):
            return schema.empty_table().to_pandas()[columns or schema.names]
        return pq.read_table(self.table_dir(table), schema=schema, columns=columns, filters=filters).to_pandas()

    @contextmanager
    def lock(self):
        """Exclusive use of the output directory for one run; a second run is refused, not queued."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / ".lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise RunLocked(f"{self.root} is in use by another crosswire run; try again when it ends") from None
        try:
            self.recover()
            yield self
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def parts(self, table: str) -> list[Path]:
        return sorted(self.table_dir(table).glob("part-*.parquet"))

    def pending(self, table: str, part: str) -> Path:
        """Where to write the file that becomes `part` of `table` when committed."""
        path = self.table_dir(table) / f".{part}.pending"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def commit(self, tables: dict[str, pa.Table], run_id: str, parts: Iterable[Path] = (),
               removed: Iterable[Path] = ()) -> None:
        """All or none: replace each of `tables` by its new content, put the pending `parts` in place
        (new ones, or rewrites of existing ones), and remove the `removed` parts."""
        moves = []
        for name, table in tables.items():
            pending = self.pending(name, "part-0.parquet")
            write_parquet(table, pending)
            moves.append(pending)
        moves += list(parts)
        journal = self.root / JOURNAL
        tmp = journal.with_suffix(".tmp")
        tmp.write_text(json.dumps({
            "run_id": run_id,
            "moves": [[str(p), str(p.with_name(p.name[1:].removesuffix(".pending")))] for p in moves],
            "removals": [str(p) for p in removed],
        }))
        os.replace(tmp, journal)
        self.recover()

    def recover(self) -> None:
        """Finish a commit whose journal was written: every pending file is renamed into place, every
        removed part deleted."""
        journal = self.root / JOURNAL
        if journal.exists():
            done = json.loads(journal.read_text())
            for pending, final in done["moves"]:
                if os.path.exists(pending):
                    os.replace(pending, final)
            for path in done.get("removals", []):
                Path(path).unlink(missing_ok=True)
            journal.unlink()
        for stray in self.root.glob("*/.*.pending"):  # written by a run that died before its journal
            stray.unlink()
