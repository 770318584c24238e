"""A hash of every table under an output directory, to show that a change of code leaves the tables as they were.

Each table is read whole, the columns that say when and by which run a row was written are left out,
every row becomes one canonical JSON line, and the sorted lines are hashed: the figure does not depend
on the order of rows or part files, only on what the table holds.

    python benchmarks/table_hashes.py OUT_DIR [OTHER_OUT_DIR] [--ignore TABLE.COLUMN]

With two directories it also says which tables differ. `--ignore TABLE.COLUMN` leaves one more column
out (repeatable): `--ignore runs.parameters` compares runs whose settings were written in another shape. Two outputs are comparable when they were made
from the same input paths (document ids include the place a document was read from).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq

# Columns that say when or by which run a row was written: they differ between two runs of the same input.
RUN_COLUMNS = {
    "run_id", "updated_run_id", "flow_run_id", "ingested_at", "started_at", "finished_at", "checked_at", "seconds",
}
TABLES = ["documents", "raw", "articles", "mentions", "quotes", "quarantine", "runs", "signatures", "merges",
          "line_stats", "ledger"]


def table_hash(folder: Path, ignored: set[str] = frozenset()) -> tuple[int, str]:
    """(rows, sha256 of the sorted canonical rows) of the table stored in `folder`, without the `ignored` columns."""
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return 0, "absent"
    table = pq.ParquetDataset(parts).read()
    table = table.drop_columns([c for c in table.column_names if c in RUN_COLUMNS or c in ignored])
    rows = sorted(json.dumps(row, sort_keys=True, default=_plain) for row in table.to_pylist())
    digest = hashlib.sha256()
    for row in rows:
        digest.update(row.encode())
        digest.update(b"\n")
    return len(rows), digest.hexdigest()[:16]


def _plain(value):
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return str(value)


def hashes(out: Path, ignore: list[str]) -> dict[str, tuple[int, str]]:
    return {table: table_hash(out / table, {c.split(".", 1)[1] for c in ignore if c.startswith(f"{table}.")})
            for table in TABLES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outs", nargs="+", type=Path, metavar="OUT_DIR")
    parser.add_argument("--ignore", action="append", default=[], metavar="TABLE.COLUMN")
    args = parser.parse_args(argv)
    found = [hashes(out, args.ignore) for out in args.outs]
    print(f"{'table':12} " + " ".join(f"{str(out)[-38:]:>40}" for out in args.outs))
    for table in TABLES:
        cells = [f"{rows:>7} {digest:>16}" for rows, digest in (f[table] for f in found)]
        same = "" if len({f[table] for f in found}) == 1 else "  DIFFERS"
        print(f"{table:12} " + " ".join(f"{c:>40}" for c in cells) + same)
    return int(any(len({f[t] for f in found}) > 1 for t in TABLES))


if __name__ == "__main__":
    sys.exit(main())
