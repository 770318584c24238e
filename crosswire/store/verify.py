"""Whether an output location is whole, and putting back what can be put back (`crosswire verify [--repair]`).

Checked: every table reads through its Delta log; every data file its version lists is there, at the size the
log records, and decodes in the contract's types (schema.py); the tables are at the versions the last runs
row records (a table past them is a run cut short between its commits); no file in a table's folder is
named by no log (a killed writer's leftover); and the tables agree with each other (ids unique, every
ingested document a copy of a story or a quarantine row, every reference to an existing row).

Repair restores every table to the versions of the last run whose tables all read whole (the tables as
created when there is none), so the ledger forgets what it lost with them and the next run of the same
sources reads it again; then it deletes the files no log names.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake.exceptions import DeltaError

from crosswire.schema import TABLES
from crosswire.store import delta, files, sql
from crosswire.store.tables import Store

LOG_ENTRY = re.compile(r"(\d{20})\.json$")
UNREADABLE, STRAY = "not readable through its Delta log", "stray file"
DAMAGED_LOG = "_delta_log_damaged"  # where repair moves the log entries past a gap (a leading "_": no reader looks)

# Each invariant: the rows (their ids) that break it, over the tables' latest versions.
INVARIANTS = {
    "documents listed more than once": "SELECT doc_id FROM documents GROUP BY doc_id HAVING count(*) > 1",
    "stories listed more than once": "SELECT article_id FROM articles GROUP BY article_id HAVING count(*) > 1",
    "ok documents in no story": "SELECT doc_id FROM documents d WHERE status = 'ok' AND NOT EXISTS "
                                "(SELECT 1 FROM articles a WHERE a.article_id = d.article_id)",
    "quarantined documents with no quarantine row": "SELECT doc_id FROM documents d WHERE status <> 'ok' AND NOT "
                                                    "EXISTS (SELECT 1 FROM quarantine q WHERE q.doc_id = d.doc_id)",
    "stories whose n_copies is not their ok documents": (
        "SELECT article_id FROM articles a LEFT JOIN (SELECT article_id, count(*) AS n FROM documents "
        "WHERE status = 'ok' GROUP BY article_id) d USING (article_id) WHERE a.n_copies IS DISTINCT FROM d.n"),
    "stories whose canonical document is not in documents": "SELECT article_id FROM articles a WHERE NOT EXISTS "
                                                            "(SELECT 1 FROM documents d WHERE d.doc_id = a.canonical_doc_id)",
    "mentions of no story": "SELECT DISTINCT article_id FROM mentions ANTI JOIN articles USING (article_id)",
    "quotes of no story": "SELECT DISTINCT article_id FROM quotes ANTI JOIN articles USING (article_id)",
    "ledger places pointing at no document": "SELECT source_uri FROM ledger l WHERE doc_id IS NOT NULL AND NOT EXISTS "
                                             "(SELECT 1 FROM documents d WHERE d.doc_id = l.doc_id)",
    "runs whose ingested count is not their documents": (
        "SELECT run_id FROM runs r LEFT JOIN (SELECT run_id, count(*) AS n FROM documents GROUP BY run_id) d "
        "USING (run_id) WHERE r.outcome = 'success' AND r.ingested <> coalesce(d.n, 0)"),
}


@dataclass(frozen=True)
class Problem:
    table: str
    what: str


def check(store: Store) -> list[Problem]:
    """Everything found wrong with the tables under `store`, table by table, then across tables."""
    problems = [problem for table in TABLES for problem in table_problems(store, table)]
    if "runs" not in {problem.table for problem in problems if not problem.what.startswith(STRAY)}:
        recorded = store.versions()  # as the last runs row records them
        unreadable = {problem.table for problem in problems if problem.what.startswith(UNREADABLE)}
        problems += [problem for table in TABLES if table not in unreadable
                     for problem in version_problems(store, table, recorded.get(table, 0))]
    if not problems:  # the cross-table checks need every table whole
        problems += [Problem("", what) for what in broken_invariants(store)]
    return problems


def table_problems(store: Store, table: str) -> list[Problem]:
    where = store.table_dir(table)
    gap = log_gap(where)
    if gap is not None:
        return [Problem(table, f"{UNREADABLE}: log entry {gap} is missing")]
    try:
        current = delta.open_table(where)
    except DeltaError as error:
        return [Problem(table, f"{UNREADABLE}: {str(error).splitlines()[0][:200]}")]
    problems = [Problem(table, what) for what in schema_problems(current, TABLES[table])]
    problems += [Problem(table, what) for what in file_problems(current, where, TABLES[table])]
    problems += [Problem(table, f"{STRAY} {name}: named by no version of the log")
                 for name in stray_files(current, where)]
    return problems


def version_problems(store: Store, table: str, recorded: int) -> list[Problem]:
    """A table behind the version the last runs row records (its log lost entries), or past it with other
    rows (a run cut short between its commits). The runs table is at its last row's version by reading it."""
    where = store.table_dir(table)
    version = delta.open_table(where).version()
    if table != "runs" and version < recorded:
        return [Problem(table, f"at version {version}, behind version {recorded} that the last run recorded")]
    if table != "runs" and delta.changed_since(where, recorded):
        return [Problem(table, f"version {version} is past version {recorded} that the last run recorded: "
                               "a run was cut short between its commits")]
    return []


def log_gap(where: str) -> int | None:
    """The first log entry missing before the table's latest one (delta-rs then refuses the table), if any."""
    found, saved = log_entries(where), checkpoints(where)
    start = max(saved, default=0)
    expected = range(start, found[-1] + 1) if found else range(0)
    return next((v for v in expected if v not in found and v not in saved), None)


def schema_problems(table, contract: pa.Schema) -> list[str]:
    """Columns of another type than the contract's. A column the contract added since the table was made is
    missing until a run opens the table and adds it (crosswire.store.delta.create): not damage."""
    found = pa.schema(table.schema().to_arrow())
    return [f"column {field.name}: {found.field(field.name).type} where the contract says {field.type}"
            for field in contract if field.name in found.names and not same_type(found.field(field.name).type, field.type)]


def same_type(found: pa.DataType, contract: pa.DataType) -> bool:
    """Equal but for what Delta does not keep: Arrow's large variants (binary is binary) and the name of a
    list's items."""
    def plain(kind: pa.DataType) -> str:
        return str(kind).replace("large_", "").replace("<element: ", "<item: ")
    return plain(found) == plain(contract)


def file_problems(table, where: str, contract: pa.Schema) -> list[str]:
    """Each data file of the table's version that is absent, of another size than the log says, or that
    does not decode in the contract's types."""
    problems = []
    actions = pa.table(table.get_add_actions(flatten=True)).select(["path", "size_bytes"]).to_pylist()
    for action in actions:
        path, name = files.join(where, unquote(action["path"])), action["path"]
        if not files.exists(path):
            problems.append(f"data file {name} is missing")
        elif (size := files.size(path)) != action["size_bytes"]:
            problems.append(f"data file {name} holds {size} bytes where the log says {action['size_bytes']}")
        elif why := undecodable(path, contract):
            problems.append(f"data file {name} does not decode: {why}")
    return problems


def undecodable(path: str, contract: pa.Schema) -> str | None:
    """Why the Parquet file at `path` cannot be read whole in the contract's types, or None."""
    fs, where = files.split(path)
    try:
        with (fs.open(where, "rb") if fs else open(where, "rb")) as handle:
            parquet = pq.ParquetFile(handle)
            for field in parquet.schema_arrow:
                if field.name not in contract.names or contract.field(field.name).type != field.type:
                    return f"column {field.name} of type {field.type} is not the contract's"
            for _ in parquet.iter_batches():
                pass
    except (OSError, pa.ArrowException) as error:
        return str(error).splitlines()[0][:200]
    return None


def stray_files(table, where: str) -> list[str]:
    """Files of the table's folder that no version of its log names (delta-rs's own listing, every version
    kept), and hidden temporary files: what a killed writer leaves."""
    every_version = list(range(oldest_version(where), table.version() + 1))
    orphans = table.vacuum(dry_run=True, full=True, retention_hours=0, enforce_retention_duration=False,
                           keep_versions=every_version)
    hidden = [files.name(p) for p in files.glob(files.join(where, ".*.tmp"))]
    return sorted([files.name(unquote(p)) for p in orphans] + hidden)


def log_entries(where: str) -> list[int]:
    """The versions of the commit entries in the table's log folder, in order."""
    return sorted(int(m.group(1)) for path in files.glob(files.join(where, "_delta_log", "*.json"))
                  if (m := LOG_ENTRY.search(path)))


def checkpoints(where: str) -> list[int]:
    """The versions Delta saved whole in checkpoints: the log before them may have been cleaned up."""
    return [int(files.name(path).split(".")[0]) for path in files.glob(files.join(where, "_delta_log", "*.checkpoint*"))]


def oldest_version(where: str) -> int:
    return min(log_entries(where) + checkpoints(where), default=0)


def broken_invariants(store: Store) -> list[str]:
    found = []
    with sql.connection() as connection:
        sql.committed(connection, store, list(TABLES))
        for what, query in INVARIANTS.items():
            ids = [row[0] for row in connection.sql(query).fetchall()]
            if ids:
                found.append(f"{len(ids)} {what}: {', '.join(map(str, ids[:3]))}{' ...' if len(ids) > 3 else ''}")
    return found


def repair(store: Store) -> list[str]:
    """Put back what can be: logs made readable, every table at the versions of the last run whose tables
    read whole, the files no log names deleted. Returns what was done, a line each."""
    done = []
    for table in TABLES:
        done += mend_log(store.table_dir(table), TABLES[table])
    target, run_id = last_whole_versions(store)
    restored = []
    for table, version in target.items():
        where = store.table_dir(table)
        damaged = not whole(store, table, None)  # else a restore only when the rows differ, as in recovery
        if delta.open_table(where).version() != version and delta.restore(where, version, "repair", force=damaged):
            restored.append(f"{table} to version {version}")
    if restored:
        done.append(f"restored, as {f'run {run_id}' if run_id else 'created, before any run'} left them: "
                    f"{', '.join(restored)}")
    for table in TABLES:
        where = store.table_dir(table)
        for name in stray_files(delta.open_table(where), where):
            files.remove(files.join(where, name))
            done.append(f"{table}: deleted stray file {name}")
    return done


def mend_log(where: str, schema: pa.Schema) -> list[str]:
    """A table's log made readable: a lost first entry (the empty table crosswire creates) written again; the
    entries past any other gap moved aside to DAMAGED_LOG, so the table reads at the version before it."""
    gap = log_gap(where)
    if gap is None:
        return []
    if gap == 0:
        with tempfile.TemporaryDirectory() as empty:
            delta.create(empty, schema)
            files.copy(files.join(empty, "_delta_log", f"{0:020d}.json"), files.join(where, "_delta_log", f"{0:020d}.json"))
        return [f"{files.name(where)}: log entry 0 (the empty table) written again"] + mend_log(where, schema)
    files.makedirs(files.join(where, DAMAGED_LOG))
    moved = [p for p in files.glob(files.join(where, "_delta_log", "*.json"))
             if (m := LOG_ENTRY.search(p)) and int(m.group(1)) > gap]
    for path in moved:
        files.move(path, files.join(where, DAMAGED_LOG, files.name(path)))
    return [f"{files.name(where)}: log entry {gap} missing; {len(moved)} later entries moved to {DAMAGED_LOG}/"]


def last_whole_versions(store: Store) -> tuple[dict[str, int], str | None]:
    """The versions of the last run whose tables all read whole and are not past the tables' own versions, and
    that run's id; else every table as created (version 0)."""
    current = {table: delta.open_table(store.table_dir(table)).version() for table in TABLES}
    readable = next(v for v in range(current["runs"], -1, -1) if whole(store, "runs", v))
    runs = store.read("runs", ["run_id", "finished_at", "table_versions"], readable).dropna(subset=["table_versions"])
    for _, run in runs.sort_values("finished_at", ascending=False).iterrows():
        versions = json.loads(run["table_versions"])
        if all(versions.get(t, 0) <= current[t] and whole(store, t, versions.get(t, 0)) for t in TABLES):
            return {t: versions.get(t, 0) for t in TABLES}, run["run_id"]
    return {table: 0 for table in TABLES}, None


def whole(store: Store, table: str, version: int | None) -> bool:
    where = store.table_dir(table)
    return not file_problems(delta.open_table(where, version), where, TABLES[table])
