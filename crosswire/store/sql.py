"""DuckDB over the tables' data files, for sums and joins over whole tables that must not be held in memory:
DuckDB streams the files and spills its aggregations, joins and sorts to disk past a memory limit. The files
are those a Delta version lists (crosswire.store.tables), never a folder's `*.parquet`: a folder also holds
the files of earlier versions until vacuum deletes them."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from crosswire.schema import TABLES
from crosswire.settings import DEFAULTS
from crosswire.store import files
from crosswire.store.tables import Store


@contextmanager
def connection(memory_limit: str = DEFAULTS.runner.sql_memory_limit) -> Iterator[duckdb.DuckDBPyConnection]:
    with tempfile.TemporaryDirectory(prefix="crosswire-duckdb-") as spill:
        connection = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": spill})
        try:
            yield connection
        finally:
            connection.close()


def view(connection: duckdb.DuckDBPyConnection, name: str, paths: list[str], schema: pa.Schema) -> None:
    """Parquet files (local or any fsspec URL, possibly none) as the view `name`."""
    if not paths:
        relation = connection.from_arrow(schema.empty_table())
    elif all(files.is_local(p) for p in paths):  # DuckDB's own reader: half the memory of an Arrow scan
        relation = connection.read_parquet(paths, union_by_name=True)  # parts written before a column was added
    else:
        relation = connection.from_arrow(files.dataset(paths, schema))
    relation.create_view(name)


def committed(connection: duckdb.DuckDBPyConnection, store: Store, tables: list[str],
              versions: dict[str, int] | None = None) -> None:
    """Each of `tables` as `store` has it committed (at its version in `versions`, else the latest), as a
    view of the same name."""
    for table in tables:
        view(connection, table, store.parts(table, (versions or {}).get(table)), TABLES[table])


def pinned(out: str, run_id: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view per table, each as the run `run_id` (the last run by default) left
    it: all of one run, whatever runs commit meanwhile (see crosswire.tables)."""
    store = Store(out)
    connection = duckdb.connect()
    committed(connection, store, list(TABLES), store.versions(run_id))
    return connection
