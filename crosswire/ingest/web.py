"""URLs: a page is one unit; a feed (RSS/Atom) or a sitemap is fetched while planning and its pages planned,
each skipped when the ledger read it after the date its feed or sitemap gives it."""

from __future__ import annotations

import io
import zlib
from collections import deque
from collections.abc import Iterator
from urllib.parse import urlsplit

import feedparser
import pandas as pd
from lxml import etree

from crosswire.ingest.fetch import Fetched, Fetcher
from crosswire.ingest.ledger import Ledger, checked_at
from crosswire.ingest.units import Item, Source, Unit
from crosswire.settings import DEFAULTS, IngestSettings


def web_content_type(header: str | None) -> str | None:
    """The contract's content type for an HTTP Content-Type, None when it is not a text document."""
    mime = (header or "text/html").split(";")[0].strip().lower()
    if "html" in mime:
        return "text/html"
    return "text/plain" if mime == "text/plain" else None


def plan_url(source: Source, fetcher: Fetcher, ledger: Ledger,
             limits: IngestSettings = DEFAULTS.ingest) -> Iterator[Unit]:
    """A page URL is one unit; a feed or sitemap is fetched and its pages planned (a sitemap within
    `limits`). With kind 'auto', a URL the ledger knows keeps its kind, and a new one is fetched and sniffed."""
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
        yield from sitemap_units(url, content, source, fetcher, ledger, limits)
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
        if refused := local_link(link, name):
            yield refused
            continue
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


def local_link(link: str, name: str | None) -> Unit | None:
    """A failed unit for a link to a local file read from fetched content (a feed entry, a sitemap's
    <loc>), else None. Local files come only from SOURCE arguments, whatever allow_private_networks says:
    a served document must never make a run read the disk and store what it holds."""
    if urlsplit(link).scheme.lower() != "file":
        return None
    return Unit("failed", link, name, reason="forbidden-url",
                detail="a fetched feed or sitemap links a local file: local files are read only when given as a SOURCE")


def seen_since(entry: dict | None, updated: pd.Timestamp | None) -> bool:
    """A listed page needs no request when it was read after the date its feed or sitemap gives it."""
    last = checked_at(entry)
    return last is not None and updated is not None and updated <= last and isinstance(entry.get("doc_id"), str)


def sitemap_units(url: str, content: bytes, source: Source, fetcher: Fetcher, ledger: Ledger,
                  limits: IngestSettings) -> Iterator[Unit]:
    """Pages of a sitemap, or of the sitemaps a sitemap index lists, read breadth first within `limits`: URLs
    per sitemap, sitemaps per source, depth of nesting. A listed sitemap is fetched only when its turn comes
    (an index of thousands costs the sitemaps read, no more) and once (an index listing itself is read once).
    What the limits leave unread ends as one 'cut' unit that says so."""
    pending, seen, read = deque([(url, content, 0)]), {url}, 0
    cut = {"urls": 0, "sitemaps": 0, "deep": 0}
    while pending:
        url, content, depth = pending.popleft()
        if content is None:
            if read == limits.max_sitemaps:
                cut["sitemaps"] += 1 + len(pending)
                break
            fetched = fetcher.fetch(url)
            if not fetched.ok:
                yield Unit("failed", url, source.name or host(url), reason=fetched.reason, detail=fetched.detail)
                continue
            content = fetched.content
        read += 1
        try:
            tag, locations = read_sitemap(gunzip(content, fetcher.settings.max_bytes))
        except (etree.XMLSyntaxError, ValueError) as error:
            yield Unit("failed", url, source.name or host(url), reason="not-a-sitemap", detail=str(error)[:300])
            continue
        ledger.update(pd.DataFrame([{"source_uri": url, "source": source.name, "kind": "sitemap",
                                     "checked_at": pd.Timestamp.now(tz="UTC")}]))
        cut["urls"] += max(0, len(locations) - limits.max_urls_per_sitemap)
        for loc, lastmod in locations[:limits.max_urls_per_sitemap]:
            if refused := local_link(loc, source.name or host(loc)):
                yield refused
            elif tag == "sitemapindex":
                if loc in seen:
                    continue
                seen.add(loc)
                if depth < limits.max_sitemap_depth:
                    pending.append((loc, None, depth + 1))
                else:
                    cut["deep"] += 1
            elif seen_since(ledger.get(loc), lastmod):
                yield Unit("unchanged", loc, source.name or host(loc))
            else:
                yield Unit("page", loc, source.name or host(loc))
    said = {"urls": f"{cut['urls']} URLs past the {limits.max_urls_per_sitemap} a sitemap may list "
                    "(ingest.max_urls_per_sitemap)",
            "sitemaps": f"{cut['sitemaps']} sitemaps past the {limits.max_sitemaps} a source may read "
                        "(ingest.max_sitemaps)",
            "deep": f"{cut['deep']} sitemaps nested deeper than {limits.max_sitemap_depth} (ingest.max_sitemap_depth)"}
    if any(cut.values()):
        yield Unit("cut", url, source.name or host(url),
                   detail="not read: " + "; ".join(said[key] for key, n in cut.items() if n))


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
    return Item(content_type=content_type, raw=fetched.content, charset=declared_charset(fetched.content_type), **base)


def declared_charset(header: str | None) -> str | None:
    """The charset parameter of a Content-Type header ('text/html; charset=UTF-16LE' -> 'UTF-16LE')."""
    for parameter in (header or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
