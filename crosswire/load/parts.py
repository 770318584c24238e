"""The part files a run adds to the large tables and the existing parts it rewrites or removes, all pending
until the commit (see crosswire.store.tables)."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crosswire.schema import TABLES
from crosswire.store import Store, files, to_arrow, write_parquet


class Parts:
    """The part files a run adds to the large tables and the existing parts it rewrites or removes, all
    pending until the commit."""

    def __init__(self, store: Store, run_id: str):
        self.store, self.run_id = store, run_id
        self.written: list[str] = []
        self.removed: list[str] = []
        self.numbers: dict[str, int] = {}  # of the next part this run adds to each table
        self.changes: dict[str, dict[str, str | None]] = defaultdict(dict)  # part name -> pending file or None

    def add(self, table: str, frame: pd.DataFrame | pa.Table) -> None:
        if len(frame):
            self.write(table, self.next_part(table), frame)

    def add_file(self, table: str, path: str) -> None:
        """A file already in the table's contract (types and row order), copied as it is."""
        files.copy(path, self.pending(table, self.next_part(table)))

    def next_part(self, table: str) -> str:
        if table not in self.numbers:  # a resumed run numbers its parts after those it committed
            committed = files.join(self.store.table_dir(table), f"part-{self.run_id}-*.parquet")
            self.numbers[table] = len(files.glob(committed))
        self.numbers[table] += 1
        return f"part-{self.run_id}-{self.numbers[table] - 1:05d}.parquet"

    def write(self, table: str, part: str, frame: pd.DataFrame | pa.Table) -> None:
        write_parquet(to_arrow(frame, table), self.pending(table, part))

    def pending(self, table: str, part: str) -> str:
        """Where to write what becomes `part` of `table` at the commit."""
        self.written.append(self.store.pending(table, part))
        self.changes[table][part] = self.written[-1]
        return self.written[-1]

    def rewrite(self, table: str, key: str, keys, change) -> None:
        """Every existing part holding a row whose `key` is in `keys`, replaced by `change(part)`; one
        part in memory at a time."""
        keys = keys if isinstance(keys, pa.Array) else pa.array(list(keys), pa.string())
        for part in self.store.parts(table) if len(keys) else []:
            if pc.any(pc.is_in(files.read_table(part, columns=[key])[key], keys)).as_py():
                frame = change(files.read_table(part, schema=TABLES[table]).to_pandas())
                if len(frame):
                    self.write(table, files.name(part), frame)
                else:
                    self.removed.append(part)
                    self.changes[table][files.name(part)] = None

    def files(self, table: str) -> list[str]:
        """The table's part files as the commit will leave them, pending files in place of the parts they become."""
        parts = {files.name(p): p for p in self.store.parts(table)} | self.changes[table]
        return sorted(p for p in parts.values() if p is not None)
