"""Files and exports: a file is one item; a JSON file, a JSON Lines or a CSV export holds records, each an item
with its fields mapped (`Source.fields`, else DEFAULT_FIELDS), cut into units of at most a batch of records."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from crosswire.ingest.units import Item, Unit

FILE_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".json": "application/json",
              ".jsonl": "application/json"}  # what a folder is searched for
MAX_FILE_BYTES = 20_000_000  # larger files are quarantined, not decoded
# A CSV field may be as large as a file read whole (csv's default stops at 131,072 characters); a larger
# one makes its record a quarantine row. The limit is the csv module's own, for the whole process.
csv.field_size_limit(MAX_FILE_BYTES)
EXTRA_FIELDS = "_extra"  # a CSV row's values past the header's last name
DEFAULT_FIELDS = {  # export fields tried in order when a source names none
    "text": ("text", "body", "content", "articleBody"),
    "html": ("html", "raw_html"),
    "title": ("title", "headline"),
    "published": ("published", "published_at", "datePublished", "date"),
    "url": ("url", "link", "source_uri"),
}


def file_units(path: Path, name: str | None, fields: dict, batch_size: int) -> Iterator[Unit]:
    """A file as one unit; a JSON Lines or CSV export as units of at most `batch_size` records, each
    starting at its first record's byte offset, so that reading a unit never reads the records before it."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        yield Unit("file", str(path), name, fields)
        return
    for start, count, offset in record_batches(path, suffix, batch_size):
        yield Unit(suffix[1:], str(path), name, fields, start=start, count=count, offsets=(offset,))


def record_batches(path: Path, suffix: str, batch_size: int) -> Iterator[tuple[int, int, int]]:
    """(first record's number, records, first record's byte offset) of each batch of an export, in one pass."""
    with open(path, "rb") as handle:
        if suffix == ".csv":
            csv_header(handle)
        start, offset = 0, handle.tell()
        ends = line_ends(handle) if suffix == ".jsonl" else (end for _, end in csv_records(handle))
        for n, end in enumerate(ends, 1):
            if n - start == batch_size:
                yield start, batch_size, offset
                start, offset = n, end
        if n > start:
            yield start, n - start, offset


def line_ends(handle: BinaryIO) -> Iterator[int]:
    """The byte offset past each line of a file opened in binary."""
    end = handle.tell()
    for line in handle:
        end += len(line)
        yield end


def csv_header(handle: BinaryIO) -> list[str]:
    """The field names of a CSV file opened in binary, past its UTF-8 byte order mark; the handle is left at
    the first record. A header that cannot be read names no field: its records are then rows with no content."""
    if handle.read(3) != codecs.BOM_UTF8:
        handle.seek(0)
    row, end = next(csv_records(handle), ([], handle.tell()))
    handle.seek(end)
    return row if isinstance(row, list) else []


def csv_records(handle: BinaryIO) -> Iterator[tuple[list[str] | csv.Error, int]]:
    """(fields, or the error that made the record unreadable; byte offset past it) of each CSV record from
    where `handle` (binary) stands. The reader asks for one line at a time, and only for the lines of the
    record it reads, so the bytes it was given are where the record ends. After an error it starts again
    at the next line: a broken record is one row, never the end of the file."""
    consumed = handle.tell()

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in handle:
            consumed += len(line)
            yield line.decode("utf-8", "replace")

    reader = csv.reader(lines())
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row = error
        yield row, consumed


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
    # surrogatepass: a JSON string may escape a lone surrogate, which stays in the raw bytes as it came
    raw = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
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
        handle.seek(unit.offsets[0])
        for n, line in enumerate(islice(handle, unit.count), unit.start + 1):
            if line.strip():
                yield from json_items(f"{unit.location}#{n}", unit, line)


def csv_items(unit: Unit) -> Iterator[Item]:
    name = unit.source or Path(unit.location).parent.name
    with open(unit.location, "rb") as handle:
        header = csv_header(handle)
        handle.seek(unit.offsets[0])
        for n, (row, _) in enumerate(islice(csv_records(handle), unit.count), unit.start + 1):
            uri = f"{unit.location}#{n}"
            if isinstance(row, csv.Error):
                reason = "too-large" if "field limit" in str(row) else "invalid-csv"
                yield Item(uri, name, None, b"", reason=reason, detail=f"row {n} of {unit.location}: {row}",
                           kind="record")
            elif row:  # a blank line is no record
                yield record_item(uri, unit, csv_record(header, row))


def csv_record(header: list[str], row: list[str]) -> dict:
    """A CSV row by field name; values past the header's last name are kept together under EXTRA_FIELDS."""
    record = dict(zip(header, row))
    if len(row) > len(header):
        record[EXTRA_FIELDS] = row[len(header):]
    return record
