"""Reading a batch of units: one row per new or changed item, decoded, with its raw bytes kept.

The ledger decides what is new: an unchanged item is skipped and counted, and so is an item whose bytes
are a document already ingested, at any place; a changed one becomes a new document linked to its
previous version. Bad items (empty, binary, undecodable, too large, broken JSON, failed fetches) become
rows with status 'quarantined' and a reason; nothing raises for a bad item.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable, Iterator

import charset_normalizer
import pandas as pd

from crosswire.ingest.fetch import Fetcher
from crosswire.ingest.ledger import Ledger
from crosswire.ingest.sources import read_unit
from crosswire.ingest.units import Item, Unit
from crosswire.ingest.web import page_item
from crosswire.results import IngestBatch
from crosswire.schema import INGESTED, LEDGER
from crosswire.settings import Settings
from crosswire.store.staging import read_batch, write_batch


def doc_id_for(source_uri: str, raw_sha256: str) -> str:
    """Stable id of a document: of its content and of the first place it was found at (the same bytes
    found later, there or anywhere, are this document)."""
    return hashlib.sha256(f"{source_uri}\n{raw_sha256}".encode()).hexdigest()[:16]


# Byte order marks, longest first: UTF-32 LE's begins with UTF-16 LE's.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})""", re.I)


def decode(raw: bytes, declared: str | None = None) -> tuple[str | None, str | None, str | None, str | None]:
    """(text, encoding, reason, detail). A byte order mark decides; then a declared UTF-16 or UTF-32 (whose
    text holds NUL bytes); then NUL bytes mean binary; then UTF-8 when valid, else the charset the server
    (`declared`, from Content-Type) or the page's <meta> declares, else the detected one, else a reason."""
    if not raw.strip():
        return None, None, "empty", "no content"
    if bom := next((name for mark, name in BOMS if raw.startswith(mark)), None):
        return strict_decode(raw, bom, "its byte order mark")
    charset = codec_name(declared)
    if charset and charset.startswith(("utf-16", "utf-32")):
        return strict_decode(raw, charset, "its Content-Type")
    if b"\x00" in raw[:8192]:
        return None, None, "binary", "NUL bytes in the first 8 KiB"
    try:
        return raw.decode("utf-8"), "utf-8", None, None
    except UnicodeDecodeError as error:
        first_error = str(error)
    if charset := charset or meta_charset(raw):
        try:
            return raw.decode(charset), charset, None, None
        except UnicodeDecodeError:
            pass  # a wrong declaration: detection may do better
    match = charset_normalizer.from_bytes(raw[:200_000]).best()
    if match is None:
        return None, None, "undecodable", f"not UTF-8 ({first_error}) and no charset detected"
    return raw.decode(match.encoding, errors="replace"), match.encoding, None, None


def strict_decode(raw: bytes, charset: str, said_by: str) -> tuple[str | None, str | None, str | None, str | None]:
    try:
        return raw.decode(charset), charset.removesuffix("-sig"), None, None
    except UnicodeDecodeError as error:
        return None, None, "undecodable", f"not {charset} as {said_by} says ({error})"[:300]


def codec_name(charset: str | None) -> str | None:
    """Python's name for a charset label ('UTF-16LE' -> 'utf-16-le'), None when unknown."""
    try:
        return codecs.lookup(charset.strip().strip("\"'")).name if charset else None
    except LookupError:
        return None


def meta_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> of its opening, when Python knows it. A page can only
    declare an ASCII-compatible charset there (its bytes were read as ASCII to find it), so a UTF-16 or
    UTF-32 label is ignored, as browsers do."""
    found = META_CHARSET.search(raw[:4096])
    charset = codec_name(found.group(1).decode("ascii")) if found else None
    return None if charset is None or charset.startswith(("utf-16", "utf-32")) else charset


def sniff_content_type(declared: str | None, text: str | None) -> str | None:
    if declared == "text/plain" and text and text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        return "text/html"
    return declared


def read_items(units: list[Unit], ledger: Ledger, settings: Settings) -> Iterator[tuple[Item | None, Unit]]:
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
                 settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(rows of the new and changed items, ledger rows of every item read, items skipped as already seen).
    An item whose bytes an earlier run or this batch ingested is skipped too: its place points at that
    document. An item read as nothing (a failed fetch, an empty file) is a quarantine row the first time its
    place fails; the ledger remembers the failure, and the place is tried again each run, a failure again
    counted (`failed_again`), not quarantined again."""
    rows, marks, skipped, now = [], {}, 0, pd.Timestamp.now(tz="UTC")
    batch_docs: dict[str, str] = {}  # raw_sha256 -> doc_id of the batch's own documents
    for item, unit in read_items(units, ledger, settings):
        uri = item.source_uri if item else unit.location
        entry = marks.get(uri) or ledger.get(uri)
        if item is None:  # 304 Not Modified
            skipped += 1
            marks[uri] = {**(entry or {"source_uri": uri, "kind": "page"}), **READ_FINE, "checked_at": now,
                          "run_id": run_id}
            continue
        row = item_row(item, run_id, now)
        if entry is not None and entry.get("raw_sha256") == row["raw_sha256"] and item.raw:
            skipped += 1
            marks[uri] = {**entry, **validator_values(item, entry), **READ_FINE, "checked_at": now, "run_id": run_id}
            continue
        if not item.raw:
            if not failures(entry):  # its first failure: the quarantine row says why
                rows.append(row | {"previous_doc_id": known_doc(entry)})
            marks[uri] = failure_row(item, entry, row, now)
            continue
        copy_of = batch_docs.get(row["raw_sha256"]) or ledger.document(row["raw_sha256"])
        if copy_of:  # a new place, or a changed one, holding a document already ingested
            skipped += 1
            marks[uri] = place_row(item, copy_of, row["raw_sha256"], run_id, now, entry)
            continue
        rows.append(row | {"previous_doc_id": known_doc(entry)})
        batch_docs[row["raw_sha256"]] = row["doc_id"]
        marks[uri] = place_row(item, row["doc_id"], row["raw_sha256"], run_id, now, entry)
    return (pd.DataFrame(rows, columns=INGESTED.names), pd.DataFrame(list(marks.values()), columns=LEDGER.names),
            skipped)


def without_earlier_copies(batch: IngestBatch, ledger: Ledger) -> IngestBatch:
    """`batch` without its rows whose bytes an earlier batch of the run ingested, their places pointed at
    those documents. The batches are read side by side, each knowing only the documents of earlier runs,
    so the flow asks this of each batch in turn, with the ledger holding the batches before it."""
    ids = read_batch(batch.path, ["doc_id", "raw_sha256"])
    copies = {doc: ledger.document(sha) for doc, sha in zip(ids["doc_id"], ids["raw_sha256"])}
    copies = {doc: earlier for doc, earlier in copies.items() if earlier}
    if not copies:
        return batch
    rows, marks = read_batch(batch.path), read_batch(batch.ledger)
    rows = rows[~rows["doc_id"].isin(copies)]
    rows = rows.assign(previous_doc_id=rows["previous_doc_id"].replace(copies))  # a place read twice in the batch
    marks = marks.assign(doc_id=marks["doc_id"].replace(copies))
    stem = batch.path.removesuffix(".parquet")
    return IngestBatch(path=write_batch(rows, f"{stem}.distinct.parquet", INGESTED),
                       ledger=write_batch(marks, f"{stem}.distinct.ledger.parquet"),
                       skipped=batch.skipped + len(copies), failed_again=batch.failed_again)


READ_FINE = {"failure": None, "failure_detail": None}  # a place's latest read succeeded


def known_doc(entry: dict | None) -> str | None:
    """The document the place held when last read, if any."""
    return entry["doc_id"] if entry is not None and isinstance(entry.get("doc_id"), str) else None


def failures(entry: dict | None) -> int:
    """Runs in which reading the place failed."""
    count = None if entry is None else entry.get("failures")
    return 0 if count is None or pd.isna(count) else int(count)


def place_row(item: Item, doc_id: str, raw_sha256: str, run_id: str, now: pd.Timestamp, entry: dict | None) -> dict:
    """The ledger row of a place read: the document its bytes are (its failures counted still)."""
    return {"source_uri": item.source_uri, "source": item.source, "kind": item.kind, "doc_id": doc_id,
            "raw_sha256": raw_sha256, **validator_values(item, None), "checked_at": now, "run_id": run_id,
            "failures": failures(entry) or None, "failed_at": entry and entry.get("failed_at")}


def failure_row(item: Item, entry: dict | None, row: dict, now: pd.Timestamp) -> dict:
    """The ledger row of a place read as nothing: what it held when last read is kept (a page back unchanged
    is no new document, and a feed stays a feed), the failure added. A place new to the ledger gets no kind,
    so that a source that failed is sniffed when it answers."""
    kept = entry or {"source_uri": item.source_uri, "source": item.source}
    return {**kept, "failure": row["reason"], "failure_detail": row["detail"], "failures": failures(entry) + 1,
            "failed_at": now}


def failed_again(marks: pd.DataFrame) -> dict[str, int]:
    """Places of a batch's ledger rows that failed as they did in an earlier run, by reason."""
    again = marks[marks["failure"].notna() & (marks["failures"].fillna(0) > 1)]
    return {str(reason): int(n) for reason, n in again["failure"].value_counts().sort_index().items()}


def validator_values(item: Item, entry: dict | None) -> dict:
    keep = entry or {}
    return {"etag": item.etag or keep.get("etag"), "last_modified": item.last_modified or keep.get("last_modified")}


def item_row(item: Item, run_id: str, now: pd.Timestamp) -> dict:
    sha = hashlib.sha256(item.raw).hexdigest()
    text, encoding, reason, detail = item.text, "utf-8", item.reason, item.detail
    if reason is None and text is None:
        text, encoding, reason, detail = decode(item.raw, item.charset)
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
