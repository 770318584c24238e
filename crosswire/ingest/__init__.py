"""INGEST stage: sources -> one row per new or changed item, decoded, with its raw bytes kept.

Sources are paths, URLs of pages, feeds and sitemaps, WARC files, exports, and sources.toml lists of
them. `Discovery` plans them lazily into batches of `Unit`s; `ingest_units` reads a batch into rows. The
`Ledger` (what every earlier run saw at each place, and every content ingested) decides what is new: an
unchanged item, and an item whose bytes are a document already ingested wherever it was found, are
skipped and counted; a changed one becomes a new document linked to its previous version. Bad items
(empty, binary, undecodable, too large, broken JSON, failed fetches) become rows with status
'quarantined' and a reason; nothing raises for a bad item, and a source that fails whole is reported.

- `units`: `Source`, `Unit`, `Item`, and sources.toml.
- `sources`: a source planned into units, a unit read into items; by kind in `exports` (files, JSON,
  JSON Lines, CSV), `warc` and `web` (pages, feeds, sitemaps, fetched by `fetch`).
- `ledger`: what each place held when last read; `contents`: the document of each content.
- `discovery`, `reading`: the stage's two steps, planning and reading a batch.
"""

from crosswire.ingest.discovery import Discovery, Units, discover
from crosswire.ingest.fetch import Fetched, Fetcher
from crosswire.ingest.ledger import Ledger
from crosswire.ingest.reading import decode, doc_id_for, failed_again, ingest_units, without_earlier_copies
from crosswire.ingest.sources import plan, read_unit, resolve
from crosswire.ingest.units import Item, Source, Unit, load_sources
from crosswire.ingest.warc import warc_items, warc_units

__all__ = ["Discovery", "Fetched", "Fetcher", "Item", "Ledger", "Source", "Unit", "Units", "decode", "discover",
           "doc_id_for", "failed_again", "ingest_units", "load_sources", "plan", "read_unit", "resolve", "warc_items", "warc_units",
           "without_earlier_copies"]
