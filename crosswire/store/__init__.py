"""Where the tables live and how they change: the output location, a run's staged batches, DuckDB over them.

- `files`: a location is a local path or any fsspec URL (S3 ...); every write appears whole.
- `tables`: `Store`, the committed tables under the output location, each a Delta table, changed one run at
  a time (`RunLocked` refuses a second).
- `delta`: the Delta Lake commits, restores and upkeep under `Store`.
- `staging`: the batches stages hand each other, Parquet files under `DIR/.staging/`, passed by location.
- `verify`: whether the tables are whole and agree with each other, and their repair (`crosswire verify`).
- `sql`: DuckDB over the tables' data files, for sums and joins that must not hold a table in memory.
"""

from crosswire.store import delta, files, sql, staging
from crosswire.store.tables import OldLayout, RunLocked, Store, to_arrow

__all__ = ["OldLayout", "RunLocked", "Store", "delta", "files", "sql", "staging", "to_arrow"]
