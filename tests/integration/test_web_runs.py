"""Runs of the flow over a real web site on 127.0.0.1: runs over feeds and sitemaps are incremental, a changed
page is a new version, a failed source is reported, private addresses are refused."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from crosswire.settings import Settings
from crosswire.store import Store
from crosswire.summary import text_summary
from flows.etl import etl


def flow_settings(**sections) -> Settings:
    return Settings(extract={"model": "rules"}, fetch={"allowed_private_hosts": ["127.0.0.1"], "backoff": 0.05,
                                                      "retries": 1}, **sections)


def test_feed_run_twice_ingests_nothing_the_second_time(site, tmp_path):
    out = str(tmp_path / "out")
    first = etl(sources=[site.url("/feed.xml")], out=out, settings=flow_settings())
    assert first["outcome"] == "success" and first["counts"]["ingested"] == len(site.pages)
    docs = Store(tmp_path / "out").read("documents")
    assert set(docs["source"]) == {"127.0.0.1"}
    quarantine = Store(tmp_path / "out").read("quarantine")
    assert list(quarantine["reason"]) == ["bot-wall"]  # fetched pages meet the clean stage's checks
    titled = docs.set_index("source_uri").loc[site.url("/page/3")]
    assert titled["title"] == site.pages["/page/3"][0]
    requests = sum(site.hits.values())

    second = etl(sources=[site.url("/feed.xml")], out=out, settings=flow_settings())
    assert second["counts"]["ingested"] == 0 and second["counts"]["skipped_seen"] == len(site.pages)
    assert "0 new documents: ingested nothing" in text_summary(second)
    assert sum(site.hits.values()) == requests + 1  # the feed alone: its pages are older than the last read
    assert len(Store(tmp_path / "out").read("documents")) == len(docs)
    ledger = Store(tmp_path / "out").read("ledger")
    assert set(ledger["kind"]) == {"feed", "page"} and len(ledger) == len(site.pages) + 1


def test_changed_page_is_a_new_version_and_failed_source_is_reported(site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(f"""
[[source]]
name = "county-da"
kind = "sitemap"
location = "{site.url('/sitemap.xml')}"

[[source]]
name = "gone"
kind = "feed"
location = "{site.url('/gone.xml')}"

[[source]]
name = "nested"
location = "{site.url('/nested.xml')}"
""")
    site.documents["/nested.xml"] = (  # an index of an index: one level deeper than the settings allow
        f"<sitemapindex><sitemap><loc>{site.url('/sitemap-index.xml.gz')}</loc></sitemap></sitemapindex>".encode(),
        "application/xml")
    out, settings = str(tmp_path / "out"), flow_settings(ingest={"max_sitemap_depth": 1})
    first = etl(sources=[str(sources)], out=out, settings=settings)
    assert first["failed_sources"] == {"gone": "http-404: HTTP 404 Not Found after 1 attempt(s)"}
    assert "source failed  gone: http-404" in text_summary(first)
    cut = "not read: 1 sitemaps nested deeper than 1 (ingest.max_sitemap_depth)"
    assert first["cut_sources"] == {"nested": cut} and f"source cut     nested: {cut}" in text_summary(first)
    assert json.loads(Store(out).read("runs")["cut_sources"].iloc[0]) == {"nested": cut}
    before = Store(tmp_path / "out").read("documents")
    assert set(before["source"]) == {"county-da", "gone"}

    title, html = site.pages["/page/3"]
    site.pages["/page/3"] = (title, html.replace("</article>", "<p>Update: all four defendants pleaded not "
                                                 "guilty at their arraignment on Friday.</p></article>"))
    second = etl(sources=[str(sources)], out=out, settings=settings)
    assert second["counts"]["ingested"] == 1 and second["outcome"] == "success"
    # the feed gone is tried again: a repeat, counted, not quarantined again, remembered by the ledger
    assert second["failed_again"] == {"http-404": 1} and "failed again   1 places" in text_summary(second)
    assert list(Store(out).read("quarantine")["source_uri"]).count(site.url("/gone.xml")) == 1
    gone = Store(out).read("ledger").set_index("source_uri").loc[site.url("/gone.xml")]
    assert (gone["failure"], gone["failures"]) == ("http-404", 2) and pd.isna(gone["doc_id"])
    assert site.hits[("/page/1", 304)] == 1  # unchanged pages answered a conditional GET
    after = Store(tmp_path / "out").read("documents")
    new = after[after["run_id"] == second["run_id"]].iloc[0]
    old = before.set_index("source_uri").loc[site.url("/page/3")]
    assert new["source_uri"] == site.url("/page/3") and new["previous_doc_id"] == old["doc_id"]
    assert "pleaded not guilty" in new["text"]
    # nothing earlier overwritten: each earlier document keeps its content (its story may gain a better copy)
    own = ["doc_id", "source_uri", "source", "raw_sha256", "ingested_at", "run_id", "status", "title", "text"]
    pd.testing.assert_frame_equal(after.loc[after["run_id"] != second["run_id"], own].reset_index(drop=True),
                                  before[own].reset_index(drop=True), obj="earlier documents")
    raw = Store(tmp_path / "out").read("raw").set_index("doc_id")["content"]
    assert raw[old["doc_id"]] == html.encode() and raw[new["doc_id"]] == site.pages["/page/3"][1].encode()


def test_private_addresses_are_refused_by_default(site, tmp_path):
    refused = etl(sources=[site.url("/feed.xml")], out=str(tmp_path / "out"), settings=Settings(extract={"model": "rules"}))
    assert "private-address" in refused["failed_sources"][site.url("/feed.xml")]
    assert refused["counts"]["ingested"] == 1 and refused["quarantine_reasons"] == {"private-address": 1}
    assert sum(site.hits.values()) == 0


def test_cli_takes_source_lists_and_the_private_network_switch():
    from crosswire.cli import main, parser

    args = parser().parse_args(["run", "--sources", "a.toml", "--out", "d", "--allow-private-networks"])
    assert args.sources == [] and args.source_lists == ["a.toml"] and args.allow_private_networks is True
    assert parser().parse_args(["run", "x", "--out", "d"]).allow_private_networks is None  # the settings decide
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--out", "d"])
    assert exit_.value.code == 2
