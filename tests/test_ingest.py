"""Ingest on real files and on the bad items users meet: each becomes a row, never a crash."""

from __future__ import annotations

import gzip
import json

import pytest

from tasks.ingest import discover, doc_id_for, ingest_files
from tests.conftest import SAMPLE


def test_sample_directory_is_discovered_recursively_and_sorted():
    files = discover([str(SAMPLE)])
    assert [f.name for f in files][:2] == ["000_310e22f54dfcc9c5.txt", "001_e4cf28275dc72b17.txt"]
    assert all(f.is_absolute() for f in files)


def test_missing_source_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="source not found"):
        discover([str(tmp_path / "nope")])


def test_seeds_decode_as_utf8_with_stable_ids():
    frame, skipped = ingest_files([str(p) for p in discover([str(SAMPLE)])[:2]], "run-1")
    assert skipped == 0 and list(frame["status"]) == ["ok", "ok"]
    assert frame["raw_text"][1].startswith("TUNIS, Tunisia")
    again, _ = ingest_files([str(p) for p in discover([str(SAMPLE)])[:2]], "run-2")
    assert list(again["doc_id"]) == list(frame["doc_id"])
    assert frame["doc_id"][0] == doc_id_for(frame["source_uri"][0], frame["raw_sha256"][0])


def test_seen_documents_are_skipped_and_counted():
    paths = [str(p) for p in discover([str(SAMPLE)])[:2]]
    first, _ = ingest_files(paths, "run-1")
    frame, skipped = ingest_files(paths, "run-2", set(first["doc_id"]))
    assert frame.empty and skipped == 2


def test_bad_items_become_quarantine_rows_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"   \n\t\n")
    (tmp_path / "binary.txt").write_bytes(gzip.compress(b"x" * 1000))
    (tmp_path / "latin1.txt").write_bytes("Le procureur a déclaré que l'enquête continue.".encode("latin-1"))
    (tmp_path / "items.jsonl").write_text(
        json.dumps({"url": "https://example.org/a", "title": "A", "text": "Body of A."}) + "\n{broken\n"
        + json.dumps({"title": "no body"}) + "\n")
    frame, _ = ingest_files([str(p) for p in discover([str(tmp_path)])], "run-1")
    by_uri = frame.set_index("source_uri")
    reasons = dict(zip(frame["source_uri"].map(lambda u: u.rsplit("/", 1)[-1]), frame["reason"]))
    assert reasons["empty.txt"] == "empty" and reasons["blank.txt"] == "empty"
    assert reasons["binary.txt"] == "binary"
    assert reasons["items.jsonl#2"] == "invalid-json" and reasons["items.jsonl#3"] == "no-content"
    latin = frame[frame["source_uri"].str.endswith("latin1.txt")].iloc[0]
    assert latin["status"] == "ok" and "déclaré" in latin["raw_text"]
    record = by_uri.loc["https://example.org/a"]
    assert record["status"] == "ok" and record["meta_title"] == "A" and record["raw_text"] == "Body of A."
    assert set(frame["status"]) == {"ok", "quarantined"} and frame["doc_id"].is_unique


def test_html_saved_as_txt_is_sniffed(tmp_path):
    (tmp_path / "page.txt").write_text("<!DOCTYPE html><html><body><p>Hello</p></body></html>")
    frame, _ = ingest_files([str(tmp_path / "page.txt")], "run-1")
    assert frame["content_type"][0] == "text/html"


def test_corpus_sample_ingests_without_loss(shared):
    root = shared / "corpora" / "prosecutor-press-releases"
    paths = [str(p) for p in discover([str(root)])[::200]]
    frame, _ = ingest_files(paths, "run-1")
    assert len(frame) == len(paths) and frame["doc_id"].is_unique
    assert (frame["status"] == "ok").mean() > 0.9
    assert set(frame["source"]) >= {"orange_ca"}
