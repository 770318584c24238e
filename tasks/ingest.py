"""Ingest: sources -> one row per new or changed item, decoded, with its raw bytes kept.

Sources are paths, URLs of pages, feeds and sitemaps, WARC files, exports, and sources.toml lists of
them (crosswire/sources.py). The ledger (crosswire/ledger.py) decides what is new: an unchanged item is
skipped and counted, a changed one becomes a new document linked to its previous version. Bad items
(empty, binary, undecodable, too large, broken JSON, failed fetches) become rows with status
'quarantined' and a reason; nothing raises for a bad item, and a source that fails whole is reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import charset_normalizer
import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from crosswire.fetch import Fetcher
from crosswire.ledger import COLUMNS as LEDGER_COLUMNS
from crosswire.ledger import Ledger
from crosswire.sources import Item, Source, Unit, load_sources, page_item, plan, read_unit, resolve

BATCH_COLUMNS = ["doc_id", "source_uri", "source", "content_type", "raw_sha256", "encoding", "ingested_at",
                 "run_id", "status", "reason", "detail", "stage", "raw", "raw_text", "meta_title", "meta_published",
                 "meta_summary", "previous_doc_id"]


def discover(sources: list[str]) -> list[Source]:
    """The sources SOURCE arguments name: paths, URLs, and the entries of `.toml` source lists."""
    found = []
    for location in sources:
        if location.lower().endswith(".toml") and Path(location).is_file():
            found.extend(load_sources(location))
        else:
            found.append(resolve(location))
    return found


class Units:
    """A batch of units as the ingest task takes it. A plain class on purpose: Prefect walks a list, and
    each dataclass in it, several times per task run (about 40 ms a walk for a thousand units)."""

    def __init__(self, units: list[Unit]):
        self.units = units

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def __repr__(self) -> str:  # what the task's cache key reads
        return repr(self.units)


class Discovery:
    """The units of `sources` in batches of about `batch_size` items, planned lazily. Counts the listed
    pages that need no request (`unchanged`) and names the sources that failed whole (`failed`). A place
    listed twice (by a feed and a sitemap, say) is read once."""

    def __init__(self, sources: list[Source], ledger: Ledger, settings):
        self.sources, self.ledger, self.settings = sources, ledger, settings
        self.unchanged = 0
        self.failed: dict[str, str] = {}

    def batches(self) -> Iterator[Units]:
        batch, size, planned = [], 0, set()
        with Fetcher(self.settings.fetch) as fetcher:
            for source in self.sources:
                produced, failure = 0, None
                for unit in plan(source, fetcher, self.ledger, self.settings.batch_size):
                    if unit.kind == "unchanged":
                        self.unchanged += 1
                        produced += 1
                        continue
                    if unit.kind == "failed":
                        failure = failure or f"{unit.reason}: {unit.detail}"
                    else:
                        produced += 1
                    key = (unit.kind, unit.location, unit.start, unit.offsets[:1])
                    if key in planned:
                        continue
                    planned.add(key)
                    batch.append(unit)
                    size += unit.count
                    if size >= self.settings.batch_size:
                        yield Units(batch)
                        batch, size = [], 0
                if failure and not produced:
                    self.failed[source.name or source.location] = failure
        if batch or not planned:  # an empty run still has one (empty) batch, so every stage sees it
            yield Units(batch)


def doc_id_for(source_uri: str, raw_sha256: str) -> str:
    """Stable id: the same content at the same place is the same document in every run."""
    return hashlib.sha256(f"{source_uri}\n{raw_sha256}".encode()).hexdigest()[:16]


def decode(raw: bytes) -> tuple[str | None, str | None, str | None, str | None]:
    """(text, encoding, reason, detail): UTF-8 when valid, else the detected charset, else a reason."""
    if not raw.strip():
        return None, None, "empty", "no content"
    if b"\x00" in raw[:8192]:
        return None, None, "binary", "NUL bytes in the first 8 KiB"
    try:
        return raw.decode("utf-8-sig"), "utf-8", None, None
    except UnicodeDecodeError as error:
        first_error = str(error)
    match = charset_normalizer.from_bytes(raw[:200_000]).best()
    if match is None:
        return None, None, "undecodable", f"not UTF-8 ({first_error}) and no charset detected"
    return raw.decode(match.encoding, errors="replace"), match.encoding, None, None


def sniff_content_type(declared: str | None, text: str | None) -> str | None:
    if declared == "text/plain" and text and text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        return "text/html"
    return declared


def read_items(units: list[Unit], ledger: Ledger, settings) -> Iterator[tuple[Item | None, Unit]]:
    """Each unit's items in order; pages are fetched together, conditionally when the ledger has them.
    A page the server reports unchanged (304) comes as (None, unit)."""
    pages = [u for u in units if u.kind == "page"]
    with Fetcher(settings.fetch) as fetcher:
        fetched = iter(fetcher.fetch_all([(u.location, *validators(ledger.get(u.location))) for u in pages]))
    for unit in units:
        if unit.kind != "page":
            yield from ((item, unit) for item in read_unit(unit))
            continue
        result = next(fetched)
        yield (None if result.not_modified else page_item(unit, result)), unit


def validators(entry: dict | None) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) for a conditional GET, when a document of the place is kept."""
    if entry is None or not isinstance(entry.get("doc_id"), str):
        return None, None
    return tuple(v if isinstance(v, str) else None for v in (entry.get("etag"), entry.get("last_modified")))


def ingest_units(units: Iterable[Unit], run_id: str, ledger: Ledger,
                 settings) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(rows of the new and changed items, ledger rows of every item read, items skipped as already seen)."""
    rows, marks, skipped, now = [], {}, 0, pd.Timestamp.now(tz="UTC")
    batch_ids: set[str] = set()
    for item, unit in read_items(units, ledger, settings):
        uri = item.source_uri if item else unit.location
        entry = marks.get(uri) or ledger.get(uri)
        if item is None:  # 304 Not Modified
            skipped += 1
            marks[uri] = {**(entry or {"source_uri": uri, "kind": "page"}), "checked_at": now, "run_id": run_id}
            continue
        row = item_row(item, run_id, now)
        if entry is not None and entry.get("raw_sha256") == row["raw_sha256"] and item.raw:
            skipped += 1
            marks[uri] = {**entry, **validator_values(item, entry), "checked_at": now, "run_id": run_id}
            continue
        if row["doc_id"] in ledger.doc_ids or row["doc_id"] in batch_ids:
            skipped += 1
            continue
        batch_ids.add(row["doc_id"])
        if entry is not None and isinstance(entry.get("doc_id"), str):
            row["previous_doc_id"] = entry["doc_id"]
        rows.append(row)
        if item.raw:  # read: a failed fetch is not remembered, so the next run tries again
            marks[uri] = {"source_uri": uri, "source": item.source, "kind": item.kind, "doc_id": row["doc_id"],
                          "raw_sha256": row["raw_sha256"], **validator_values(item, None), "checked_at": now,
                          "run_id": run_id}
    return (pd.DataFrame(rows, columns=BATCH_COLUMNS), pd.DataFrame(list(marks.values()), columns=LEDGER_COLUMNS),
            skipped)


def validator_values(item: Item, entry: dict | None) -> dict:
    keep = entry or {}
    return {"etag": item.etag or keep.get("etag"), "last_modified": item.last_modified or keep.get("last_modified")}


def item_row(item: Item, run_id: str, now: pd.Timestamp) -> dict:
    sha = hashlib.sha256(item.raw).hexdigest()
    text, encoding, reason, detail = item.text, "utf-8", item.reason, item.detail
    if reason is None and text is None:
        text, encoding, reason, detail = decode(item.raw)
    elif reason is None and not text.strip():
        text, reason, detail = None, "empty", "no content"
    return {
        "doc_id": doc_id_for(item.source_uri, sha), "source_uri": item.source_uri, "source": item.source,
        "content_type": sniff_content_type(item.content_type, text), "raw_sha256": sha,
        "encoding": encoding if text is not None else None, "ingested_at": now, "run_id": run_id,
        "status": "quarantined" if reason else "ok", "reason": reason, "detail": detail,
        "stage": "ingest" if reason else None, "raw": item.raw, "raw_text": text if reason is None else None,
        "meta_title": item.hints.get("title"), "meta_published": item.hints.get("published"),
        "meta_summary": item.hints.get("summary"), "previous_doc_id": None,
    }


@task(name="ingest", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def ingest_task(units: Units, run_id: str, ledger: Ledger, out_path: str, settings) -> dict:
    """Ingest a batch of units into a staged Parquet file; its ledger rows go beside it."""
    from crosswire.staging import write_batch

    frame, marks, skipped = ingest_units(units, run_id, ledger, settings)
    ledger_path = out_path.removesuffix(".parquet") + ".ledger.parquet"
    return {"path": write_batch(frame, out_path), "ledger": write_batch(marks, ledger_path), "skipped": skipped}
