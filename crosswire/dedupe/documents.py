"""The documents dedupe reads: the columns of the documents table it uses, this run's ok documents from
its clean batches, and `Texts`, readers of some rows' texts a chunk at a time (from memory or from the
clean batch files), so that texts are never all held."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from crosswire.store import files

CHUNK = 2000  # documents hashed at a time: bounds the memory of token lists

# The columns of the documents table (crosswire.schema.DOCUMENTS) dedupe holds for every document it
# groups; this run's documents have no article_id yet.
META_COLUMNS = ["doc_id", "article_id", "source_uri", "title", "published_at", "language", "junk_ratio",
                "word_count", "ingested_at"]
NEW_COLUMNS = [c for c in META_COLUMNS if c != "article_id"]
ARRIVAL = ["ingested_at", "source_uri", "doc_id"]  # the order new documents take their positions in

OK = ds.field("status") == "ok"

# Reads the texts of some rows of a set of documents: yields (rows, their texts), at most CHUNK at a
# time, covering every row asked for, in the order the texts are stored.
Texts = Callable[[np.ndarray], Iterator[tuple[np.ndarray, list[str]]]]


def held_texts(texts: pd.Series, chunk: int = CHUNK) -> Texts:
    """Texts in memory, by row, `chunk` at a time."""
    def read(rows: np.ndarray):
        for i in range(0, len(rows), chunk):
            yield rows[i:i + chunk], texts.iloc[rows[i:i + chunk]].tolist()
    return read


def run_documents(paths: list[str]) -> pd.DataFrame:
    """The ok documents of a run's clean batches (NEW_COLUMNS) in arrival order, with the number of the batch
    and the row each was read from: filtered and sorted in Arrow and converted once, without a pandas copy
    per batch."""
    parts = []
    for number, path in enumerate(paths):
        table = files.read_table(path, columns=[*NEW_COLUMNS, "status"])
        ok = pc.equal(table["status"], "ok")
        rows = pc.indices_nonzero(ok).cast(pa.int64())
        parts.append(table.filter(ok).drop_columns("status")
                     .append_column("batch", pa.array(np.full(len(rows), number, np.int64)))
                     .append_column("row", rows))
    if not parts:
        return pd.DataFrame(columns=[*NEW_COLUMNS, "batch", "row"])
    table = pa.concat_tables(parts, promote_options="permissive")
    return table.sort_by([(column, "ascending") for column in ARRIVAL]).to_pandas()


def batch_texts(paths: list[str], batch: np.ndarray, row: np.ndarray) -> Texts:
    """This run's texts, read from their clean batch files one file at a time: row r is row `row[r]` of
    the file `paths[batch[r]]`."""
    def read(rows: np.ndarray):
        for number in np.unique(batch[rows]):
            here = rows[batch[rows] == number]
            texts = files.read_table(paths[number], columns=["text"])["text"].take(row[here]).to_pylist()
            for i in range(0, len(here), CHUNK):
                yield here[i:i + CHUNK], texts[i:i + CHUNK]
    return read
