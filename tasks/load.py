"""Load: add this run's staged batches to the committed tables and commit them all at once.

Tables hold every run's results. A run adds its new documents, rewrites the stories it touched
(with their mentions and quotes), and leaves every other row as it was; the same input run twice
gives the same tables. Batches are read and written one at a time (see crosswire.store).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from prefect import task

from crosswire.store import files, sql
from crosswire.schema import ARTICLES, DOCUMENTS, TABLES
from crosswire.store.staging import read_batch, read_batches
from crosswire.store import Store, to_arrow, write_parquet
from expectations.runner import validate

DOC_COLUMNS = ["doc_id", "source_uri", "source", "content_type", "raw_sha256", "encoding", "ingested_at", "run_id",
               "status", "reason", "detail", "stage", "title", "published_at", "author", "site_name", "url", "language",
               "text", "word_count", "junk_ratio", "previous_doc_id"]


@dataclass
class RunOutputs:
    """Paths of a run's staged batches, as the flow collected them."""

    clean: list[str]  # documents after clean (every ingested item, any status)
    ingest: list[str]  # for the raw bytes
    assignments: str | None
    merges: str | None
    signatures: list[str]  # this run's parts of the signatures table
    articles: list[str]  # after extract and its validation
    mentions: list[str]
    quotes: list[str]
    line_stats: str | None = None  # the sources' line statistics, this run's batches added
    ledger: str | None = None  # what every place held when last read, this run's reads added


def apply_article_quarantine(docs: pd.DataFrame, failed: pd.DataFrame) -> pd.DataFrame:
    """Documents of stories that failed extract validation go to quarantine with the story's reason
    (`failed`: those stories, indexed by article_id)."""
    hit = docs["article_id"].isin(failed.index)
    docs = docs.copy()
    for column in ("reason", "detail", "stage"):
        docs.loc[hit, column] = docs.loc[hit, "article_id"].map(failed[column])
    docs.loc[hit, "status"] = "quarantined"
    return docs


def member(values: pd.Series, of: pd.Index) -> np.ndarray:
    """values.isin(of) through the hash table `of` keeps (its values unique): Series.isin hashes all of
    `of` again at every call, which, once per batch against the whole run, grows with the square of it."""
    return of.get_indexer(values) >= 0


def place(docs: pd.DataFrame, assignments: pd.DataFrame, failed: pd.DataFrame) -> pd.DataFrame:
    """Documents with their story (from dedupe's `assignments`, indexed by doc_id) and the quarantine of
    stories that failed; a quarantined document belongs to no story."""
    docs = docs.copy()
    hit = member(docs["doc_id"], assignments.index)
    for column in ("article_id", "is_canonical", "similarity"):
        docs[column] = docs[column].astype(object)
        docs.loc[hit, column] = docs.loc[hit, "doc_id"].map(assignments[column]).astype(object)
    docs = apply_article_quarantine(docs, failed)
    docs.loc[docs["status"] == "quarantined", ["article_id", "is_canonical", "similarity"]] = None
    return docs


# One row per document listed in the documents table or expected there (listed before the run, or ingested
# by it): how often it is listed, whether it was expected, and whether it is accounted for: an "ok" copy of a
# published story that counts it among its n_copies, or a document named in quarantine that is in no story.
ACCOUNTING = """
WITH listed AS (SELECT doc_id, count(*) AS listed, any_value(status) AS status, any_value(article_id) AS article_id
                FROM documents GROUP BY doc_id),
     expected AS (SELECT doc_id FROM before UNION SELECT doc_id FROM ingested),
     copies AS (SELECT article_id, count(*) AS copies FROM documents WHERE status = 'ok' GROUP BY article_id),
     claimed AS (SELECT article_id, first(n_copies) AS n_copies FROM articles GROUP BY article_id),
     named AS (SELECT DISTINCT doc_id FROM quarantine)
SELECT doc_id, l.status, coalesce(l.listed, 0) AS listed, e.doc_id IS NOT NULL AS expected,
       coalesce(CASE WHEN l.status = 'ok' THEN c.copies = a.n_copies
                     ELSE named.doc_id IS NOT NULL AND l.article_id IS NULL END, false) AS accounted
FROM listed l FULL JOIN expected e USING (doc_id)
LEFT JOIN copies c ON c.article_id = l.article_id
LEFT JOIN claimed a ON a.article_id = l.article_id
LEFT JOIN named ON named.doc_id = l.doc_id
"""  # no ORDER BY: with it, DuckDB ran out of its 128 MB at 3 million documents; without, it streams the rows
ACCOUNTING_ROWS = 20_000  # rows per GX validation of the accounting
INGESTED = pa.schema([pa.field("doc_id", pa.string())])


def accounting(documents: list[str], articles: list[str], before: list[str], ingested: list[str],
               quarantine: pd.DataFrame, rows: int = ACCOUNTING_ROWS) -> Iterator[pd.DataFrame]:
    """The row accounting (see ACCOUNTING) of the documents and articles part files as they will be, against
    the documents parts committed `before` the run and its `ingested` batches; `rows` or a few more at a time. Then the
    stories' copies and the quarantine rows add up to the documents ingested. DuckDB joins the files, so
    that no table is held whole."""
    with sql.connection() as connection:
        for name, paths, schema in (("documents", documents, DOCUMENTS), ("articles", articles, ARTICLES),
                                    ("before", before, DOCUMENTS), ("ingested", ingested, INGESTED)):
            sql.view(connection, name, paths, schema)
        connection.register("quarantine", pa.table({"doc_id": pa.array(quarantine["doc_id"], pa.string())}))
        held, count = [], 0  # DuckDB hands over batches of any size up to `rows`: gathered to `rows` or more
        for batch in connection.sql(ACCOUNTING).to_arrow_reader(rows):
            held.append(batch)
            count += batch.num_rows
            if count >= rows:
                yield pa.Table.from_batches(held).to_pandas()
                held, count = [], 0
        if held:
            yield pa.Table.from_batches(held).to_pandas()


def article_counts(after: list[str], before: list[str]) -> tuple[int, int]:
    """(stories in the articles part files `after` the run, those of them not in the files `before` it)."""
    with sql.connection() as connection:
        sql.view(connection, "after", after, ARTICLES)
        sql.view(connection, "before", before, ARTICLES)
        return connection.sql("SELECT count(*), count(*) FILTER (WHERE b.article_id IS NULL) FROM after "
                              "LEFT JOIN (SELECT DISTINCT article_id FROM before) b USING (article_id)").fetchall()[0]


def listed(store: Store, doc_ids: pa.ChunkedArray) -> pd.Index:
    """Those of `doc_ids` the documents table lists: a DuckDB semi-join, so that the table's ids, one per
    document ever ingested, are never all held."""
    with sql.connection() as connection:
        sql.committed(connection, store, ["documents"])
        connection.register("wanted", pa.table({"doc_id": doc_ids}))
        found = connection.sql("SELECT DISTINCT doc_id FROM documents SEMI JOIN wanted USING (doc_id)").to_arrow_table()
    return pd.Index(found["doc_id"].to_pandas())


class Parts:
    """The part files a run adds to the large tables and the existing parts it rewrites or removes, all
    pending until the commit."""

    def __init__(self, store: Store, run_id: str):
        self.store, self.run_id = store, run_id
        self.written: list[str] = []
        self.removed: list[str] = []
        self.numbers: dict[str, int] = {}  # of the next part this run adds to each table
        self.changes: dict[str, dict[str, str | None]] = defaultdict(dict)  # part name -> pending file or None

    def add(self, table: str, frame: pd.DataFrame | pa.Table) -> None:
        if len(frame):
            self.write(table, self.next_part(table), frame)

    def add_file(self, table: str, path: str) -> None:
        """A file already in the table's contract (types and row order), copied as it is."""
        files.copy(path, self.pending(table, self.next_part(table)))

    def next_part(self, table: str) -> str:
        if table not in self.numbers:  # a resumed run numbers its parts after those it committed
            committed = files.join(self.store.table_dir(table), f"part-{self.run_id}-*.parquet")
            self.numbers[table] = len(files.glob(committed))
        self.numbers[table] += 1
        return f"part-{self.run_id}-{self.numbers[table] - 1:05d}.parquet"

    def write(self, table: str, part: str, frame: pd.DataFrame | pa.Table) -> None:
        write_parquet(to_arrow(frame, table), self.pending(table, part))

    def pending(self, table: str, part: str) -> str:
        """Where to write what becomes `part` of `table` at the commit."""
        self.written.append(self.store.pending(table, part))
        self.changes[table][part] = self.written[-1]
        return self.written[-1]

    def rewrite(self, table: str, key: str, keys, change) -> None:
        """Every existing part holding a row whose `key` is in `keys`, replaced by `change(part)`; one
        part in memory at a time."""
        keys = keys if isinstance(keys, pa.Array) else pa.array(list(keys), pa.string())
        for part in self.store.parts(table) if len(keys) else []:
            if pc.any(pc.is_in(files.read_table(part, columns=[key])[key], keys)).as_py():
                frame = change(files.read_table(part, schema=TABLES[table]).to_pandas())
                if len(frame):
                    self.write(table, files.name(part), frame)
                else:
                    self.removed.append(part)
                    self.changes[table][files.name(part)] = None

    def files(self, table: str) -> list[str]:
        """The table's part files as the commit will leave them, pending files in place of the parts they become."""
        parts = {files.name(p): p for p in self.store.parts(table)} | self.changes[table]
        return sorted(p for p in parts.values() if p is not None)


@dataclass
class Loaded:
    """What a run adds and changes, ready to commit: the small tables whole, the large ones as parts."""

    parts: Parts
    tables: dict[str, pd.DataFrame | pa.Table]  # the other tables, whole
    counts: dict  # this run's documents, quarantined ones and their reasons, mentions and quotes kept


def failed_stories(paths: list[str]) -> pd.DataFrame:
    """The staged stories that failed extract validation, by article_id, with their reason, detail and stage."""
    columns = ["article_id", "status", "reason", "detail", "stage"]
    frames = [stories[stories["status"] == "quarantined"] for stories in (read_batch(p, columns) for p in paths)]
    return pd.concat(frames or [pd.DataFrame(columns=columns)], ignore_index=True).set_index("article_id")


def load_run(store: Store, run: dict, outputs: RunOutputs) -> Loaded:
    """Stream the run's staged batches into part files, a batch at a time, and rewrite the existing parts
    that hold rows the run changes (documents that joined a story, stories replaced)."""
    parts = Parts(store, run["run_id"])
    assignments = read_batches([outputs.assignments] if outputs.assignments else [],
                               ["doc_id", "article_id", "is_canonical", "similarity"]).set_index("doc_id")
    staged = [*outputs.clean, *([outputs.assignments] if outputs.assignments else [])]
    run_ids = [files.read_table(p, columns=["doc_id"])["doc_id"] for p in staged]
    known = listed(store, pa.chunked_array([c.cast(pa.string()) for ids in run_ids for c in ids.chunks], pa.string()))
    merges = read_batches([outputs.merges] if outputs.merges else [], ["article_id", "merged_into", "run_id"])
    failed = failed_stories(outputs.articles)
    replaced = pa.array(pd.concat([assignments["article_id"], merges["article_id"]]).unique(), pa.string())
    in_quarantine = set(store.read("quarantine", ["doc_id"])["doc_id"])

    newly_quarantined, ingested, reasons = [], 0, Counter()
    for path in outputs.clean:
        docs = read_batch(path).reindex(columns=DOC_COLUMNS)
        docs = place(docs[~member(docs["doc_id"], known)].assign(article_id=None, is_canonical=None, similarity=None),
                     assignments, failed)
        parts.add("documents", docs)
        newly_quarantined.append(docs[(docs["status"] == "quarantined") & docs["stage"].notna()])
        ingested += len(docs)  # counts, not the documents: a run's accounting holds nothing per document
        reasons.update(docs.loc[docs["status"] == "quarantined", "reason"].fillna("").astype(str))

    def replace_placement(docs: pd.DataFrame) -> pd.DataFrame:
        docs = place(docs, assignments, failed)
        newly_quarantined.append(docs[(docs["status"] == "quarantined") & docs["stage"].notna()])
        return docs

    parts.rewrite("documents", "doc_id", assignments.index[member(assignments.index, known)], replace_placement)
    quarantined = pd.concat(newly_quarantined, ignore_index=True) if newly_quarantined else pd.DataFrame(
        columns=DOC_COLUMNS)
    quarantined = quarantined[~quarantined["doc_id"].isin(in_quarantine)]

    parts.rewrite("articles", "article_id", replaced, lambda a: a[~a["article_id"].isin(replaced.to_pylist())])
    for path in outputs.articles:
        articles = read_batch(path)
        parts.add("articles", articles[articles["status"] == "ok"])
    kept = {"ingested": ingested, "quarantine_reasons": dict(sorted(reasons.items()))}
    for table, paths in (("mentions", outputs.mentions), ("quotes", outputs.quotes)):
        parts.rewrite(table, "article_id", replaced, lambda f: f[~f["article_id"].isin(replaced.to_pylist())])
        kept[table] = 0
        for path in paths:
            fresh = read_batch(path)
            fresh = fresh[~member(fresh["article_id"], failed.index)]  # its story was published
            parts.add(table, fresh)
            kept[table] += len(fresh)

    no_longer_ok = set(quarantined["doc_id"])
    parts.rewrite("signatures", "doc_id", no_longer_ok & set(known), lambda f: f[~f["doc_id"].isin(no_longer_ok)])
    dropped = pa.array(list(no_longer_ok), pa.string())
    for path in outputs.signatures:  # two digests per document: copied as dedupe wrote them, unless they hold
        if pc.any(pc.is_in(files.read_table(path, columns=["doc_id"])["doc_id"], dropped)).as_py():  # a dropped one
            signatures = files.read_table(path)
            parts.add("signatures", signatures.filter(pc.invert(pc.is_in(signatures["doc_id"], dropped))))
        else:
            parts.add_file("signatures", path)
    for path in outputs.ingest:
        raw = read_batch(path, ["doc_id", "raw"])
        raw = raw[~member(raw["doc_id"], known)]
        parts.add("raw", pd.DataFrame({"doc_id": raw["doc_id"], "run_id": run["run_id"], "content": raw["raw"]}))

    tables = {
        "quarantine": pd.concat([store.read("quarantine"), quarantined.assign(run_id=run["run_id"])[
            ["run_id", "stage", "doc_id", "source_uri", "reason", "detail"]]], ignore_index=True),
        "merges": pd.concat([store.read("merges"), merges], ignore_index=True),
    }
    # a row per line ever seen, and per place: copied as staged (in their tables' contracts), never read
    for table, path in (("line_stats", outputs.line_stats), ("ledger", outputs.ledger)):
        if path and files.exists(path):
            files.copy(path, parts.pending(table, "part-0.parquet"))
    return Loaded(parts=parts, tables=tables, counts=kept)


def run_row(run: dict, counts: dict, outcome: str) -> pd.DataFrame:
    return pd.DataFrame([{
        "run_id": run["run_id"], "started_at": run["started_at"], "finished_at": pd.Timestamp.now(tz="UTC"),
        "parameters": json.dumps(run["parameters"], sort_keys=True, default=str), "outcome": outcome,
        **counts, "suites": json.dumps(run["suites"], sort_keys=True), "seconds": json.dumps(run["seconds"]),
        "failed_sources": json.dumps(run.get("failed_sources", {}), sort_keys=True),
        "flow_run_id": run.get("flow_run_id"),
    }])


def run_counts(run: dict, loaded: Loaded, stories: dict, before: list[str]) -> dict:
    """This run's counts; `before`: the articles parts committed before it."""
    articles, new_articles = article_counts(loaded.parts.files("articles"), before)
    return {
        "ingested": loaded.counts["ingested"], "skipped_seen": run.get("skipped_seen", 0),
        "quarantined": sum(loaded.counts["quarantine_reasons"].values()),
        "articles": articles,
        "new_articles": new_articles,
        "copies_merged": stories.get("exact", 0) + stories.get("near", 0),
        "mentions": loaded.counts["mentions"],
        "quotes": loaded.counts["quotes"],
    }


@task(name="load", retries=2, retry_delay_seconds=[1, 5])
def load_task(out: str, run: dict, outputs: RunOutputs, stories: dict, settings) -> dict:
    """Validate row accounting over the tables as they will be, then commit them together."""
    store = Store(out)
    before = {table: store.parts(table) for table in ("documents", "articles")}
    loaded = load_run(store, run, outputs)
    parts = loaded.parts
    checks = [validate("load", rows, "doc_id", None, settings.suites_dir)
              for rows in accounting(parts.files("documents"), parts.files("articles"), before["documents"],
                                     outputs.ingest, loaded.tables["quarantine"])]
    failures = [failure for check in checks for failure in check.failures]
    run["suites"]["load"] = "failed" if failures else "passed"
    outcome = "success" if all(v == "passed" for v in run["suites"].values()) else "failed"
    counts = run_counts(run, loaded, stories, before["articles"])
    tables = loaded.tables | {"runs": pd.concat([store.read("runs"), run_row(run, counts, outcome)], ignore_index=True)}
    if not failures:
        store.commit({name: to_arrow(frame, name) for name, frame in tables.items()}, run["run_id"],
                     parts=parts.written, removed=parts.removed)
    else:  # keep the committed tables; record the failed run only (the commit clears the pending parts)
        store.commit({"runs": to_arrow(tables["runs"], "runs")}, run["run_id"])
    return {"counts": counts, "suites": run["suites"], "outcome": outcome, "failures": failures,
            "quarantine_reasons": {reason: n for reason, n in loaded.counts["quarantine_reasons"].items() if reason}}
