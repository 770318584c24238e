"""Source kinds: where documents come from, and how each is cut into units of bounded size.

A source is a path (file or folder), a web page, an RSS/Atom feed, a sitemap, a WARC file or an export
(JSON, JSON Lines, CSV) with an optional field mapping; `sources.toml` names a standing list of them.
`plan` turns sources into `Unit`s: a file, a run of records of an export or WARC, or one page to fetch.
Feeds and sitemaps are fetched while planning (they list the pages); the pages, files and records are
read by the ingest task, batch by batch, so memory stays bounded whatever the size of a source.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import feedparser
import pandas as pd
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, model_validator
from warcio.archiveiterator import ArchiveIterator

from crosswire.fetch import Fetched, Fetcher
from crosswire.ledger import Ledger, checked_at

FILE_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".json": "application/json",
              ".jsonl": "application/json"}  # what a folder is searched for
MAX_FILE_BYTES = 20_000_000  # larger files are quarantined, not decoded
MAX_SITEMAPS = 1000  # sitemaps read from one sitemap index, nested ones included
DEFAULT_FIELDS = {  # export fields tried in order when a source names none
    "text": ("text", "body", "content", "articleBody"),
    "html": ("html", "raw_html"),
    "title": ("title", "headline"),
    "published": ("published", "published_at", "datePublished", "date"),
    "url": ("url", "link", "source_uri"),
}
Kind = Literal["auto", "path", "page", "feed", "sitemap", "warc", "export"]


class Source(BaseModel):
    """One entry of sources.toml, or one SOURCE argument."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    location: str = Field(description="A path, or an http(s) URL.")
    name: str | None = Field(None, description="Source name on every document; default: folder or host.")
    kind: Kind = Field("auto", description="'auto' guesses from the location (and, for URLs, the content).")
    fields: dict[Literal["url", "title", "published", "html", "text"], str] = Field(
        default_factory=dict, description="Exports: the field holding each of url, title, published, html, text.")

    @property
    def is_url(self) -> bool:
        return urlsplit(self.location).scheme in ("http", "https", "file")

    @model_validator(mode="after")
    def kind_fits_location(self) -> "Source":
        web = self.kind in ("page", "feed", "sitemap")
        if self.kind != "auto" and web != self.is_url:
            raise ValueError(f"kind {self.kind!r} needs {'a URL' if web else 'a local path'}: {self.location}")
        return self


def load_sources(path: str | Path) -> list[Source]:
    """The `[[source]]` tables of a sources.toml; relative paths are relative to the file."""
    path = Path(path)
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("source", [])
    sources = []
    for entry in entries:
        source = Source(**entry)
        if not source.is_url:
            source = source.model_copy(update={"location": str((path.parent / source.location).resolve())})
        sources.append(source)
    names = [s.name for s in sources if s.name]
    if len(names) != len(set(names)):
        raise ValueError(f"{path}: source names must be unique, got {names}")
    return sources


@dataclass
class Item:
    """One document as read, before decoding: its place, source, declared type and raw bytes."""

    source_uri: str
    source: str | None
    content_type: str | None
    raw: bytes
    text: str | None = None  # already decoded (export records)
    hints: dict = field(default_factory=dict)  # title, published, summary given beside the content
    reason: str | None = None  # why it cannot be a document
    detail: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    kind: str = "file"  # its ledger kind: file | record | page


@dataclass
class Unit:
    """A bounded piece of work for the ingest task."""

    kind: Literal["file", "jsonl", "csv", "warc", "page", "failed", "unchanged"]
    location: str
    source: str | None
    fields: dict = field(default_factory=dict)
    start: int = 0  # jsonl, csv: first record
    count: int = 1  # items it yields
    offsets: tuple[int, ...] = ()  # warc: byte offsets of its records
    cut_at: int | None = None  # warc: byte offset of a last record that the file ends inside
    hints: dict = field(default_factory=dict)  # page: a feed entry's title, date and summary
    reason: str | None = None  # failed: why the whole source failed
    detail: str | None = None


def resolve(location: str) -> Source:
    """A SOURCE argument as a Source; a missing path is an error now, before anything runs."""
    source = Source(location=location)
    if source.is_url:
        return source
    path = Path(location).expanduser().resolve()
    if not path.exists():
        raise FileNotFoundError(f"source not found: {location}")
    return Source(location=str(path))


def plan(source: Source, fetcher: Fetcher, ledger: Ledger, batch_size: int) -> Iterator[Unit]:
    """The units of one source, lazily; a source that cannot be read at all yields one 'failed' unit."""
    kind = source.kind
    if source.is_url:
        yield from plan_url(source, fetcher, ledger)
        return
    path = Path(source.location)
    if not path.exists():
        yield Unit("failed", source.location, source.name, reason="not-found", detail=f"no such path: {path}")
    elif kind == "warc" or (kind == "auto" and path.name.lower().endswith((".warc", ".warc.gz"))):
        yield from warc_units(path, source.name, batch_size)
    elif path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_TYPES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts)):
            yield from file_units(file, source.name, source.fields, batch_size)
    else:
        yield from file_units(path, source.name, source.fields, batch_size)


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


def web_content_type(header: str | None) -> str | None:
    """The contract's content type for an HTTP Content-Type, None when it is not a text document."""
    mime = (header or "text/html").split(";")[0].strip().lower()
    if "html" in mime:
        return "text/html"
    return "text/plain" if mime == "text/plain" else None


# --- URLs: pages, feeds and sitemaps ---

def plan_url(source: Source, fetcher: Fetcher, ledger: Ledger) -> Iterator[Unit]:
    """A page URL is one unit; a feed or sitemap is fetched and its pages planned. With kind 'auto', a URL
    the ledger knows keeps its kind, and a new one is fetched and sniffed."""
    url, kind = source.location, source.kind
    known = ledger.get(url)
    if kind == "auto" and known is not None and known["kind"] in ("page", "feed", "sitemap"):
        kind = known["kind"]
    if kind == "page":
        yield Unit("page", url, source.name or host(url))
        return
    fetched = fetcher.fetch(url)
    if not fetched.ok:
        yield Unit("failed", url, source.name or host(url), reason=fetched.reason, detail=fetched.detail)
        return
    content = fetched.content
    if kind == "auto":
        kind = sniff(fetched)
    if kind == "page":  # fetched already: the ingest task fetches it again, conditionally
        yield Unit("page", url, source.name or host(url))
    elif kind == "sitemap":
        yield from sitemap_units(url, content, source, fetcher, ledger)
    else:
        yield from feed_units(url, fetched, source, ledger)


def host(url: str) -> str:
    return urlsplit(url).hostname or url


def sniff(fetched: Fetched) -> str:
    head = gunzip(fetched.content, 4096)[:4096].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    declared = (fetched.content_type or "").lower()
    if "html" in declared:
        return "page"
    if any(t in declared for t in ("rss", "atom", "xml")) or head.lstrip().startswith((b"<?xml", b"<rss", b"<feed")):
        return "feed"
    return "page"


def feed_units(url: str, fetched: Fetched, source: Source, ledger: Ledger) -> Iterator[Unit]:
    # a stream, never bytes: feedparser opens bytes that name a local file
    feed = feedparser.parse(io.BytesIO(fetched.content), response_headers={"content-location": fetched.final_url})
    if not feed.version and not feed.entries:
        yield Unit("failed", url, source.name or host(url), reason="not-a-feed",
                   detail=f"no RSS/Atom entries ({feed.get('bozo_exception', 'unrecognised document')})"[:300])
        return
    ledger.update(pd.DataFrame([{"source_uri": url, "source": source.name, "kind": "feed",
                                 "checked_at": pd.Timestamp.now(tz="UTC")}]))
    for entry in feed.entries:
        link = entry.get("link")
        if not link:
            continue
        name = source.name or host(link)
        # membership first: feedparser warns when `updated` is read from an entry that has none
        updated = entry["updated_parsed"] if "updated_parsed" in entry else entry.get("published_parsed")
        when = pd.Timestamp(*updated[:6], tz="UTC") if updated else None
        if seen_since(ledger.get(link), when):
            yield Unit("unchanged", link, name)
            continue
        hints = {"title": entry.get("title"),
                 "published": entry.get("published") or (entry["updated"] if "updated" in entry else None),
                 "summary": entry.get("summary")}
        yield Unit("page", link, name, hints={k: v for k, v in hints.items() if v})


def seen_since(entry: dict | None, updated: pd.Timestamp | None) -> bool:
    """A listed page needs no request when it was read after the date its feed or sitemap gives it."""
    last = checked_at(entry)
    return last is not None and updated is not None and updated <= last and isinstance(entry.get("doc_id"), str)


def sitemap_units(url: str, content: bytes, source: Source, fetcher: Fetcher, ledger: Ledger) -> Iterator[Unit]:
    """Pages of a sitemap, or of the sitemaps a sitemap index lists (nested, at most MAX_SITEMAPS)."""
    pending, done = [(url, content)], set()
    while pending and len(done) < MAX_SITEMAPS:
        url, content = pending.pop(0)
        done.add(url)
        try:
            tag, locations = read_sitemap(gunzip(content, fetcher.settings.max_bytes))
        except (etree.XMLSyntaxError, ValueError) as error:
            yield Unit("failed", url, source.name or host(url), reason="not-a-sitemap", detail=str(error)[:300])
            continue
        ledger.update(pd.DataFrame([{"source_uri": url, "source": source.name, "kind": "sitemap",
                                     "checked_at": pd.Timestamp.now(tz="UTC")}]))
        for loc, lastmod in locations:
            if tag == "sitemapindex":
                if loc not in done:
                    child = fetcher.fetch(loc)
                    if child.ok:
                        pending.append((loc, child.content))
                    else:
                        yield Unit("failed", loc, source.name or host(loc), reason=child.reason, detail=child.detail)
            elif seen_since(ledger.get(loc), lastmod):
                yield Unit("unchanged", loc, source.name or host(loc))
            else:
                yield Unit("page", loc, source.name or host(loc))


SITEMAP_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)


def read_sitemap(content: bytes) -> tuple[str, list[tuple[str, pd.Timestamp | None]]]:
    """('urlset' or 'sitemapindex', [(loc, lastmod)])."""
    root = etree.fromstring(content, SITEMAP_PARSER)
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise ValueError(f"root element <{tag}> is neither <urlset> nor <sitemapindex>")
    found = []
    for node in root:
        values = {etree.QName(child).localname: (child.text or "").strip() for child in node
                  if isinstance(child.tag, str)}
        if values.get("loc"):
            lastmod = pd.to_datetime(values.get("lastmod") or None, utc=True, errors="coerce", format="ISO8601")
            found.append((values["loc"], None if pd.isna(lastmod) else lastmod))
    return tag, found


def gunzip(content: bytes, limit: int) -> bytes:
    """`content`, decompressed when it is gzip (sitemap.xml.gz), to at most `limit` bytes."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    return zlib.decompressobj(wbits=31).decompress(content, limit)


# --- reading units into items ---

def read_unit(unit: Unit) -> Iterator[Item]:
    """The items of a file, export or WARC unit (pages are fetched by the ingest task, in parallel)."""
    if unit.kind == "failed":
        yield Item(unit.location, unit.source, None, b"", reason=unit.reason, detail=unit.detail, kind="page")
    elif unit.kind == "warc":
        yield from warc_items(unit)
    elif unit.kind == "jsonl":
        with open(unit.location, "rb") as handle:
            for n, line in enumerate(islice(handle, unit.start, unit.start + unit.count), unit.start + 1):
                if line.strip():
                    yield from json_items(f"{unit.location}#{n}", unit, line)
    elif unit.kind == "csv":
        with open(unit.location, encoding="utf-8-sig", newline="") as handle:
            rows = islice(csv.DictReader(handle), unit.start, unit.start + unit.count)
            for n, row in enumerate(rows, unit.start + 1):
                yield record_item(f"{unit.location}#{n}", unit, row)
    else:
        yield from file_items(Path(unit.location), unit)


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
            content_type = web_content_type(record.http_headers.get_header("Content-Type"))
            payload = record.content_stream().read(MAX_FILE_BYTES + 1)
            name = unit.source or host(uri)
            if len(payload) > MAX_FILE_BYTES:
                yield Item(uri, name, content_type, b"", reason="too-large", detail=f"payload > {MAX_FILE_BYTES} bytes",
                           kind="record")
            else:
                yield Item(uri, name, content_type, payload, kind="record")


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


def page_item(unit: Unit, fetched: Fetched) -> Item:
    """A fetched page as an item; a failed fetch or a non-text body as a quarantined one."""
    base = {"source_uri": unit.location, "source": unit.source, "hints": unit.hints, "kind": "page",
            "etag": fetched.etag, "last_modified": fetched.last_modified}
    if fetched.reason:
        return Item(content_type=None, raw=b"", reason=fetched.reason, detail=fetched.detail, **base)
    content_type = web_content_type(fetched.content_type)
    if content_type is None:
        return Item(content_type=None, raw=fetched.content, reason="unsupported-type",
                    detail=f"Content-Type {fetched.content_type}", **base)
    return Item(content_type=content_type, raw=fetched.content, **base)

