"""`crosswire sql` and `crosswire migrate`: the tables of an output directory queried as one run left them,
or converted from an earlier crosswire's layout."""

from __future__ import annotations

import sys


def sql(out: str, query: str | None, run_id: str | None) -> int:
    """Print `query`'s result over the views of crosswire.tables (without one: each table's rows)."""
    import duckdb

    import crosswire
    from crosswire.schema import TABLES

    try:
        connection = crosswire.tables(out, run_id)
    except KeyError as error:
        print(f"crosswire: {error.args[0]}", file=sys.stderr)
        return 2
    query = query or " UNION ALL ".join(f"SELECT '{t}' AS \"table\", count(*) AS \"rows\" FROM {t}" for t in TABLES)
    try:
        print(connection.sql(query))
    except duckdb.Error as error:
        print(f"crosswire: {error}", file=sys.stderr)
        return 2
    return 0


def migrate(out: str) -> int:
    from crosswire.store.migrate import migrate as convert

    for table, rows in convert(out).items():
        print(f"{table:<12} {rows:>10} rows")
    print(f"crosswire: {out} holds Delta tables now")
    return 0
