"""Where the tables live and how they change: the output location, a run's staged batches, DuckDB over them.

- `files`: a location is a local path or any fsspec URL (S3 ...); every write appears whole.
- `tables`: `Store`, the committed tables under the output location, changed only by an atomic commit,
  one run at a time (`RunLocked` refuses a second).
- `staging`: the batches stages hand each other, Parquet files under `DIR/.staging/`, passed by location.
- `sql`: DuckDB over Parquet files, for sums and joins that must not hold a table in memory.
"""

from crosswire.store import files, sql, staging
from crosswire.store.tables import JOURNAL, RunLocked, Store, to_arrow, write_parquet

__all__ = ["JOURNAL", "RunLocked", "Store", "files", "sql", "staging", "to_arrow", "write_parquet"]
