"""The ledger: what every earlier run saw at each place (URL, file or record), kept as a table in DIR.

One row per `source_uri`: the content hash and document id of its latest version, and the validators
(ETag, Last-Modified) for a conditional GET. A re-run asks it whether an item is new, unchanged (skip)
or changed (a new document whose `previous_doc_id` is the latest one's). Feeds and sitemaps are listed
too (no document), so their kind is known without sniffing them again.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["source_uri", "source", "kind", "doc_id", "raw_sha256", "etag", "last_modified", "checked_at", "run_id"]


class Ledger:
    """The committed ledger and the document ids already in DIR, updated batch by batch during a run.

    A plain class on purpose: Prefect walks dict, set and model task parameters item by item."""

    def __init__(self, frame: pd.DataFrame, doc_ids: set[str] = frozenset()):
        frame = frame.reindex(columns=COLUMNS)
        self.entries: dict[str, dict] = {row["source_uri"]: row for row in frame.to_dict("records")}
        self.doc_ids = set(doc_ids)

    def get(self, source_uri: str) -> dict | None:
        return self.entries.get(source_uri)

    def update(self, rows: pd.DataFrame) -> None:
        """Take a batch's rows (later rows win) and their documents."""
        for row in rows.reindex(columns=COLUMNS).to_dict("records"):
            self.entries[row["source_uri"]] = row
            if isinstance(row["doc_id"], str):
                self.doc_ids.add(row["doc_id"])

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(list(self.entries.values()), columns=COLUMNS)
        frame["checked_at"] = pd.to_datetime(frame["checked_at"], utc=True).astype("datetime64[us, UTC]")
        return frame.sort_values("source_uri", ignore_index=True)

    def write(self, path: str) -> str:
        from crosswire.staging import write_batch

        return write_batch(self.frame(), path)


def checked_at(entry: dict | None) -> pd.Timestamp | None:
    """When the entry's place was last read, or None."""
    value = None if entry is None else entry.get("checked_at")
    return None if value is None or pd.isna(value) else pd.Timestamp(value)
