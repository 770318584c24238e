"""Ingest on real files, exports and a real web site on 127.0.0.1: every item becomes a row or is skipped
as seen, never a crash."""

from __future__ import annotations

import gzip
import os
import json
import shutil

import pandas as pd

from crosswire.ingest import Discovery, Ledger, discover, doc_id_for, failed_again, ingest_units
from crosswire.settings import Settings
from tests.conftest import SAMPLE


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
    ledger = Ledger(marks)
    same, _, skipped = ingest([str(tmp_path)], ledger, "run-2")
    assert same.empty and skipped == 1
    release.write_text(release.read_text() + "\nUpdated: the hearing is set for 4 May.\n")
    changed, _, _ = ingest([str(tmp_path)], ledger, "run-3")
    assert len(changed) == 1 and changed["previous_doc_id"][0] == first["doc_id"][0]
    assert changed["doc_id"][0] != first["doc_id"][0]


def test_the_same_bytes_at_two_places_are_one_document(tmp_path):
    release = (SAMPLE / "000_310e22f54dfcc9c5.txt").read_bytes()
    for folder in ("office", "mirror"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "release.txt").write_bytes(release)
    frame, marks, skipped = ingest([str(tmp_path)])
    assert len(frame) == 1 and skipped == 1
    assert len(marks) == 2 and set(marks["doc_id"]) == set(frame["doc_id"])  # both places point at it


def test_bytes_found_again_in_a_later_run_are_the_earlier_document(tmp_path):
    (tmp_path / "office").mkdir()
    shutil.copy(SAMPLE / "000_310e22f54dfcc9c5.txt", tmp_path / "office" / "release.txt")
    first, marks, _ = ingest([str(tmp_path / "office")])
    shutil.copytree(tmp_path / "office", tmp_path / "moved")
    again, moved, skipped = ingest([str(tmp_path / "moved")], Ledger(marks), "run-2")
    assert again.empty and skipped == 1
    assert list(moved["source_uri"]) == [str(tmp_path / "moved" / "release.txt")]
    assert list(moved["doc_id"]) == list(first["doc_id"])


def test_a_place_changed_to_another_documents_bytes_points_at_that_document(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes((SAMPLE / "000_310e22f54dfcc9c5.txt").read_bytes())
    b.write_bytes((SAMPLE / "001_e4cf28275dc72b17.txt").read_bytes())
    first, marks, _ = ingest([str(tmp_path)])
    ids = dict(zip(first["source_uri"], first["doc_id"]))
    ledger = Ledger(marks)
    a.write_bytes(b.read_bytes())
    same, marks, skipped = ingest([str(tmp_path)], ledger, "run-2")
    assert same.empty and skipped == 2
    ledger.update(marks)
    assert ledger.get(str(a))["doc_id"] == ids[str(b)]
    a.write_bytes((SAMPLE / "000_310e22f54dfcc9c5.txt").read_bytes())  # back: its first document again
    back, marks, _ = ingest([str(tmp_path)], ledger, "run-3")
    assert back.empty and dict(zip(marks["source_uri"], marks["doc_id"]))[str(a)] == ids[str(a)]


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
    # what was read points at its document; a failed fetch is remembered as a failure, with no document
    assert set(marks.dropna(subset=["doc_id"])["source_uri"]) == {site.url("/page/1"), site.url("/pdf")}
    failed = marks.set_index("source_uri").loc[[site.url(p) for p in ("/always-500", "/to-private", "/bomb")]]
    assert list(failed["failure"]) == ["http-500", "private-address", "too-large"] and set(failed["failures"]) == {1}


def test_a_place_read_as_nothing_is_quarantined_once_retried_each_run_and_remembered(site):
    ledger, urls = Ledger(pd.DataFrame()), [site.url(p) for p in ("/page/1", "/page/2", "/gone", "/always-500")]
    first, marks, _ = ingest(urls, ledger, retries=0)
    assert dict(zip(first["source_uri"], first["reason"].fillna("ok"))) == {
        urls[0]: "ok", urls[1]: "ok", urls[2]: "http-404", urls[3]: "http-500"}
    ledger.update(marks)
    page_2 = site.pages.pop("/page/2")  # a page read before is gone

    second, marks, skipped = ingest(urls, ledger, run_id="run-2", retries=0)
    assert list(second["source_uri"]) == [urls[1]] and second["reason"][0] == "http-404"  # its first failure
    assert second["previous_doc_id"][0] == first["doc_id"][1]
    assert skipped == 1 and failed_again(marks) == {"http-404": 1, "http-500": 1}  # tried again, not quarantined
    remembered = marks.set_index("source_uri")
    assert list(remembered.loc[urls[1:], "failures"]) == [1, 2, 2]
    assert remembered.loc[urls[1], "doc_id"] == first["doc_id"][1]  # what it held when last read is kept
    assert remembered.loc[urls[1], "etag"] is not None and pd.isna(remembered.loc[urls[2], "kind"])
    ledger.update(marks)

    site.pages["/page/2"] = page_2
    site.documents["/gone"] = (site.pages["/page/3"][1].replace("<h1>", "<h1>Back: ").encode(), "text/html")
    third, marks, skipped = ingest(urls, ledger, run_id="run-3", retries=0)
    assert list(third["source_uri"]) == [urls[2]] and third["status"][0] == "ok"  # read once it answers
    assert skipped == 2 and site.hits[("/page/2", 304)] == 1  # back unchanged: a conditional GET, no new document
    assert failed_again(marks) == {"http-500": 1}
    recovered = marks.set_index("source_uri").loc[urls[1:3]]
    assert recovered["failure"].isna().all() and list(recovered["failures"]) == [1, 2]


def test_corpus_sample_ingests_without_loss(shared):
    root = shared / "corpora" / "prosecutor-press-releases" / "orange_ca"
    files = sorted(root.glob("*.txt"))[::50]
    frame, _, _ = ingest([str(f) for f in files])
    assert len(frame) == len(files) and frame["doc_id"].is_unique
    assert (frame["status"] == "ok").mean() > 0.9 and set(frame["source"]) == {"orange_ca"}


def test_local_files_linked_from_a_feed_or_sitemap_are_refused_even_with_private_networks_allowed(site, tmp_path):
    canary = tmp_path / "canary.html"
    canary.write_bytes(b"<html><body><p>canary: never to be stored</p></body></html>")
    links = [canary.as_uri(), f"file:{canary}", site.url("/page/1")]
    items = "".join(f"<item><title>t{n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    site.documents["/local-feed.xml"] = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
                                         f"{items}</channel></rss>".encode(), "application/rss+xml")
    locs = "".join(f"<url><loc>{link}</loc></url>" for link in links[:1])
    site.documents["/local-sitemap.xml"] = (f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                                            f"sitemap/0.9'>{locs}</urlset>".encode(), "application/xml")
    frame, _, _ = ingest([site.url("/local-feed.xml"), site.url("/local-sitemap.xml")], allow_private_networks=True)
    rows = frame.set_index("source_uri")
    assert list(rows.loc[[canary.as_uri(), f"file:{canary}"], "reason"]) == ["forbidden-url"] * 2
    assert rows.loc[site.url("/page/1"), "status"] == "ok"
    assert not any(b"canary" in raw for raw in frame["raw"])


RELEASE = SAMPLE / "county" / "2025-06-02-burglary-ring-charged.txt"


def test_utf16_and_utf32_files_with_a_byte_order_mark_are_text(tmp_path):
    release = RELEASE.read_text(encoding="utf-8")
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        # the mark, in the file's own byte order
        (tmp_path / f"{codec}.txt").write_bytes(("\ufeff" + release).encode(codec))
    frame, _, _ = ingest([str(tmp_path)])
    assert len(frame) == 4 and set(frame["status"]) == {"ok"}
    assert all(text == release for text in frame["raw_text"])
    assert set(frame["encoding"]) == {"utf-16", "utf-32"}


def test_charsets_declared_by_the_server_or_the_page_are_decoded(site):
    release = RELEASE.read_text(encoding="utf-8").replace("burglary", "cambriolage à Noël")
    release = release.encode("latin-1", "replace").decode("latin-1")  # what each charset here can spell
    page = f"<html><head><title>x</title></head><body><p>{release}</p></body></html>"
    site.documents["/utf16.html"] = (page.encode("utf-16-le"), "text/html; charset=UTF-16LE")
    site.documents["/latin1.html"] = (page.encode("latin-1"), "text/html; charset=iso-8859-1")
    site.documents["/meta.html"] = (page.replace("<head>", "<head><meta charset='windows-1252'>").encode("cp1252"),
                                    "text/html")
    frame, _, _ = ingest([site.url(p) for p in ("/utf16.html", "/latin1.html", "/meta.html")])
    rows = frame.set_index("source_uri")
    assert set(rows["status"]) == {"ok"} and all("cambriolage à Noël" in text for text in rows["raw_text"])
    assert list(rows.loc[[site.url(p) for p in ("/utf16.html", "/latin1.html", "/meta.html")], "encoding"]) == [
        "utf-16-le", "iso8859-1", "cp1252"]


def test_a_file_name_that_is_not_utf8_is_read_under_a_stable_printable_name(tmp_path):
    release = RELEASE.read_bytes()
    (tmp_path / "good.txt").write_bytes(release)
    odd = os.path.join(os.fsencode(tmp_path), b"\xff\xfe.txt")
    with open(odd, "wb") as handle:
        handle.write(release.replace(b"burglary", b"theft"))
    first, marks, _ = ingest([str(tmp_path)])
    rows = first.set_index("source_uri")
    assert set(rows["status"]) == {"ok"} and f"{tmp_path}/%FF%FE.txt" in rows.index
    again, _, skipped = ingest([str(tmp_path)], Ledger(marks), run_id="run-2")
    assert len(again) == 0 and skipped == 2
    assert doc_id_for(f"{tmp_path}/%FF%FE.txt", first.set_index("source_uri").loc[f"{tmp_path}/%FF%FE.txt",
                                                                                  "raw_sha256"]) in set(first["doc_id"])


def test_lone_surrogates_in_a_json_record_are_replaced_not_fatal(tmp_path):
    (tmp_path / "records.jsonl").write_text('{"url": "https://example.org/\\ud800", "text": "A \\udc00 text."}\n'
                                           '{"url": "https://example.org/ok", "text": "Fine."}\n')
    frame, _, _ = ingest([str(tmp_path)])
    assert list(frame["source_uri"]) == ["https://example.org/\ufffd", "https://example.org/ok"]
    assert list(frame["raw_text"]) == ["A \ufffd text.", "Fine."]
