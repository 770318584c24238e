"""What ingest reads and cuts: a `Source` (one entry of sources.toml, or one SOURCE argument), the `Unit`s
it is planned into (bounded pieces of work for one ingest task) and the `Item`s a unit is read into (one
document as read, before decoding)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    charset: str | None = None  # as its Content-Type declares it (fetched pages, WARC records)
    text: str | None = None  # already decoded (export records)
    hints: dict = field(default_factory=dict)  # title, published, summary given beside the content
    reason: str | None = None  # why it cannot be a document
    detail: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    kind: str = "file"  # its ledger kind: file | record | page

    def __post_init__(self):
        # what is stored must be UTF-8: a file name's odd bytes, or a JSON string's lone surrogate, would
        # fail the whole batch's write
        self.source_uri = storable_name(self.source_uri)
        self.source = storable_name(self.source) if self.source else self.source
        self.text = storable_text(self.text) if self.text else self.text
        self.hints = {key: storable_text(value) if isinstance(value, str) else value for key, value in self.hints.items()}


ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, in a name read with surrogateescape
SURROGATE = re.compile("[\ud800-\udfff]")


def storable_name(name: str) -> str:
    """A place's name as it can be stored and printed: a file name's bytes that are not UTF-8 (which
    Python holds as lone surrogates) written %XX, so that the name stays stable and tells such names
    apart; any other lone surrogate (from a JSON escape such as "\\ud800") as U+FFFD."""
    if not SURROGATE.search(name):
        return name
    return storable_text(ESCAPED_BYTE.sub(lambda byte: f"%{ord(byte.group()) - 0xDC00:02X}", name))


def storable_text(text: str) -> str:
    """`text` with each lone surrogate, which no UTF-8 can hold, as U+FFFD."""
    return SURROGATE.sub("\ufffd", text)


@dataclass
class Unit:
    """A bounded piece of work for the ingest task."""

    kind: Literal["file", "jsonl", "csv", "warc", "page", "failed", "unchanged", "cut"]
    location: str
    source: str | None
    fields: dict = field(default_factory=dict)
    start: int = 0  # jsonl, csv: first record
    count: int = 1  # items it yields
    offsets: tuple[int, ...] = ()  # warc: byte offsets of its records
    cut_at: int | None = None  # warc: byte offset of a last record that the file ends inside
    hints: dict = field(default_factory=dict)  # page: a feed entry's title, date and summary
    reason: str | None = None  # failed: why the whole source failed
    detail: str | None = None  # cut: what a bound on discovery left unread (no item: the summary names it)
