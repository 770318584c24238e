"""A small web site on 127.0.0.1 for the tests that fetch: pages made from the bundled sample (article pages,
a bot wall), a feed, a sitemap, and endpoints that misbehave on purpose. The `site` fixture of conftest.py
serves it for a test and stops it after."""

from __future__ import annotations

import gzip
import hashlib
import html
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from crosswire.settings import FetchSettings
from tests.conftest import SAMPLE

BOMB = gzip.compress(b"\0" * 20_000_000)  # 20 MB of zeros in about 20 KB


def page_html(title: str, text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article><h1>{html.escape(title)}</h1>"
            f"{paragraphs}</article><footer>Office of the District Attorney</footer></body></html>")


def sample_pages() -> dict[str, tuple[str, str]]:
    """path -> (title, HTML) for the sample's releases and its bot-wall page."""
    pages = {}
    for n, path in enumerate(sorted(SAMPLE.rglob("*.txt")), 1):
        text = path.read_text(encoding="utf-8")
        title = next(line.strip() for line in text.splitlines() if line.strip())[:120]
        pages[f"/page/{n}"] = (title, page_html(title, text))
    return pages


class Site:
    """Pages answer conditional GETs (ETag, Last-Modified); `hits` counts requests per path and status."""

    def __init__(self):
        self.pages = sample_pages()
        self.documents: dict[str, tuple[bytes, str]] = {}  # path -> (body, Content-Type) a test serves
        self.hits: Counter = Counter()
        self.agents: set[str] = set()
        self.lock = threading.Lock()
        self.in_flight = self.max_in_flight = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.site = self
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def feed(self) -> str:
        items = "".join(
            f"<item><title>{html.escape(title)}</title><link>{self.url(path)}</link>"
            f"<pubDate>{formatdate(1_700_000_000 + n * 86_400, usegmt=True)}</pubDate>"
            f"<description>Release {n}</description></item>"
            for n, (path, (title, _)) in enumerate(sorted(self.pages.items())))
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Releases</title>"
                f"<link>{self.base}/</link>{items}</channel></rss>")

    def sitemap(self) -> str:
        urls = "".join(f"<url><loc>{self.url(path)}</loc></url>" for path in sorted(self.pages))
        return f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def send(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", **headers):
        self.server.site.hits[(self.path, status)] += 1  # before the reply, which the client may act on at once
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", headers.pop("length", str(len(body))))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def trickle(self, body: bytes, every: float) -> None:
        """`body` a byte at a time, `every` seconds apart: never silent long enough for a between-bytes timeout."""
        self.server.site.hits[(self.path, 200)] += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(every)
        except OSError:  # the client gave up
            pass

    def do_GET(self) -> None:
        site, path = self.server.site, self.path
        site.agents.add(self.headers.get("User-Agent", ""))
        first = site.hits[(path, 500)] + site.hits[(path, 429)] == 0
        if path in site.pages:
            body = site.pages[path][1].encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, etag=etag)
            return self.send(200, body, etag=etag, last_modified=formatdate(1_700_000_000, usegmt=True))
        if path in site.documents:
            return self.send(200, *site.documents[path])
        if path.startswith("/redirect?to="):
            return self.send(302, location=unquote(path.removeprefix("/redirect?to=")))
        if path == "/trickle":
            return self.trickle(b"<html><body>" + b"x" * 1000 + b"</body></html>", every=0.2)
        if path == "/feed.xml":
            return self.send(200, site.feed().encode(), "application/rss+xml")
        if path == "/sitemap.xml":
            return self.send(200, site.sitemap().encode(), "application/xml")
        if path == "/sitemap-index.xml.gz":
            index = (f"<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                     f"<sitemap><loc>{site.url('/sitemap.xml')}</loc></sitemap></sitemapindex>")
            return self.send(200, gzip.compress(index.encode()), "application/x-gzip")
        if path == "/slow":
            time.sleep(1.5)
            return self.send(200, b"<html>late</html>")
        if path == "/flaky":
            return self.send(500, b"oops") if first else self.send(200, site.pages["/page/1"][1].encode())
        if path == "/busy":
            return self.send(429, b"slow down", retry_after="1") if first else self.send(200, b"<html>ok</html>")
        if path == "/always-500":
            return self.send(500, b"oops")
        if path == "/to-private":
            return self.send(302, location="http://169.254.169.254/latest/meta-data/")
        if path == "/to-loopback":
            return self.send(302, location=f"http://localhost:{self.server.server_port}/page/1")
        if path == "/to-page":
            return self.send(301, location="/page/1")
        if path == "/loop":
            return self.send(302, location="/loop")
        if path == "/big":
            return self.send(200, b"x" * 300_000)
        if path == "/bomb":
            return self.send(200, BOMB, content_encoding="gzip")
        if path == "/pdf":
            return self.send(200, b"%PDF-1.4 binary", "application/pdf")
        if path.startswith("/wait/"):
            with site.lock:
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
            time.sleep(0.2)
            with site.lock:
                site.in_flight -= 1
            return self.send(200, b"<html>waited</html>")
        return self.send(404, b"not found")


def local(**overrides) -> FetchSettings:
    """Settings that let the tests reach their own server on 127.0.0.1, with short waits."""
    return FetchSettings(**{"allow_private_networks": True, "backoff": 0.05, "timeout": 0.5} | overrides)


def sitemap_document(tag: str, locations) -> tuple[bytes, str]:
    """(body, Content-Type) of a <urlset> or <sitemapindex> listing `locations`, for Site.documents."""
    entry = "url" if tag == "urlset" else "sitemap"
    body = "".join(f"<{entry}><loc>{html.escape(loc)}</loc></{entry}>" for loc in locations)
    return (f"<?xml version='1.0'?><{tag} xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{body}</{tag}>"
            ).encode(), "application/xml"


def corpus_releases(corpus, count: int) -> list[tuple[str, str]]:
    """(title, text) of `count` releases of a corpus folder of offices (../shared's prosecutor press
    releases), taken in turn from every office."""
    offices = [sorted(office.glob("*.txt")) for office in sorted(corpus.iterdir()) if office.is_dir()]
    picked = []
    for n in range(max(map(len, offices))):
        picked += [office[n] for office in offices if n < len(office)]
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in picked[:count]]
    return [(next(line.strip() for line in text.splitlines() if line.strip())[:200], text) for text in texts]


def serve_hostile_mix(site: Site, releases: list[tuple[str, str]]) -> dict[str, str | None]:
    """`site` serving `releases` at /release/N, listed by the sitemap index /index.xml among hostile input: the
    index lists itself, a sitemap of 100,000 URLs (the releases again and again) and indexes nested three deep;
    the releases' sitemap lists pages that trickle, expand to 20 MB, fail, redirect to a private address, to a
    file:// URL or in a loop, hold binary, nothing, or 200,000 words, a release in UTF-16, and a file:// link.
    Returns every page listed -> the reason it must be quarantined for (None: a story copy, "clean": any
    reason of the clean stage, which reads the releases as they are)."""
    site.pages = {f"/release/{n}": (title, page_html(title, text)) for n, (title, text) in enumerate(releases)}
    title, text = releases[0]
    hostile = {
        "/trickle": "deadline", "/bomb": "too-large", "/always-500": "http-500", "/to-private": "private-address",
        "/loop": "too-many-redirects", "/pdf": "unsupported-type", "/missing": "http-404",
        "/redirect?to=file:///etc/hostname": "forbidden-url", "/binary.html": "binary", "/empty.html": "empty",
        "/huge.html": "too-long", "/utf-16.html": None,
    }
    site.documents |= {
        "/binary.html": (bytes(range(256)) * 64, "text/html"),
        "/empty.html": (b"", "text/html"),
        "/huge.html": (("<html><body>" + "<p>The defendant was sentenced today in court.</p>" * 25_000
                        + "</body></html>").encode(), "text/html"),
        "/utf-16.html": (page_html("UTF-16: " + title, text).encode("utf-16"), "text/html"),
    }
    listed = {site.url(path): "clean" for path in site.pages} | {site.url(path): why for path, why in hostile.items()}
    listed["file:///etc/hostname"] = "forbidden-url"

    index = [site.url(path) for path in ("/index.xml", "/releases.xml", "/flood.xml", "/deep-1.xml")]
    site.documents |= {
        "/index.xml": sitemap_document("sitemapindex", index),
        "/releases.xml": sitemap_document("urlset", list(listed)),
        "/flood.xml": sitemap_document("urlset", [site.url(f"/release/{n % len(releases)}") for n in range(100_000)]),
        "/deep-1.xml": sitemap_document("sitemapindex", [site.url("/deep-2.xml")]),
        "/deep-2.xml": sitemap_document("sitemapindex", [site.url("/deep-3.xml")]),
        "/deep-3.xml": sitemap_document("urlset", [site.url("/never-read")]),
    }
    return listed
