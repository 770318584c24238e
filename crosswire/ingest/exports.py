"""Files and exports: a file is one item; a JSON file, a JSON Lines or a CSV export holds records, each an item
with its fields mapped (`Source.fields`, else DEFAULT_FIELDS), cut into units of at most a batch of records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from crosswire.ingest.units import Item, Unit

FILE_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".json": "application/json",
              ".jsonl": "application/json"}  # what a folder is searched for
MAX_FILE_BYTES = 20_000_000  # larger files are quarantined, not decoded
DEFAULT_FIELDS = {  # export fields tried in order when a source names none
    "text": ("text", "body", "content", "articleBody"),
    "html": ("html", "raw_html"),
    "title": ("title", "headline"),
    "published": ("published", "published_at", "datePublished", "date"),
    "url": ("url", "link", "source_uri"),
}


def file_units(path: Path, name: str | None, fields: dict, batch_size: int) -> Iterator[Unit]:
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        yield Unit("file", str(path), name, fields)
        return
    total = count_records(path, suffix)
    for start in range(0, total, batch_size):
        yield Unit(suffix[1:], str(path), name, fields, start=start, count=min(batch_size, total - start))


def count_records(path: Path, suffix: str) -> int:
    with open(path, "rb") as handle:
        if suffix == ".jsonl":
            return sum(1 for _ in handle)
        return sum(1 for _ in csv.reader(io.TextIOWrapper(handle, encoding="utf-8-sig", newline=""))) - 1


def file_items(path: Path, unit: Unit) -> Iterator[Item]:
    name = unit.source or path.parent.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield Item(str(path), name, None, b"", reason="too-large", detail=f"{size} bytes > {MAX_FILE_BYTES}")
            return
        raw = path.read_bytes()
    except OSError as error:
        yield Item(str(path), name, None, b"", reason="unreadable", detail=str(error))
        return
    declared = FILE_TYPES.get(path.suffix.lower(), "text/plain")
    if declared != "application/json":
        yield Item(str(path), name, declared, raw)
    else:
        yield from json_items(str(path), unit, raw)


def json_items(uri: str, unit: Unit, raw: bytes) -> Iterator[Item]:
    name = unit.source or Path(unit.location).parent.name
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        yield Item(uri, name, "application/json", raw, reason="invalid-json", detail=str(error)[:300], kind="record")
        return
    records = data if isinstance(data, list) else [data]
    for n, record in enumerate(records):
        yield record_item(uri if len(records) == 1 else f"{uri}[{n}]", unit, record)


def record_item(uri: str, unit: Unit, record) -> Item:
    """An export record as an item: its html or text, its url, and title and date as hints."""
    name = unit.source or Path(unit.location).parent.name
    raw = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    if not isinstance(record, dict):
        return Item(uri, name, "application/json", raw, reason="invalid-json", detail="record is not an object",
                    kind="record")

    def first(role: str) -> str | None:
        names = (unit.fields[role],) if role in unit.fields else DEFAULT_FIELDS[role]
        return next((record[n] for n in names if isinstance(record.get(n), str) and record[n].strip()), None)

    html, text = first("html"), first("text")
    uri = first("url") or uri
    if html is None and text is None:
        wanted = unit.fields.get("html") or unit.fields.get("text") or DEFAULT_FIELDS["text"] + DEFAULT_FIELDS["html"]
        return Item(uri, name, "application/json", raw, reason="no-content", detail=f"no field among {wanted}",
                    kind="record")
    return Item(uri, name, "text/html" if html is not None else "text/plain", raw,
                text=html if html is not None else text,
                hints={"title": first("title"), "published": first("published")}, kind="record")


def jsonl_items(unit: Unit) -> Iterator[Item]:
    with open(unit.location, "rb") as handle:
        for n, line in enumerate(islice(handle, unit.start, unit.start + unit.count), unit.start + 1):
            if line.strip():
                yield from json_items(f"{unit.location}#{n}", unit, line)


def csv_items(unit: Unit) -> Iterator[Item]:
    with open(unit.location, encoding="utf-8-sig", newline="") as handle:
        rows = islice(csv.DictReader(handle), unit.start, unit.start + unit.count)
        for n, row in enumerate(rows, unit.start + 1):
            yield record_item(f"{unit.location}#{n}", unit, row)
