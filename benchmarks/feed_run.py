"""Feed run: real press releases served as a web site on 127.0.0.1, read through their RSS feed, twice.

Takes --pages releases from ../shared/corpora/prosecutor-press-releases (spread over the offices), serves
each as an HTML page (with ETag and Last-Modified) listed in /feed.xml, and runs

    crosswire run http://127.0.0.1:PORT/feed.xml --out DIR --allow-private-networks

twice. Prints each run's summary, the requests the site answered, wall time, docs/s and peak RSS; the
second run must ingest nothing. The baseline, measured in the same run, is the same pages as .html files
on disk (`crosswire run FOLDER`): the ratio is what fetching over HTTP costs.

    .venv/bin/python benchmarks/feed_run.py [--pages 120] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crosswire.store import Store

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "prosecutor-press-releases"


def releases(count: int) -> list[tuple[str, str, str]]:
    """(office, title, text) of `count` releases, taken evenly from every office."""
    offices = sorted(p for p in CORPUS.iterdir() if p.is_dir())
    files = [sorted(office.glob("*.txt")) for office in offices]
    picked, n = [], 0
    while len(picked) < count and any(files):
        office_files = files[n % len(files)]
        if office_files:
            path = office_files.pop(len(office_files) // 2)
            text = path.read_text(encoding="utf-8", errors="replace")
            title = next((line.strip() for line in text.splitlines() if line.strip()), path.stem)
            picked.append((path.parent.name, title[:200], text))
        n += 1
    return picked


def as_html(title: str, text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(block)}</p>" for block in text.split("\n") if block.strip())
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"</head><body><main><article>{paragraphs}</article></main></body></html>")


class Site(ThreadingHTTPServer):
    def __init__(self, pages: dict[str, tuple[str, bytes]]):
        super().__init__(("127.0.0.1", 0), Handler)
        self.pages, self.hits = pages, Counter()
        self.base = f"http://127.0.0.1:{self.server_port}"

    def feed(self) -> bytes:
        items = "".join(f"<item><title>{html.escape(title)}</title><link>{self.base}{path}</link>"
                        f"<pubDate>{formatdate(1_600_000_000 + n * 86_400, usegmt=True)}</pubDate></item>"
                        for n, (path, (title, _)) in enumerate(self.pages.items()))
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Releases</title>"
                f"<link>{self.base}/</link>{items}</channel></rss>").encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        site: Site = self.server
        if self.path == "/feed.xml":
            return self.reply(200, site.feed(), "application/rss+xml", "feed")
        if self.path not in site.pages:
            return self.reply(404, b"not found", "text/plain", "404")
        body = site.pages[self.path][1]
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, b"", "text/html", "page 304", ETag=etag)
        return self.reply(200, body, "text/html; charset=utf-8", "page 200", ETag=etag,
                          **{"Last-Modified": formatdate(1_600_000_000, usegmt=True)})

    def reply(self, status: int, body: bytes, content_type: str, kind: str, **headers) -> None:
        self.server.hits[kind] += 1
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def crosswire(*args: str) -> tuple[str, float, int]:
    """(stdout, wall seconds, peak RSS in MiB) of one CLI run, its memory read from /proc while it runs."""
    started = time.perf_counter()
    env = {**os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}  # the cores are shared
    child = subprocess.Popen([sys.executable, "-m", "crosswire.cli", *args], cwd=REPO, text=True, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, status = 0, Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            peak = max(peak, next(int(line.split()[1]) for line in status.read_text().splitlines()
                                  if line.startswith("VmHWM")))
        except (OSError, StopIteration):
            pass
        time.sleep(0.1)
    out, err = child.communicate()
    if child.returncode != 0:
        sys.exit(f"crosswire {' '.join(args)} failed ({child.returncode}):\n{err[-3000:]}")
    return out, time.perf_counter() - started, peak // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--keep", metavar="DIR", help="write the output tables here (default: a temporary folder)")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent: this benchmark needs the shared corpus beside the repository")
        return
    picked = releases(args.pages)
    pages = {f"/{office}/{n:04d}.html": (title, as_html(title, text).encode())
             for n, (office, title, text) in enumerate(picked)}
    site = Site(pages)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    feed = f"{site.base}/feed.xml"
    print(f"{len(pages)} pages from {len({p.split('/')[1] for p in pages})} offices served at {feed}\n")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or Path(tmp) / "feed-out")
        figures = []
        for label in ("first run", "second run"):
            before = Counter(site.hits)
            stdout, seconds, rss = crosswire("run", feed, "--out", str(out), "--allow-private-networks")
            served = site.hits - before
            print(f"== {label}: crosswire run {feed} --out {out} --allow-private-networks")
            print(stdout.strip())
            print(f"requests       {dict(sorted(served.items()))}")
            figures.append((label, seconds, rss))
            print()

        files = Path(tmp) / "pages"
        for path, (_, body) in pages.items():
            (files / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (files / path.lstrip("/")).write_bytes(body)
        _, base_seconds, base_rss = crosswire("run", str(files), "--out", str(Path(tmp) / "files-out"))

        store = Store(str(out))  # through the Delta logs: a table's folder also holds files a commit removed
        runs, documents = store.read("runs"), store.read("documents")
        print("== counts per run (runs table)")
        print(runs[["ingested", "skipped_seen", "quarantined", "articles", "new_articles"]].to_string())
        print(f"documents {len(documents)} ({documents['status'].value_counts().to_dict()}), "
              f"ledger {len(store.read('ledger'))} places\n")
        print("== speed (2 shared cores; wall time of the whole CLI run, Prefect start-up included)")
        print(f"baseline: the same {len(pages)} pages as files   {base_seconds:6.1f} s  "
              f"{len(pages) / base_seconds:6.1f} docs/s  peak RSS {base_rss} MiB")
        (_, first_seconds, first_rss), (_, second_seconds, second_rss) = figures
        print(f"feed, first run                         {first_seconds:6.1f} s  {len(pages) / first_seconds:6.1f} "
              f"docs/s  peak RSS {first_rss} MiB  ({first_seconds / base_seconds:.2f}x the baseline's time)")
        print(f"feed, second run (nothing new)          {second_seconds:6.1f} s  {'':13}  peak RSS {second_rss} MiB  "
              f"({second_seconds / base_seconds:.2f}x the baseline's time)")
        second = runs.iloc[-1]
        verdict = "ingested nothing" if second["ingested"] == 0 else f"ingested {second['ingested']} (expected 0)"
        print(f"\nsecond run {verdict}")
        if second["ingested"] != 0:
            sys.exit(1)


if __name__ == "__main__":
    main()
