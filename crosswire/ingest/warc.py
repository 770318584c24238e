"""WARC files (Common Crawl News and the like): their successful HTML and text responses, by byte offset."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crosswire.ingest.exports import MAX_FILE_BYTES
from crosswire.ingest.units import Item, Unit
from crosswire.ingest.web import declared_charset, host, web_content_type


def warc_units(path: Path, name: str | None, batch_size: int) -> Iterator[Unit]:
    """Units of the successful text responses of a WARC, by byte offset (each gzip member seeks alone).
    A file that ends inside a record (a download cut short) gives that record's offset as `cut_at`, so
    that it becomes a quarantine row, not a lost document or a failed run."""
    offsets, end = [], 0
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        try:
            for record in records:
                if is_text_response(record):
                    offsets.append(records.get_record_offset())
                records.read_to_end(record)
                end = records.get_record_offset() + records.get_record_length()
                if len(offsets) == batch_size:
                    yield Unit("warc", str(path), name, count=len(offsets), offsets=tuple(offsets))
                    offsets = []
        except Exception:  # warcio and zlib raise many kinds on a cut record; what follows `end` is one
            pass
        handle.seek(end)
        rest = handle.read(64)
        cut_at = end + len(rest) - len(rest.lstrip()) if rest.strip() else None  # past the records' blank lines
    if offsets or cut_at is not None:
        yield Unit("warc", str(path), name, count=len(offsets) + (cut_at is not None), offsets=tuple(offsets),
                   cut_at=cut_at)


def is_text_response(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    return status.startswith("2") and web_content_type(record.http_headers.get_header("Content-Type")) is not None


def warc_items(unit: Unit) -> Iterator[Item]:
    yield from _warc_records(unit)
    if unit.cut_at is not None:
        yield cut_record(unit)


def _warc_records(unit: Unit) -> Iterator[Item]:
    with open(unit.location, "rb") as handle:
        for offset in unit.offsets:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)))
            uri = record.rec_headers.get_header("WARC-Target-URI")
            header = record.http_headers.get_header("Content-Type")
            content_type = web_content_type(header)
            payload = record.content_stream().read(MAX_FILE_BYTES + 1)
            name = unit.source or host(uri)
            if len(payload) > MAX_FILE_BYTES:
                yield Item(uri, name, content_type, b"", reason="too-large", detail=f"payload > {MAX_FILE_BYTES} bytes",
                           kind="record")
            else:
                yield Item(uri, name, content_type, payload, charset=declared_charset(header), kind="record")


def cut_record(unit: Unit) -> Item:
    """The record a WARC file ends inside, as a quarantine row named by its target URI when that was read."""
    with open(unit.location, "rb") as handle:
        handle.seek(unit.cut_at)
        rest = handle.read(1 << 16)
    if rest[:2] == b"\x1f\x8b":  # a gzip member: what of it can be decompressed
        try:
            rest = zlib.decompressobj(wbits=31).decompress(rest)
        except zlib.error:
            rest = b""
    found = re.search(rb"^WARC-Target-URI:[ \t]*(\S+)", rest, flags=re.M)
    uri = found.group(1).decode("utf-8", "replace") if found else f"{unit.location}#offset={unit.cut_at}"
    return Item(uri, unit.source or host(uri), None, b"", reason="truncated",
                detail=f"the WARC file ends inside this record (at byte {unit.cut_at} or later)", kind="record")
