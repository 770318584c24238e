"""Load's questions to the tables, asked of DuckDB over the data files so that no table is held whole: the row
accounting the load suite validates, the counts of stories, and which of a run's documents are listed."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pyarrow as pa

from crosswire.schema import ARTICLES, DOCUMENTS, INGESTED
from crosswire.settings import DEFAULTS
from crosswire.store import Store, sql

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
INGESTED_IDS = pa.schema([INGESTED.field("doc_id")])  # all the accounting reads of ingest's batches


def accounting(documents: list[str], articles: list[str], before: list[str], ingested: list[str],
               quarantine: pd.DataFrame, memory_limit: str = DEFAULTS.runner.sql_memory_limit,
               rows: int = ACCOUNTING_ROWS) -> Iterator[pd.DataFrame]:
    """The row accounting (see ACCOUNTING) of the documents and articles data files as they will be, against
    the documents files committed `before` the run and its `ingested` batches; `rows` or a few more at a time. Then the
    stories' copies and the quarantine rows add up to the documents ingested. DuckDB joins the files, so
    that no table is held whole, in `memory_limit`."""
    with sql.connection(memory_limit) as connection:
        for name, paths, schema in (("documents", documents, DOCUMENTS), ("articles", articles, ARTICLES),
                                    ("before", before, DOCUMENTS), ("ingested", ingested, INGESTED_IDS)):
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
    """(stories in the articles data files `after` the run, those of them not in the files `before` it)."""
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
