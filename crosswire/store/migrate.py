"""`crosswire migrate DIR`: tables of an earlier crosswire (a folder of Parquet part files per table,
committed through a journal) made Delta tables in place.

A part whose schema is the contract's is registered as it is; any other (signatures, whose digests were
uint32, which Delta cannot hold; runs, without table_versions) is rewritten in the contract's types, and
the old part deleted once the new one is committed. Last, the latest runs row records every table's
version, so that the next run starts from the migrated tables.
"""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from crosswire.schema import TABLES
from crosswire.store import delta, files
from crosswire.store.tables import Store, to_arrow

JOURNAL = "_commit.json"  # an earlier crosswire's unfinished commit


def migrate(out: str) -> dict[str, int]:
    """Every table under `out` made a Delta table; returns the rows of each."""
    store = Store(out)
    with store.locked():
        if files.exists(files.join(store.root, JOURNAL)):
            raise RuntimeError(f"{store.root} holds an unfinished commit ({JOURNAL}): run the earlier crosswire "
                               "once more on it to finish that commit, then migrate")
        for table in TABLES:
            if not store.exists(table):
                migrate_table(store, table)
        record_versions(store)
    return {table: store.dataset(table).count_rows() for table in TABLES}


def migrate_table(store: Store, table: str) -> None:
    schema, where = TABLES[table], store.table_dir(table)
    parts = files.glob(files.join(where, "part-*.parquet"))
    delta.create(where, schema)
    added, replaced = [], []
    for part in parts:
        fs, path = files.split(part)
        if pq.read_schema(path, filesystem=fs).remove_metadata().equals(schema):
            added.append(part)
        else:
            converted = store.new_file(table, f"part-migrated-{files.name(part)}")
            files.write_table(to_arrow(files.read_table(part), table), converted)
            added.append(converted)
            replaced.append(part)
    if added:
        delta.commit_files(where, schema, added, [], "migration")
    for part in replaced:  # no Delta version lists it
        files.remove(part)


def record_versions(store: Store) -> None:
    """The latest runs row given every table's version (the runs table rewritten: a new version of it)."""
    runs = store.arrow("runs")
    if not runs.num_rows:
        return
    versions = {table: delta.open_table(store.table_dir(table)).version() for table in TABLES}
    versions["runs"] += 1
    frame = runs.to_pandas().sort_values("finished_at", kind="stable").reset_index(drop=True)
    frame.loc[frame.index[-1], "table_versions"] = json.dumps(versions, sort_keys=True)
    delta.overwrite(store.table_dir("runs"), to_arrow(frame, "runs"), "migration")
