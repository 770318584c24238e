"""`crosswire sql`, `crosswire migrate` and `crosswire verify`: the tables of an output directory queried as one
run left them, converted from an earlier crosswire's layout, or checked whole and repaired."""

from __future__ import annotations

import sys

from crosswire.exits import EXIT_DAMAGED, EXIT_LOCKED, EXIT_USAGE


def sql(out: str, query: str | None, run_id: str | None) -> int:
    """Print `query`'s result over the views of crosswire.tables (without one: each table's rows)."""
    import duckdb

    import crosswire
    from crosswire.schema import TABLES

    try:
        connection = crosswire.tables(out, run_id)
    except KeyError as error:
        print(f"crosswire: {error.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    query = query or " UNION ALL ".join(f"SELECT '{t}' AS \"table\", count(*) AS \"rows\" FROM {t}" for t in TABLES)
    try:
        print(connection.sql(query))
    except duckdb.Error as error:
        print(f"crosswire: {error}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def migrate(out: str) -> int:
    from crosswire.store.migrate import migrate as convert

    for table, rows in convert(out).items():
        print(f"{table:<12} {rows:>10} rows")
    print(f"crosswire: {out} holds Delta tables now")
    return 0


def verify(out: str, repair: bool) -> int:
    """Print what is damaged in `out` (and, with `repair`, what was done about it); 0 when whole at the end."""
    from crosswire.store import RunLocked, Store
    from crosswire.store import verify as checks

    store = Store(out)
    if not store.exists("runs") and not checks.log_entries(store.table_dir("runs")):
        print(f"crosswire: {out} holds no crosswire tables", file=sys.stderr)
        return EXIT_USAGE
    try:
        with store.locked():
            problems = checks.check(store)
            print_problems(problems)
            if repair and problems:
                for line in checks.repair(store):
                    print(f"repaired     {line}")
                problems = checks.check(store)
                print_problems(problems, "left")
    except RunLocked as error:
        print(f"crosswire: {error}", file=sys.stderr)
        return EXIT_LOCKED
    if not problems:
        print(f"crosswire: {out} is whole: every table reads, at the versions of its last run, and they agree")
        return 0
    advice = "" if repair else f"; crosswire verify --repair {out} restores the last run that reads whole"
    print(f"crosswire: {out} is damaged ({len(problems)} problems){advice}", file=sys.stderr)
    return EXIT_DAMAGED


def print_problems(problems, label: str = "damaged") -> None:
    for problem in problems:
        print(f"{label:<12} {problem.table or 'tables'}: {problem.what}")
