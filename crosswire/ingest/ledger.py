"""The ledger: what every earlier run saw at each place (URL, file or record), kept as a table in DIR.

One row per `source_uri`: the content hash and document id of its latest version, and the validators
(ETag, Last-Modified) for a conditional GET. A re-run asks it whether an item is new, unchanged (skip)
or changed (a new document whose `previous_doc_id` is the latest one's). Feeds and sitemaps are listed
too (no document), so their kind is known without sniffing them again. Beside the places, the ledger
knows the document of every content ingested (`Contents`): bytes found again at another place are that
document, and the place's row points at it.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from crosswire.ingest.contents import Contents
from crosswire.schema import LEDGER
from crosswire.store import Store, to_arrow
from crosswire.store.staging import write_batch

COLUMNS = LEDGER.names


def place_key(source_uri: str) -> int:
    return int.from_bytes(hashlib.blake2b(source_uri.encode(), digest_size=8).digest(), "little")


class Ledger:
    """The committed ledger and the contents of the documents already in DIR, updated batch by batch
    during a run.

    Rows stay in Arrow (a few hundred bytes per place, where a dict per place took a kilobyte), found
    through a sorted array of 64-bit keys of their places. Two places sharing a key are told apart by
    the row's own `source_uri`: the one the key does not point to is read as new, and its content hash
    then decides whether it is a new document.

    A plain class on purpose: Prefect walks dict, set and model task parameters item by item."""

    def __init__(self, frame: pd.DataFrame | pa.Table, documents: Iterable[pa.RecordBatch | pa.Table] = ()):
        """`frame`: the ledger's rows; `documents`: batches of the `doc_id` and `raw_sha256` of every
        document in DIR, those of no place's latest version included."""
        self.parts: list[pa.Table] = []  # rows in the order they came; a later row of a place replaces it
        self.starts: list[int] = []  # the row number of each part's first row
        self.keys = np.empty(0, np.uint64)  # sorted keys of the places ...
        self.rows = np.empty(0, np.int64)  # ... and the row number of each one's latest row
        self.contents = Contents()
        for batch in documents:
            self.contents.add(batch["doc_id"].to_pylist(), batch["raw_sha256"].to_pylist())
        self.update(frame)

    @classmethod
    def of(cls, store: Store) -> Ledger:
        """The ledger committed in `store`, with the contents of its documents, read a batch at a time."""
        return cls(store.arrow("ledger"), store.dataset("documents").to_batches(columns=["doc_id", "raw_sha256"]))

    def get(self, source_uri: str) -> dict | None:
        key = np.uint64(place_key(source_uri))
        at = int(np.searchsorted(self.keys, key))
        if at == len(self.keys) or self.keys[at] != key:
            return None
        row = self.row(int(self.rows[at]))
        return row if row["source_uri"] == source_uri else None

    def document(self, raw_sha256: str) -> str | None:
        """The document already ingested with these bytes, wherever they were, or None."""
        return self.contents.find(raw_sha256)

    def row(self, number: int) -> dict:
        part = bisect_right(self.starts, number) - 1
        return self.parts[part].slice(number - self.starts[part], 1).to_pylist()[0]

    def update(self, rows: pd.DataFrame | pa.Table) -> None:
        """Take a batch's rows (later rows win) and their documents."""
        times = {"checked_at": "datetime64[us, UTC]", "failed_at": "datetime64[us, UTC]"}
        table = to_arrow(rows, "ledger") if isinstance(rows, pa.Table) else to_arrow(
            rows.reindex(columns=COLUMNS).astype(times), "ledger")
        if not len(table):
            return
        first = self.starts[-1] + len(self.parts[-1]) if self.parts else 0
        self.parts.append(table)
        self.starts.append(first)
        keys = np.concatenate([self.keys, np.array([place_key(u) for u in table["source_uri"].to_pylist()], np.uint64)])
        rows = np.concatenate([self.rows, np.arange(first, first + len(table))])
        order = np.lexsort((rows, keys))  # by key, then row: each key's last is its latest row
        keys, rows = keys[order], rows[order]
        latest = np.append(keys[1:] != keys[:-1], True)
        self.keys, self.rows = keys[latest], rows[latest]
        self.contents.add(table["doc_id"].to_pylist(), table["raw_sha256"].to_pylist())
        if first + len(table) > 2 * len(self.rows):  # replaced rows outnumber the current ones
            self.parts, self.starts = [self.table()], [0]
            self.rows = np.argsort(np.argsort(self.rows))  # each latest row's rank: its number in the one part

    def table(self) -> pa.Table:
        """The latest row of each place, in the order the rows came."""
        return pa.concat_tables(self.parts).take(np.sort(self.rows)) if self.parts else LEDGER.empty_table()

    def frame(self) -> pd.DataFrame:
        return self.table().sort_by("source_uri").to_pandas()

    def write(self, path: str) -> str:
        return write_batch(self.table().sort_by("source_uri"), path)


def checked_at(entry: dict | None) -> pd.Timestamp | None:
    """When the entry's place was last read, or None."""
    value = None if entry is None else entry.get("checked_at")
    return None if value is None or pd.isna(value) else pd.Timestamp(value)
