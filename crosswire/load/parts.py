"""The data files a run adds to the tables and the committed files it replaces, all unseen by readers until
the commit lists them (see crosswire.store.tables)."""

from __future__ import annotations

import uuid
from collections import defaultdict

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crosswire.schema import TABLES
from crosswire.store import Store, files, to_arrow


class Parts:
    """The data files a run adds to the tables and the committed files it replaces, until the commit."""

    def __init__(self, store: Store, run_id: str):
        self.store, self.run_id = store, run_id
        # unique per attempt: a killed attempt's files stay on disk, and earlier versions may list them
        self.prefix = f"part-{run_id}-{uuid.uuid4().hex[:8]}"
        self.count = 0
        self.added: dict[str, list[str]] = defaultdict(list)
        self.removed: dict[str, list[str]] = defaultdict(list)

    def add(self, table: str, frame: pd.DataFrame | pa.Table) -> None:
        if len(frame):
            self.write(table, frame)

    def add_file(self, table: str, path: str) -> None:
        """A file already in the table's contract (types and row order), copied as it is."""
        files.copy(path, self.new_file(table))

    def replace_with_file(self, table: str, path: str) -> None:
        """The whole table replaced by a file in its contract, copied as it is, unless it holds the same rows
        (then the table keeps its version)."""
        if files.read_table(path).equals(self.store.arrow(table)):
            return
        self.removed[table] = self.store.parts(table)
        self.add_file(table, path)

    def write(self, table: str, frame: pd.DataFrame | pa.Table) -> None:
        files.write_table(to_arrow(frame, table), self.new_file(table))

    def new_file(self, table: str) -> str:
        self.count += 1
        self.added[table].append(self.store.new_file(table, f"{self.prefix}-{self.count:05d}.parquet"))
        return self.added[table][-1]

    def rewrite(self, table: str, key: str, keys, change) -> None:
        """Every committed file holding a row whose `key` is in `keys` replaced by a new file of
        `change(its rows)` (none when no row is left); one file in memory at a time."""
        keys = keys if isinstance(keys, pa.Array) else pa.array(list(keys), pa.string())
        for part in self.store.parts(table) if len(keys) else []:
            if pc.any(pc.is_in(files.read_table(part, columns=[key])[key], keys)).as_py():
                self.removed[table].append(part)
                self.add(table, change(files.read_table(part, schema=TABLES[table]).to_pandas()))

    def files(self, table: str) -> list[str]:
        """The table's data files as the commit will leave them."""
        gone = set(self.removed[table])
        return sorted([p for p in self.store.parts(table) if p not in gone] + self.added[table])

    def discard(self) -> None:
        """The files written for a commit that will not happen."""
        for paths in self.added.values():
            for path in paths:
                files.remove(path)
