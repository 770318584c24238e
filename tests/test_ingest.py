"""Ingest on real files, exports and a real web site on 127.0.0.1: every item becomes a row or is skipped
as seen, never a crash; runs over feeds and sitemaps are incremental, and a changed page is a new version."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from crosswire.ingest import Discovery, Ledger, discover, doc_id_for, ingest_units
from crosswire.settings import Settings
from crosswire.summary import text_summary
from flows.etl import etl
from tests.conftest import SAMPLE
from tests.test_fetch import page_html, site  # noqa: F401  (the served web site)


def ingest(locations: list[str], ledger: Ledger | None = None, run_id: str = "run-1", **fetch):
    """(rows, ledger rows, skipped) of one batch over `locations`, with the `fetch` settings given."""
    ledger = ledger if ledger is not None else Ledger(pd.DataFrame())
    settings = Settings(fetch={"backoff": 0.05, "allowed_private_hosts": ["127.0.0.1"]} | fetch)
    units = [u for batch in Discovery(discover(locations), ledger, settings).batches() for u in batch]
    return ingest_units(units, run_id, ledger, settings)


def test_sample_directory_is_read_recursively_and_sorted():
    frame, _, _ = ingest([str(SAMPLE)])
    names = [uri.rsplit("/", 1)[-1] for uri in frame["source_uri"]]
    assert names[:2] == ["000_310e22f54dfcc9c5.txt", "001_e4cf28275dc72b17.txt"]
    assert frame["source_uri"].str.startswith(str(SAMPLE)).sum() == 6  # the jsonl records carry their url
    assert set(frame["source"]) == {"sample", "county", "europol"}


def test_seeds_decode_as_utf8_with_stable_ids():
    seeds = [str(SAMPLE / "000_310e22f54dfcc9c5.txt"), str(SAMPLE / "001_e4cf28275dc72b17.txt")]
    frame, _, skipped = ingest(seeds)
    assert skipped == 0 and list(frame["status"]) == ["ok", "ok"]
    assert frame["raw_text"][1].startswith("TUNIS, Tunisia")
    again, _, _ = ingest(seeds, run_id="run-2")
    assert list(again["doc_id"]) == list(frame["doc_id"])
    assert frame["doc_id"][0] == doc_id_for(frame["source_uri"][0], frame["raw_sha256"][0])


def test_seen_items_are_skipped_and_a_changed_file_is_a_new_version(tmp_path):
    release = tmp_path / "office" / "release.txt"
    release.parent.mkdir()
    release.write_text((SAMPLE / "000_310e22f54dfcc9c5.txt").read_text())
    first, marks, _ = ingest([str(tmp_path)])
    ledger = Ledger(marks, set(first["doc_id"]))
    same, _, skipped = ingest([str(tmp_path)], ledger, "run-2")
    assert same.empty and skipped == 1
    release.write_text(release.read_text() + "\nUpdated: the hearing is set for 4 May.\n")
    changed, _, _ = ingest([str(tmp_path)], ledger, "run-3")
    assert len(changed) == 1 and changed["previous_doc_id"][0] == first["doc_id"][0]
    assert changed["doc_id"][0] != first["doc_id"][0]


def test_bad_items_become_quarantine_rows_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"   \n\t\n")
    (tmp_path / "binary.txt").write_bytes(gzip.compress(b"x" * 1000))
    (tmp_path / "latin1.txt").write_text("Le procureur a déclaré que l'enquête continue.", encoding="latin-1")
    (tmp_path / "items.jsonl").write_text(
        json.dumps({"url": "https://example.org/a", "title": "A", "text": "Body of A."}) + "\n{broken\n"
        + json.dumps({"title": "no body"}) + "\n")
    frame, _, _ = ingest([str(tmp_path)])
    reasons = dict(zip(frame["source_uri"].map(lambda u: u.rsplit("/", 1)[-1]), frame["reason"]))
    assert reasons["empty.txt"] == "empty" and reasons["blank.txt"] == "empty"
    assert reasons["binary.txt"] == "binary"
    assert reasons["items.jsonl#2"] == "invalid-json" and reasons["items.jsonl#3"] == "no-content"
    latin = frame[frame["source_uri"].str.endswith("latin1.txt")].iloc[0]
    assert latin["status"] == "ok" and "déclaré" in latin["raw_text"]
    record = frame.set_index("source_uri").loc["https://example.org/a"]
    assert record["status"] == "ok" and record["meta_title"] == "A" and record["raw_text"] == "Body of A."
    assert set(frame["status"]) == {"ok", "quarantined"} and frame["doc_id"].is_unique


def test_html_saved_as_txt_is_sniffed(tmp_path):
    (tmp_path / "page.txt").write_text("<!DOCTYPE html><html><body><p>Hello</p></body></html>")
    frame, _, _ = ingest([str(tmp_path / "page.txt")])
    assert frame["content_type"][0] == "text/html"


def test_fetched_pages_and_failures_become_rows(site):
    frame, marks, _ = ingest([site.url(p) for p in ("/page/1", "/always-500", "/pdf", "/to-private", "/bomb")],
                             retries=1, max_bytes=1_000_000)
    rows = frame.set_index("source_uri")
    assert tuple(rows.loc[site.url("/page/1"), ["status", "content_type"]]) == ("ok", "text/html")
    assert rows.loc[site.url("/always-500"), "reason"] == "http-500"
    assert "HTTP 500" in rows.loc[site.url("/always-500"), "detail"]
    assert rows.loc[site.url("/pdf"), "reason"] == "unsupported-type"
    assert rows.loc[site.url("/to-private"), "reason"] == "private-address"
    assert rows.loc[site.url("/bomb"), "reason"] == "too-large"
    assert set(frame["source"]) == {"127.0.0.1"}
    assert (frame.loc[frame["status"] == "quarantined", "stage"] == "ingest").all()
    # only what was read is remembered: failed fetches are tried again next run
    assert set(marks["source_uri"]) == {site.url("/page/1"), site.url("/pdf")}


def test_corpus_sample_ingests_without_loss(shared):
    root = shared / "corpora" / "prosecutor-press-releases" / "orange_ca"
    files = sorted(root.glob("*.txt"))[::50]
    frame, _, _ = ingest([str(f) for f in files])
    assert len(frame) == len(files) and frame["doc_id"].is_unique
    assert (frame["status"] == "ok").mean() > 0.9 and set(frame["source"]) == {"orange_ca"}


# --- the flow over a served web site ---

def flow_settings() -> Settings:
    return Settings(extract={"model": "rules"}, fetch={"allowed_private_hosts": ["127.0.0.1"], "backoff": 0.05,
                                                      "retries": 1})


def test_feed_run_twice_ingests_nothing_the_second_time(site, tmp_path):
    out = str(tmp_path / "out")
    first = etl(sources=[site.url("/feed.xml")], out=out, settings=flow_settings())
    assert first["outcome"] == "success" and first["counts"]["ingested"] == len(site.pages)
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert set(docs["source"]) == {"127.0.0.1"}
    quarantine = pd.read_parquet(tmp_path / "out" / "quarantine")
    assert list(quarantine["reason"]) == ["bot-wall"]  # fetched pages meet the clean stage's checks
    titled = docs.set_index("source_uri").loc[site.url("/page/3")]
    assert titled["title"] == site.pages["/page/3"][0]
    requests = sum(site.hits.values())

    second = etl(sources=[site.url("/feed.xml")], out=out, settings=flow_settings())
    assert second["counts"]["ingested"] == 0 and second["counts"]["skipped_seen"] == len(site.pages)
    assert "0 new documents: ingested nothing" in text_summary(second)
    assert sum(site.hits.values()) == requests + 1  # the feed alone: its pages are older than the last read
    assert len(pd.read_parquet(tmp_path / "out" / "documents")) == len(docs)
    ledger = pd.read_parquet(tmp_path / "out" / "ledger")
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
""")
    out = str(tmp_path / "out")
    first = etl(sources=[str(sources)], out=out, settings=flow_settings())
    assert first["failed_sources"] == {"gone": "http-404: HTTP 404 Not Found after 1 attempt(s)"}
    assert "source failed  gone: http-404" in text_summary(first)
    before = pd.read_parquet(tmp_path / "out" / "documents")
    assert set(before["source"]) == {"county-da", "gone"}

    title, html = site.pages["/page/3"]
    site.pages["/page/3"] = (title, html.replace("</article>", "<p>Update: all four defendants pleaded not "
                                                 "guilty at their arraignment on Friday.</p></article>"))
    second = etl(sources=[str(sources)], out=out, settings=flow_settings())
    assert second["counts"]["ingested"] == 1 and second["outcome"] == "success"
    assert site.hits[("/page/1", 304)] == 1  # unchanged pages answered a conditional GET
    after = pd.read_parquet(tmp_path / "out" / "documents")
    new = after[after["run_id"] == second["run_id"]].iloc[0]
    old = before.set_index("source_uri").loc[site.url("/page/3")]
    assert new["source_uri"] == site.url("/page/3") and new["previous_doc_id"] == old["doc_id"]
    assert "pleaded not guilty" in new["text"]
    # nothing earlier overwritten: each earlier document keeps its content (its story may gain a better copy)
    own = ["doc_id", "source_uri", "source", "raw_sha256", "ingested_at", "run_id", "status", "title", "text"]
    pd.testing.assert_frame_equal(after.loc[after["run_id"] != second["run_id"], own].reset_index(drop=True),
                                  before[own].reset_index(drop=True), obj="earlier documents")
    raw = pd.read_parquet(tmp_path / "out" / "raw").set_index("doc_id")["content"]
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
