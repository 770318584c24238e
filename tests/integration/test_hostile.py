"""Hostile input, generated here: each item ends as a story copy or a quarantine row with a reason, the run
does not crash, and its memory stays bounded; served on 127.0.0.1 among 200 real releases, the run is cut at
its bounds and deadlines (benchmarks/hostile_run.py runs it twice, beside the releases alone)."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from functools import cache
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crosswire.ingest import warc_items, warc_units
from crosswire.settings import Settings
from crosswire.store import Store
from flows.etl import etl
from tests.conftest import REPO, SAMPLE
from tests.integration.test_crash import ENV
from tests.website import corpus_releases, serve_hostile_mix

MAX_RSS_MIB = 1536  # generous: this run peaked at 598 MiB, with the 50 MiB file and 1 GiB bombs refused
MEASURED = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(f"peak RSS {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024} MiB", file=sys.stderr)
sys.exit(code)
"""
MIB = b"\0" * (1 << 20)


@cache
def gzip_bomb(mebibytes: int) -> bytes:
    """A valid single-member gzip of `mebibytes` MiB of zeros, about a thousand times smaller. After a full
    flush deflate starts afresh, so every MiB compresses to the same block, repeated here."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(MIB) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(MIB, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * mebibytes + deflate.flush() + struct.pack("<II", crc, (mebibytes << 20) & 0xFFFFFFFF)


def warc(records: list[tuple[str, bytes, list[tuple[str, str]]]], compress: bool = True) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for uri, body, headers in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *headers], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http))
    return buffer.getvalue()


def hostile_corpus(root: Path) -> dict[str, Path]:
    """The items, by name; `folder` holds the ones a folder scan finds, the others are sources of their own."""
    folder = root / "hostile"
    folder.mkdir(parents=True)
    release = (SAMPLE / "county" / "2025-06-02-burglary-ring-charged.txt").read_text(encoding="utf-8")
    page = f"<html><body><article><h1>Burglary ring charged</h1><p>{release}</p></article></body></html>"
    files = {
        "empty.txt": b"",
        "blank.txt": b" \n\t\r\n  ",
        "binary.txt": bytes(range(256)) * 64,
        "invalid-utf8.txt": b"Prosecutors said \xff\xfe the \xc3\x28 defendant \xa0\x80 pleaded guilty.\n" * 40,
        "huge.txt": b"The defendant was sentenced today. " * 1_500_000,  # 50 MiB
        "nested.html": ("<html><body>" + "<div>" * 50_000 + "<p>Deep text.</p>" + "</div>" * 50_000
                        + "</body></html>").encode(),
        "broken.jsonl": "\n".join([
            json.dumps({"url": "https://example.org/release", "title": "Burglary ring charged", "text": release}),
            '{"title": "cut off", "text": "unterminated',
            "\x00\x01\x02 not json at all",
            "[1, 2, 3]",
            "{}",
            json.dumps({"title": "no body at all"}),
        ]).encode(),
        "boilerplate.html": ("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
                             "<footer>Skip to content | Share | Print | © 2025 County of Orange</footer></body></html>"
                             ).encode(),
        "boilerplate.txt": b"Skip to content\nHome\nNews\nShare\nPrint\nSearch\nFollow us\n1 / 8\n",
    }
    items = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        items[name] = folder / name
    whole = warc([(f"https://example.org/{n}", page.replace("Burglary", f"Burglary {n}").encode(), [])
                  for n in range(3)])
    extras = {
        "bomb.txt.gz": gzip_bomb(1024),  # 1 GiB of zeros
        "bomb.warc.gz": warc([("https://example.org/bomb", gzip_bomb(1024), [("Content-Encoding", "gzip")])]),
        "truncated.warc.gz": whole[: len(whole) - 200],
    }
    for name, data in extras.items():
        (root / name).write_bytes(data)
        items[name] = root / name
    return items


def test_hostile_items_become_stories_or_quarantine_rows_within_bounded_memory(tmp_path):
    items = hostile_corpus(tmp_path)
    out = tmp_path / "out"
    sources = [str(tmp_path / "hostile")] + [str(p) for name, p in items.items() if p.parent == tmp_path]
    cli = [sys.executable, "-m", "crosswire.cli", "run", *sources, "--out", str(out), "--model", "rules"]
    done = subprocess.run([sys.executable, "-c", MEASURED, *cli], cwd=REPO, env=ENV, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    peak = int(done.stderr.rsplit("peak RSS ", 1)[1].split()[0])
    print(f"hostile run: peak RSS {peak} MiB")
    assert peak < MAX_RSS_MIB

    documents = Store(out).read("documents")
    quarantine = Store(out).read("quarantine")
    articles = Store(out).read("articles")
    ok = documents["status"] == "ok"
    assert documents.loc[ok, "article_id"].isin(articles["article_id"]).all()
    assert set(documents.loc[~ok, "doc_id"]) == set(quarantine["doc_id"])
    assert quarantine["reason"].notna().all() and (quarantine["reason"] != "").all()
    reason = documents.merge(quarantine[["doc_id", "reason"]], on="doc_id", how="left")
    reason = reason.set_index("source_uri")["reason"]
    reason = reason.astype(object).where(reason.notna(), None)  # None: a story copy

    def reasons(name: str) -> list[str | None]:
        return list(reason[reason.index.str.startswith(str(items[name]))])

    assert reasons("empty.txt") == ["empty"] and reasons("blank.txt") == ["empty"]
    assert reasons("binary.txt") == ["binary"]
    assert reasons("huge.txt") == ["too-large"]
    assert reasons("bomb.txt.gz") == ["binary"]
    assert reason["https://example.org/bomb"] == "too-large"
    assert len(reasons("invalid-utf8.txt")) == 1 and len(reasons("nested.html")) == 1
    assert reasons("boilerplate.txt") == ["too-short"] and reasons("boilerplate.html") == ["too-short"]
    # every line of the export is a row (an array line one per element): the good record a story copy,
    # each broken one a quarantine row
    export = reasons("broken.jsonl") + [reason["https://example.org/release"]]
    assert len(export) == 8 and export.count(None) == 1 and "invalid-json" in export
    assert reason[[f"https://example.org/{n}" for n in range(2)]].isna().all()


def warc_rows(path: Path) -> list[tuple[str, str | None]]:
    return [(item.source_uri, item.reason) for unit in warc_units(path, None, 100) for item in warc_items(unit)]


@pytest.mark.parametrize("compressed", [False, True])
def test_a_truncated_warc_gives_a_row_for_every_record(tmp_path, compressed):
    data = warc([(f"https://example.org/{n}", b"<html><body><p>" + b"Text. " * 500 + b"</p></body></html>", [])
                 for n in range(3)], compress=compressed)
    path = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    path.write_bytes(data[: len(data) * 2 // 3 + 30])  # inside the third record's headers or body
    rows = warc_rows(path)
    assert rows[:2] == [(f"https://example.org/{n}", None) for n in range(2)]
    # the file ends before the third record names its URI: the row names the file and the record's offset
    assert len(rows) == 3 and rows[2][0].startswith(f"{path}#offset=") and rows[2][1] == "truncated"


def test_200_releases_among_hostile_web_input_each_end_as_a_story_copy_or_a_quarantine_row(site, shared, tmp_path):
    listed = serve_hostile_mix(site, corpus_releases(shared / "corpora" / "prosecutor-press-releases", 200))
    settings = Settings(extract={"model": "rules"}, ingest={"max_urls_per_sitemap": 5_000},
                        fetch={"allowed_private_hosts": ["127.0.0.1"], "deadline": 2, "timeout": 1, "retries": 1,
                               "backoff": 0.05, "per_host": 8})
    out, index = str(tmp_path / "out"), site.url("/index.xml")
    first = etl(sources=[index], out=out, settings=settings)
    print(f"hostile web run: {first['seconds']}")
    assert first["outcome"] == "success" and not first["failed_sources"]
    assert first["cut_sources"] == {index: "not read: 95000 URLs past the 5000 a sitemap may list (ingest.max_urls_"
                                           "per_sitemap); 1 sitemaps nested deeper than 2 (ingest.max_sitemap_depth)"}
    assert first["seconds"]["ingest"] < 10 * settings.fetch.deadline  # the trickling page cut at its deadline
    assert site.hits[("/index.xml", 200)] == 1 and site.hits[("/deep-3.xml", 200)] == 0

    store = Store(out)
    documents, articles = store.read("documents"), store.read("articles")
    quarantine = store.read("quarantine").set_index("doc_id")
    ok = documents["status"] == "ok"
    assert documents.loc[ok, "article_id"].isin(articles["article_id"]).all()  # every document: a story copy ...
    assert set(documents.loc[~ok, "doc_id"]) == set(quarantine.index)  # ... or a quarantine row with its reason
    # each page listed is a document, or a place the ledger points at the document of the same bytes (the
    # corpus holds a release twice at two addresses)
    held = store.read("ledger").dropna(subset=["doc_id"]).set_index("source_uri")["doc_id"]
    doc_of = documents.set_index("source_uri")["doc_id"].combine_first(held)
    assert set(listed) <= set(doc_of.index) and set(documents["source_uri"]) <= set(listed)
    assert first["counts"]["skipped_seen"] == len(listed) - len(documents) > 0
    status = documents.set_index("doc_id")["status"]
    for url, expected in listed.items():
        doc = doc_of[url]
        reason, stage = quarantine.loc[doc, ["reason", "stage"]] if status[doc] != "ok" else (None, None)
        assert reason == expected or (expected == "clean" and stage in (None, "clean")), (url, reason)
    stories = [url for url, expected in listed.items() if expected == "clean" and status[doc_of[url]] == "ok"]
    assert len(stories) >= 170, len(stories)  # 174: the others are clean's verdicts on the corpus's pages
