"""Delta Lake (delta-rs) under the Store: each table a Delta table, created with its contract's schema and
changed by one commit per run, tagged with the run's id.

crosswire writes the Parquet files itself, as its batches come, and then registers them in a single commit
(`commit_files`): delta-rs's own MERGE holds memory that grows with the table, not with the run. That
low-level commit checks almost nothing itself, so `commit_files` does: every added file's schema is the
contract's, every removed file is in the table, and the statistics are valid JSON (an invalid one is
committed, and then the table no longer loads).
"""

from __future__ import annotations

import json
import math
import os
import time

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, Schema, write_deltalake
from deltalake.transaction import AddAction, RemoveAction

from crosswire.store import files

# Commits that change no row: a version past a run's recorded one made only of these needs no restore.
MAINTENANCE = {"OPTIMIZE", "VACUUM START", "VACUUM END"}


def storage_options(where: str) -> dict[str, str] | None:
    """delta-rs's options for an object store. Credentials and the endpoint come from the environment,
    as for s3fs; plain-http endpoints (a local S3 server) must be allowed explicitly. crosswire holds its own
    lock for the whole run (crosswire.store.tables), so delta-rs need not check that a rename is safe."""
    if files.is_local(where):
        return None
    options = {"AWS_S3_ALLOW_UNSAFE_RENAME": "true", "aws_conditional_put": "etag"}
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if endpoint.startswith("http://"):
        options["AWS_ALLOW_HTTP"] = "true"
    return options


def is_table(where: str) -> bool:
    return DeltaTable.is_deltatable(where, storage_options=storage_options(where))


def open_table(where: str, version: int | None = None) -> DeltaTable:
    return DeltaTable(where, version=version, storage_options=storage_options(where))


def create(where: str, schema: pa.Schema) -> None:
    """An empty table with the contract's schema (types and not-null flags fixed), unless one is there; one
    that is there gains the columns added to the contract since it was made (null in its earlier rows)."""
    if not is_table(where):
        DeltaTable.create(where, schema, mode="ignore", storage_options=storage_options(where))
        return
    table = open_table(where)
    found = pa.schema(table.schema().to_arrow()).names
    added = [field for field in schema if field.name not in found]
    if added:
        table.alter.add_columns(list(Schema.from_arrow(pa.schema(added)).fields))


def tagged(run_id: str) -> CommitProperties:
    return CommitProperties(custom_metadata={"run_id": run_id})


def file_uris(table: DeltaTable) -> list[str]:
    """The table's data files at its version, as crosswire.store.files locations (no file:// for local ones)."""
    return sorted(uri.removeprefix("file://") for uri in table.file_uris())


def stats(metadata: pq.FileMetaData) -> str:
    """Delta statistics of a Parquet file, from its footer: row count, and per flat column the nulls and,
    where the footer holds them and JSON can say them, the least and greatest values."""
    mins, maxs, nulls = {}, {}, {}
    schema = metadata.schema.to_arrow_schema()
    for index in range(metadata.num_columns):
        name = metadata.schema.column(index).path
        if name not in schema.names:  # a list's element: Delta keeps statistics of top-level columns only
            continue
        kind = schema.field(name).type
        chunks = [metadata.row_group(g).column(index).statistics for g in range(metadata.num_row_groups)]
        if any(c is None or not c.has_null_count for c in chunks):
            continue
        nulls[name] = sum(c.null_count for c in chunks)
        bounded = [c for c in chunks if c.has_min_max]
        if bounded and len(bounded) == len(chunks) and (pa.types.is_string(kind) or pa.types.is_integer(kind)
                                                        or pa.types.is_floating(kind)):
            low, high = min(c.min for c in bounded), max(c.max for c in bounded)
            if all(not isinstance(v, float) or math.isfinite(v) for v in (low, high)):
                mins[name], maxs[name] = low, high
    return json.dumps({"numRecords": metadata.num_rows, "minValues": mins, "maxValues": maxs, "nullCount": nulls},
                      allow_nan=False)


def add_action(path: str, schema: pa.Schema, now_ms: int) -> AddAction:
    """The commit's entry of a new data file, once its schema is found to be the contract's."""
    fs, where = files.split(path)
    metadata = pq.read_metadata(where, filesystem=fs and _arrow_fs(fs))
    found = metadata.schema.to_arrow_schema().remove_metadata()
    if not found.equals(schema):
        raise ValueError(f"{path} does not hold the table's schema:\n{found}\nexpected\n{schema}")
    return AddAction(files.name(path), files.size(path), {}, now_ms, True, stats(metadata))


def _arrow_fs(fs):
    from pyarrow.fs import FSSpecHandler, PyFileSystem

    return PyFileSystem(FSSpecHandler(fs))


def commit_files(where: str, schema: pa.Schema, added: list[str], removed: list[str], run_id: str) -> int:
    """One commit of the table at `where`: the data files `added` (written into its folder) registered, the
    `removed` ones (of its current version) dropped. Returns the new version."""
    table = open_table(where)
    current = {files.name(uri): uri for uri in file_uris(table)}
    absent = [path for path in removed if files.name(path) not in current]
    if absent:
        raise ValueError(f"not in the table at {where}: {absent}")
    now_ms = int(time.time() * 1000)
    actions = [add_action(path, schema, now_ms) for path in added]
    actions += [RemoveAction(files.name(path), data_change=True, deletion_timestamp=now_ms, size=files.size(path))
                for path in removed]
    table.create_write_transaction(actions, mode="append", schema=schema, commit_properties=tagged(run_id))
    return open_table(where).version()


def overwrite(where: str, rows: pa.Table, run_id: str, mode: str = "overwrite") -> int:
    """The table at `where` replaced by `rows` (or `rows` appended), in one commit. Returns the new version."""
    write_deltalake(where, rows, mode=mode, commit_properties=tagged(run_id),
                    storage_options=storage_options(where))
    return open_table(where).version()


def changed_since(where: str, version: int) -> bool:
    """Whether the table at `where` holds other rows than at `version`: a commit since changed rows (not only
    maintenance), and its files are not those of `version` (a restore to it leaves the same files)."""
    table = open_table(where)
    if table.version() <= version:
        return False
    since = [entry for entry in table.history(table.version() - version) if entry["version"] > version]
    if all(entry["operation"] in MAINTENANCE for entry in since):
        return False
    return set(file_uris(table)) != set(file_uris(open_table(where, version)))


def restore(where: str, version: int, run_id: str, force: bool = False) -> bool:
    """The table at `where` back to `version`, unless it holds the same rows (see changed_since); `force`:
    also then, for a table whose files since are damaged. Returns whether it was restored."""
    if not (changed_since(where, version) or force and open_table(where).version() > version):
        return False
    open_table(where).restore(version, commit_properties=tagged(run_id))
    return True


def maintain(where: str, run_id: str, compact_above: int, retention_hours: int) -> None:
    """Many small files compacted into few; files no version within `retention_hours` reads deleted (time
    travel reaches back that far, and a reader slower than it may find a file gone)."""
    table = open_table(where)
    if len(table.file_uris()) > compact_above:
        table.optimize.compact(commit_properties=tagged(run_id))
    table = open_table(where)
    expired = {"retention_hours": retention_hours, "enforce_retention_duration": False}
    if table.vacuum(dry_run=True, **expired):  # vacuum commits even when it deletes nothing
        table.vacuum(dry_run=False, commit_properties=tagged(run_id), **expired)

