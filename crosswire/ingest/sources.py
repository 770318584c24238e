"""Source kinds: where documents come from, and how each is cut into units of bounded size.

A source is a path (file or folder), a web page, an RSS/Atom feed, a sitemap, a WARC file or an export
(JSON, JSON Lines, CSV) with an optional field mapping; `sources.toml` names a standing list of them.
`plan` turns sources into `Unit`s: a file, a run of records of an export or WARC, or one page to fetch.
Feeds and sitemaps are fetched while planning (they list the pages); the pages, files and records are
read by the ingest task, batch by batch, so memory stays bounded whatever the size of a source.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from crosswire.ingest.exports import (
    FILE_TYPES,
    csv_items,
    file_items,
    file_units,
    jsonl_items,
)
from crosswire.ingest.fetch import Fetcher
from crosswire.ingest.ledger import Ledger
from crosswire.ingest.units import Item, Source, Unit, storable_name
from crosswire.ingest.warc import warc_items, warc_units
from crosswire.ingest.web import plan_url
from crosswire.settings import DEFAULTS, IngestSettings


def resolve(location: str) -> Source:
    """A SOURCE argument as a Source; a missing path is an error now, before anything runs."""
    source = Source(location=location)
    if source.is_url:
        return source
    path = Path(location).expanduser().resolve()
    if not path.exists():
        raise FileNotFoundError(f"source not found: {location}")
    return Source(location=str(path))


def plan(source: Source, fetcher: Fetcher, ledger: Ledger, batch_size: int, output: Path | None = None,
         skipped: Counter | None = None, limits: IngestSettings = DEFAULTS.ingest) -> Iterator[Unit]:
    """The units of one source, lazily; a source that cannot be read at all yields one 'failed' unit, a
    sitemap that `limits` cut a 'cut' unit after its pages. A
    folder's tree is read without the `output` folder (the run's DIR) and what it holds; its files of types
    ingest does not read are counted in `skipped` by suffix."""
    kind = source.kind
    if source.is_url:
        yield from plan_url(source, fetcher, ledger, limits)
        return
    path = Path(source.location)
    if not path.exists():
        yield Unit("failed", source.location, source.name, reason="not-found", detail=f"no such path: {path}")
    elif kind == "warc" or (kind == "auto" and path.name.lower().endswith((".warc", ".warc.gz"))):
        yield from warc_units(path, source.name, batch_size)
    elif path.is_dir():
        for file in folder_files(path, output, skipped):
            yield from file_units(file, source.name, source.fields, batch_size)
    else:
        yield from file_units(path, source.name, source.fields, batch_size)


def folder_files(folder: Path, output: Path | None, skipped: Counter | None = None) -> list[Path]:
    """The files of a folder's tree that ingest reads, sorted: hidden files and folders are passed over,
    and so is the `output` folder. Neither is walked into: the output holds every table's part files. Files
    of other types are counted in `skipped` by suffix ("" for none)."""
    if folder == output:
        return []
    found = []
    for top, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".") and Path(top, name) != output]
        for name in names:
            suffix = Path(name).suffix.lower()
            if suffix in FILE_TYPES and not name.startswith("."):
                found.append(Path(top, name))
            elif not name.startswith(".") and skipped is not None:
                skipped[storable_name(suffix)] += 1
    return sorted(file for file in found if file.is_file())


def read_unit(unit: Unit) -> Iterator[Item]:
    """The items of a file, export or WARC unit (pages are fetched by the ingest task, in parallel)."""
    if unit.kind == "failed":
        yield Item(unit.location, unit.source, None, b"", reason=unit.reason, detail=unit.detail, kind="page")
    elif unit.kind == "warc":
        yield from warc_items(unit)
    elif unit.kind == "jsonl":
        yield from jsonl_items(unit)
    elif unit.kind == "csv":
        yield from csv_items(unit)
    else:
        yield from file_items(Path(unit.location), unit)
