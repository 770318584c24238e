"""Ingest: files and directories -> one row per item, decoded, with its raw bytes kept.

Bad items (empty, binary, undecodable, too large, broken JSON) become rows with status 'quarantined'
and a reason; nothing raises for a bad file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import charset_normalizer
import pandas as pd
from prefect import task

SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".json": "application/json",
            ".jsonl": "application/json"}
MAX_BYTES = 20_000_000  # larger items are quarantined, not decoded
TEXT_FIELDS = ("text", "body", "content", "articleBody")
HTML_FIELDS = ("html", "raw_html")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("published", "published_at", "datePublished", "date")
URL_FIELDS = ("url", "link", "source_uri")


@dataclass
class Item:
    source_uri: str
    source: str
    content_type: str
    raw: bytes
    text: str | None = None  # already decoded (JSON records)
    hints: dict = field(default_factory=dict)
    reason: str | None = None
    detail: str | None = None


def discover(sources: list[str]) -> list[Path]:
    """Files to ingest: each SOURCE file, and supported files under each directory, sorted, each once."""
    found: dict[Path, None] = {}
    for source in sources:
        path = Path(source).expanduser().resolve()
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            files = [path]
        else:
            raise FileNotFoundError(f"source not found: {source}")
        found.update(dict.fromkeys(files))
    return list(found)


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


def sniff_content_type(path: Path, text: str | None) -> str:
    declared = SUFFIXES.get(path.suffix.lower(), "text/plain")
    if declared == "text/plain" and text and text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        return "text/html"
    return declared


def read_items(path: Path) -> Iterator[Item]:
    source = path.parent.name
    size = path.stat().st_size
    if size > MAX_BYTES:
        yield Item(str(path), source, "text/plain", b"", reason="too-large", detail=f"{size} bytes > {MAX_BYTES}")
        return
    raw = path.read_bytes()
    if SUFFIXES.get(path.suffix.lower()) != "application/json":
        yield Item(str(path), source, SUFFIXES.get(path.suffix.lower(), "text/plain"), raw)
        return
    text, _, reason, detail = decode(raw)
    if reason:
        yield Item(str(path), source, "application/json", raw, reason=reason, detail=detail)
        return
    if path.suffix.lower() == ".jsonl":
        lines = [(f"{path}#{n}", line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    else:
        lines = [(str(path), text)]
    for uri, line in lines:
        yield from json_items(uri, source, line)


def json_items(uri: str, source: str, line: str) -> Iterator[Item]:
    raw = line.encode("utf-8")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        yield Item(uri, source, "application/json", raw, reason="invalid-json", detail=str(error))
        return
    records = data if isinstance(data, list) else [data]
    for n, record in enumerate(records):
        record_uri = uri if len(records) == 1 else f"{uri}[{n}]"
        yield record_item(record_uri, source, record)


def record_item(uri: str, source: str, record) -> Item:
    raw = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    if not isinstance(record, dict):
        return Item(uri, source, "application/json", raw, reason="invalid-json", detail="record is not an object")
    first = lambda names: next((record[n] for n in names if isinstance(record.get(n), str) and record[n].strip()), None)
    html, text = first(HTML_FIELDS), first(TEXT_FIELDS)
    hints = {"title": first(TITLE_FIELDS), "published": first(DATE_FIELDS)}
    uri = first(URL_FIELDS) or uri
    if html is None and text is None:
        return Item(uri, source, "application/json", raw, reason="no-content",
                    detail=f"no field among {TEXT_FIELDS + HTML_FIELDS}")
    content_type = "text/html" if html is not None else "text/plain"
    return Item(uri, source, content_type, raw, text=html if html is not None else text, hints=hints)


def ingest_files(paths: list[str], run_id: str, seen: set[str] = frozenset()) -> tuple[pd.DataFrame, int]:
    """Read `paths` into a batch frame; items whose doc_id is in `seen` are skipped and counted."""
    rows, skipped, now, seen = [], 0, pd.Timestamp(datetime.now(timezone.utc)), set(seen)
    for path in map(Path, paths):
        try:
            items = list(read_items(path))
        except OSError as error:
            items = [Item(str(path), path.parent.name, "text/plain", b"", reason="unreadable", detail=str(error))]
        for item in items:
            row = item_row(item, run_id, now)
            if row["doc_id"] in seen:
                skipped += 1
                continue
            seen.add(row["doc_id"])
            rows.append(row)
    return pd.DataFrame(rows, columns=BATCH_COLUMNS), skipped


BATCH_COLUMNS = ["doc_id", "source_uri", "source", "content_type", "raw_sha256", "encoding", "ingested_at",
                 "run_id", "status", "reason", "detail", "stage", "raw", "raw_text", "meta_title", "meta_published"]


def item_row(item: Item, run_id: str, now: pd.Timestamp) -> dict:
    sha = hashlib.sha256(item.raw).hexdigest()
    text, encoding, reason, detail = item.text, "utf-8", item.reason, item.detail
    if reason is None and text is None:
        text, encoding, reason, detail = decode(item.raw)
    elif reason is None and not text.strip():
        text, reason, detail = None, "empty", "no content"
    content_type = sniff_content_type(Path(item.source_uri), text) if item.text is None else item.content_type
    return {
        "doc_id": doc_id_for(item.source_uri, sha), "source_uri": item.source_uri, "source": item.source,
        "content_type": content_type, "raw_sha256": sha, "encoding": encoding if text is not None else None,
        "ingested_at": now, "run_id": run_id, "status": "quarantined" if reason else "ok", "reason": reason,
        "detail": detail, "stage": "ingest" if reason else None, "raw": item.raw, "raw_text": text if reason is None else None,
        "meta_title": item.hints.get("title"), "meta_published": item.hints.get("published"),
    }


@task(name="ingest", retries=2, retry_delay_seconds=[1, 5])
def ingest_task(paths: list[str], run_id: str, seen: set[str], out_path: str) -> tuple[str, int]:
    from crosswire.staging import write_batch

    frame, skipped = ingest_files(paths, run_id, seen)
    return write_batch(frame, out_path), skipped
