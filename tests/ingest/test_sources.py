"""Source kinds on real inputs: sources.toml, feeds and sitemaps served on 127.0.0.1, a WARC written with
warcio, JSON Lines and CSV exports with a field mapping; each cut into units of bounded size."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crosswire.ingest import (
    Discovery,
    Fetcher,
    Ledger,
    Source,
    discover,
    load_sources,
    plan,
    read_unit,
)
from crosswire.ingest.exports import MAX_FILE_BYTES
from crosswire.settings import Settings
from tests.conftest import REPO, SAMPLE
from tests.website import local, sitemap_document


def units_of(source: Source, settings, ledger: Ledger | None = None, batch_size: int = 100):
    with Fetcher(settings) as fetcher:
        return list(plan(source, fetcher, ledger or Ledger(pd.DataFrame()), batch_size))


def test_sources_toml_names_kinds_and_resolves_paths(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "sources.toml").write_text("""
[[source]]
name = "orange-da"
kind = "feed"
location = "https://example.org/news/rss.xml"

[[source]]
name = "partner"
location = "exports/partner.csv"
fields = { url = "link", title = "headline", html = "body_html" }
""")
    feed, export = load_sources(tmp_path / "sources.toml")
    assert (feed.name, feed.kind, feed.location) == ("orange-da", "feed", "https://example.org/news/rss.xml")
    assert export.location == str(tmp_path / "exports" / "partner.csv")
    assert export.fields == {"url": "link", "title": "headline", "html": "body_html"}


def test_sources_toml_mistakes_are_named(tmp_path):
    (tmp_path / "typo.toml").write_text('[[source]]\nname = "a"\nlocation = "x"\nknd = "feed"\n')
    with pytest.raises(ValidationError, match="knd"):
        load_sources(tmp_path / "typo.toml")
    (tmp_path / "twice.toml").write_text('[[source]]\nname = "a"\nlocation = "x"\n[[source]]\nname = "a"\n'
                                         'location = "y"\n')
    with pytest.raises(ValueError, match="unique"):
        load_sources(tmp_path / "twice.toml")


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="source not found"):
        discover([str(tmp_path / "nope")])


def test_feed_lists_its_entries_as_pages_with_metadata(site):
    units = units_of(Source(location=site.url("/feed.xml")), local())
    assert [u.kind for u in units] == ["page"] * len(site.pages)
    assert {u.location for u in units} == {site.url(p) for p in site.pages}
    first = units[0]
    assert first.source == "127.0.0.1" and first.hints["title"] == site.pages["/page/1"][0]
    assert first.hints["published"].endswith("GMT") and first.hints["summary"] == "Release 0"


def test_feed_entries_read_since_their_date_need_no_request(site):
    ledger = Ledger(pd.DataFrame([{"source_uri": site.url("/page/1"), "kind": "page", "doc_id": "d1",
                                   "raw_sha256": hashlib.sha256(b"x").hexdigest(), "checked_at": pd.Timestamp("2030-01-01", tz="UTC")}]))
    units = units_of(Source(location=site.url("/feed.xml")), local(), ledger)
    assert [u.kind for u in units].count("unchanged") == 1
    assert ledger.get(site.url("/feed.xml"))["kind"] == "feed"  # known as a feed from now on


def test_sitemap_index_gzipped_leads_to_the_pages(site):
    units = units_of(Source(location=site.url("/sitemap-index.xml.gz"), name="da", kind="sitemap"), local())
    assert [u.location for u in units] == [site.url(p) for p in sorted(site.pages)]
    assert {u.source for u in units} == {"da"}


def test_unreachable_or_refused_source_is_one_failed_unit(site):
    missing = units_of(Source(location=site.url("/no-feed.xml"), kind="feed"), local(retries=0))
    refused = units_of(Source(location=site.url("/feed.xml")), local(allow_private_networks=False))
    not_a_feed = units_of(Source(location=site.url("/page/1"), kind="feed"), local())
    assert [(u.kind, u.reason) for u in missing] == [("failed", "http-404")]
    assert [(u.kind, u.reason) for u in refused] == [("failed", "private-address")]
    assert [(u.kind, u.reason) for u in not_a_feed] == [("failed", "not-a-feed")]


def test_a_page_url_is_sniffed_once_then_known(site):
    ledger = Ledger(pd.DataFrame())
    assert [u.kind for u in units_of(Source(location=site.url("/page/2")), local(), ledger)] == ["page"]
    ledger.update(pd.DataFrame([{"source_uri": site.url("/page/2"), "kind": "page", "doc_id": "d2"}]))
    before = sum(site.hits.values())
    assert [u.kind for u in units_of(Source(location=site.url("/page/2")), local(), ledger)] == ["page"]
    assert sum(site.hits.values()) == before  # planned from the ledger, no request


def write_warc(path, pages: dict[str, str]) -> None:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warc_record("https://news.example/", "warcinfo",
                                                      warc_content_type="application/warc-fields",
                                                      payload=io.BytesIO(b"software: test\r\n")))
        for url, body in pages.items():
            data = body.encode()
            request = io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
            writer.write_record(writer.create_warc_record(url, "request", payload=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(data),
                                                          http_headers=headers))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.example/logo.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=image))


def test_warc_response_records_only_in_units_by_offset(tmp_path, seeds):
    pages = {f"https://news.example/release/{n}": f"<html><body><p>{text}</p></body></html>"
             for n, text in enumerate(seeds.values())}
    pages["https://other.example/item"] = "<html><body><p>Third page.</p></body></html>"
    write_warc(tmp_path / "crawl.warc.gz", pages)
    [source] = discover([str(tmp_path / "crawl.warc.gz")])
    units = units_of(source, local(), batch_size=2)
    assert [u.count for u in units] == [2, 1]  # three text responses; warcinfo, requests and the image left out
    items = [item for unit in units for item in read_unit(unit)]
    assert [i.source_uri for i in items] == list(pages)
    assert [i.raw.decode() for i in items] == list(pages.values())
    assert {i.content_type for i in items} == {"text/html"}
    assert [i.source for i in items] == ["news.example", "news.example", "other.example"]


def test_jsonl_export_in_bounded_ranges_with_a_field_mapping(tmp_path, seeds):
    rows = [{"link": f"https://partner.example/{n}", "headline": f"Release {n}", "body": text, "when": "2024-03-0"
             f"{n + 1}"} for n, text in enumerate([seeds["published"], seeds["scraped"], "third body"])]
    path = tmp_path / "partner.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    source = Source(location=str(path), name="partner",
                    fields={"url": "link", "title": "headline", "text": "body", "published": "when"})
    units = units_of(source, local(), batch_size=2)
    assert [(u.start, u.count) for u in units] == [(0, 2), (2, 2)]
    items = [item for unit in units for item in read_unit(unit)]
    assert [i.source_uri for i in items] == [r["link"] for r in rows]
    assert items[0].text == seeds["published"] and items[0].hints == {"title": "Release 0", "published": "2024-03-01"}
    assert {i.source for i in items} == {"partner"} and {i.kind for i in items} == {"record"}


def test_csv_export_with_html_field(tmp_path):
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["url", "title", "body_html"])
        writer.writeheader()
        writer.writerow({"url": "https://a.example/1", "title": "One", "body_html": "<p>Line one,\nline two.</p>"})
        writer.writerow({"url": "https://a.example/2", "title": "Two", "body_html": ""})
    units = units_of(Source(location=str(path), fields={"html": "body_html"}), local())
    first, second = [item for unit in units for item in read_unit(unit)]
    assert first.content_type == "text/html" and first.text == "<p>Line one,\nline two.</p>"
    assert first.hints["title"] == "One" and first.source == tmp_path.name
    assert second.reason == "no-content" and "body_html" in second.detail


def test_discovery_batches_are_bounded_and_each_place_read_once(site):
    sources = [Source(location=site.url("/feed.xml")), Source(location=site.url("/sitemap.xml"), kind="sitemap"),
               Source(location=str(SAMPLE / "europol"))]
    discovery = Discovery(sources, Ledger(pd.DataFrame()), Settings(batch_size=3, fetch=local()))
    batches = list(discovery.batches())
    units = [u for batch in batches for u in batch]
    assert all(sum(u.count for u in batch) <= 4 for batch in batches)  # a unit never splits; batches stay small
    pages = [u.location for u in units if u.kind == "page"]
    assert sorted(pages) == sorted(site.url(p) for p in site.pages)  # the sitemap repeats the feed: read once
    assert {u.kind for u in units} == {"page", "file", "jsonl"} and not discovery.failed


def test_a_folder_holding_the_output_is_read_without_it(tmp_path):
    source, out = tmp_path / "mix", tmp_path / "mix" / "out"
    shutil.copytree(SAMPLE, source)
    for name in ("report.html", "data_docs/index.html", ".staging/abc/ingest/00000.json"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("<html><body>crosswire's own output</body></html>")
    discovery = Discovery(discover([str(source)]), Ledger(pd.DataFrame()), Settings(), output=str(out))
    read = [Path(unit.location).relative_to(source) for batch in discovery.batches() for unit in batch]
    assert read == sorted(path.relative_to(SAMPLE) for path in SAMPLE.rglob("*") if path.is_file())
    assert discovery.holding_output() == [str(source)]
    alone = Discovery(discover([str(out)]), Ledger(pd.DataFrame()), Settings(), output=str(out))
    assert [len(batch) for batch in alone.batches()] == [0] and alone.holding_output() == [str(out)]
    elsewhere = Discovery(discover([str(source / "county")]), Ledger(pd.DataFrame()), Settings(), output=str(out))
    assert elsewhere.holding_output() == []


def test_example_sources_file_is_valid():
    sources = load_sources(REPO / "sources.example.toml")
    assert [s.kind for s in sources] == ["feed", "sitemap", "warc", "export", "auto"]
    assert sources[-1].location == str(SAMPLE) and sources[3].fields["html"] == "body_html"
    with pytest.raises(ValidationError, match="needs a local path"):
        Source(location="https://example.org/dump.warc.gz", kind="warc")


def test_csv_fields_past_the_csv_default_limit_are_read_and_a_field_past_ours_is_one_row(tmp_path):
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "text"])
        writer.writerow(["https://example.org/long", "word " * 28_000])  # 140 KB
        writer.writerow(["https://example.org/huge", "x" * (MAX_FILE_BYTES + 1)])
        writer.writerow(["https://example.org/after", "Read after the huge one.", "an extra value"])
    items = [item for unit in plan(Source(location=str(path)), None, Ledger(pd.DataFrame()), 2)
             for item in read_unit(unit)]
    assert [(item.source_uri, item.reason) for item in items] == [
        ("https://example.org/long", None), (f"{path}#2", "too-large"), ("https://example.org/after", None)]
    assert len(items[0].text) == 140_000 and "row 2" in items[1].detail
    assert json.loads(items[2].raw)["_extra"] == ["an extra value"]


def test_export_units_start_at_their_first_record(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps({"url": f"https://example.org/{n}", "text": f"Text {n}."}) + "\n"
                            for n in range(25)))
    units = list(plan(Source(location=str(path)), None, Ledger(pd.DataFrame()), 10))
    assert [(u.start, u.count) for u in units] == [(0, 10), (10, 10), (20, 5)]
    assert [item.source_uri for unit in units for item in read_unit(unit)] == [
        f"https://example.org/{n}" for n in range(25)]


def discovered(site, path: str, **limits) -> tuple[list, Discovery]:
    source = Source(location=site.url(path), name="hostile", kind="sitemap")
    discovery = Discovery([source], Ledger(pd.DataFrame()), Settings(fetch=local(), ingest=limits))
    return [unit for batch in discovery.batches() for unit in batch], discovery


def test_a_sitemap_of_100000_urls_is_capped_and_the_cap_reported(site):
    site.documents["/huge.xml"] = sitemap_document("urlset", [site.url(f"/r/{n}") for n in range(100_000)])
    units, discovery = discovered(site, "/huge.xml", max_urls_per_sitemap=5_000)
    assert [u.location for u in units] == [site.url(f"/r/{n}") for n in range(5_000)]
    assert discovery.cut == {"hostile": "not read: 95000 URLs past the 5000 a sitemap may list "
                                        "(ingest.max_urls_per_sitemap)"}
    assert sum(n for (path, _), n in site.hits.items() if path.startswith("/r/")) == 0  # pages are fetched later


def test_a_source_listing_more_pages_than_allowed_stops_there(site):
    site.documents["/index.xml"] = sitemap_document("sitemapindex", [site.url(f"/part-{n}.xml") for n in range(3)])
    for n in range(3):
        site.documents[f"/part-{n}.xml"] = sitemap_document("urlset", [site.url(f"/r/{n}-{k}") for k in range(10)])
    units, discovery = discovered(site, "/index.xml", max_urls_per_source=15)
    assert [u.location for u in units] == [site.url(f"/r/{n}-{k}") for n in range(2) for k in range(10)][:15]
    assert "more than 15 pages to fetch" in discovery.cut["hostile"]
    assert site.hits[("/part-2.xml", 200)] == 0  # planning stopped before the third sitemap was fetched


def test_a_sitemap_index_listing_itself_and_thousands_of_sitemaps_is_read_within_the_bound(site):
    site.documents["/index.xml"] = sitemap_document("sitemapindex", [site.url("/index.xml"),
                                                            *(site.url(f"/many/{n}.xml") for n in range(3_000))])
    for n in range(3_000):
        site.documents[f"/many/{n}.xml"] = sitemap_document("urlset", [site.url(f"/r/{n}")])
    units, discovery = discovered(site, "/index.xml", max_sitemaps=20)
    assert sum(n for (path, _), n in site.hits.items() if path.endswith(".xml")) == 20
    assert site.hits[("/index.xml", 200)] == 1  # listing itself, read once
    assert [u.location for u in units] == [site.url(f"/r/{n}") for n in range(19)]
    assert discovery.cut == {"hostile": "not read: 2981 sitemaps past the 20 a source may read (ingest.max_sitemaps)"}


def test_sitemap_indexes_nest_only_as_deep_as_allowed(site):
    for depth in range(5):  # each index lists the next one down, and the last lists a page
        site.documents[f"/deep-{depth}.xml"] = sitemap_document("sitemapindex", [site.url(f"/deep-{depth + 1}.xml")])
    site.documents["/deep-5.xml"] = sitemap_document("urlset", [site.url("/page/1")])
    units, discovery = discovered(site, "/deep-0.xml", max_sitemap_depth=2)
    assert [path for (path, _), n in sorted(site.hits.items())] == ["/deep-0.xml", "/deep-1.xml", "/deep-2.xml"]
    assert units == [] and discovery.cut == {
        "hostile": "not read: 1 sitemaps nested deeper than 2 (ingest.max_sitemap_depth)"}
    units, _ = discovered(site, "/deep-0.xml", max_sitemap_depth=5)
    assert [u.location for u in units] == [site.url("/page/1")]
