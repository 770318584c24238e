"""Fetching against a real HTTP server on 127.0.0.1: retries, Retry-After, timeouts, size caps, redirects,
the address policy, conditional GET and the per-host limit.

The `site` fixture is the web site the source and flow tests read too: pages made from the bundled
sample (article pages, a bot wall), a feed, a sitemap, and endpoints that misbehave on purpose.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crosswire.ingest.fetch import Fetcher, retry_after
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


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


def local(**overrides) -> FetchSettings:
    """Settings that let the tests reach their own server on 127.0.0.1, with short waits."""
    return FetchSettings(**{"allow_private_networks": True, "backoff": 0.05, "timeout": 0.5} | overrides)


def test_page_is_fetched_with_validators_and_user_agent(site):
    with Fetcher(local()) as fetcher:
        page = fetcher.fetch(site.url("/page/1"))
    assert page.ok and page.status == 200 and b"<article>" in page.content
    assert page.etag and page.last_modified and page.content_type.startswith("text/html")
    assert site.agents == {FetchSettings().user_agent}


def test_conditional_get_returns_not_modified(site):
    with Fetcher(local()) as fetcher:
        first = fetcher.fetch(site.url("/page/2"))
        again = fetcher.fetch(site.url("/page/2"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and not again.ok and again.content == b""
    assert site.hits[("/page/2", 304)] == 1


def test_server_error_is_retried_then_succeeds(site):
    with Fetcher(local()) as fetcher:
        page = fetcher.fetch(site.url("/flaky"))
    assert page.ok and site.hits[("/flaky", 500)] == 1 and site.hits[("/flaky", 200)] == 1


def test_persistent_server_error_fails_with_its_status(site):
    with Fetcher(local(retries=2)) as fetcher:
        page = fetcher.fetch(site.url("/always-500"))
    assert page.reason == "http-500" and "after 3 attempt(s)" in page.detail
    assert site.hits[("/always-500", 500)] == 3


def test_too_many_requests_waits_for_retry_after(site):
    started = time.perf_counter()
    with Fetcher(local()) as fetcher:
        page = fetcher.fetch(site.url("/busy"))
    assert page.ok and time.perf_counter() - started >= 1.0  # the header's 1 s, not the 0.05 s backoff


def test_retry_after_longer_than_allowed_is_a_failure(site):
    with Fetcher(local(max_retry_after=0.5)) as fetcher:
        page = fetcher.fetch(site.url("/busy"))
    assert page.reason == "http-429" and "Retry-After too long" in page.detail


def test_retry_after_header_forms():
    assert retry_after("7", 1.0) == 7.0
    assert retry_after(formatdate(time.time() + 30, usegmt=True), 1.0) == pytest.approx(30, abs=2)
    assert retry_after("soon", 1.5) == 1.5 and retry_after(None, 2.0) == 2.0


def test_slow_server_times_out(site):
    with Fetcher(local(retries=0)) as fetcher:
        page = fetcher.fetch(site.url("/slow"))
    assert page.reason == "timeout" and page.status is None


def test_oversized_and_decompression_bomb_are_cut_off(site):
    with Fetcher(local(max_bytes=100_000)) as fetcher:
        big, bomb = fetcher.fetch(site.url("/big")), fetcher.fetch(site.url("/bomb"))
    assert big.reason == "too-large" and "Content-Length 300000" in big.detail
    assert bomb.reason == "too-large" and "after decompression" in bomb.detail and bomb.content == b""


def test_redirects_are_followed_to_a_limit(site):
    with Fetcher(local(max_redirects=3)) as fetcher:
        moved, looping = fetcher.fetch(site.url("/to-page")), fetcher.fetch(site.url("/loop"))
    assert moved.ok and moved.final_url == site.url("/page/1") and moved.url == site.url("/to-page")
    assert looping.reason == "too-many-redirects"


def test_private_addresses_are_refused_by_default(site):
    with Fetcher(FetchSettings()) as fetcher:
        page = fetcher.fetch(site.url("/page/1"))
        metadata = fetcher.fetch("http://169.254.169.254/latest/meta-data/")
        file = fetcher.fetch("file:///etc/passwd")
    assert page.reason == "private-address" and "127.0.0.1" in page.detail
    assert metadata.reason == "private-address"
    assert file.reason == "forbidden-url" and file.content == b""
    assert sum(site.hits.values()) == 0  # nothing was sent


def test_redirect_to_a_private_address_is_refused(site):
    """The server itself is allowed by name; where it redirects is checked again, hop by hop."""
    with Fetcher(FetchSettings(allowed_private_hosts=["127.0.0.1"])) as fetcher:
        assert fetcher.fetch(site.url("/page/1")).ok
        link_local = fetcher.fetch(site.url("/to-private"))
        loopback = fetcher.fetch(site.url("/to-loopback"))
    assert link_local.reason == "private-address" and "169.254.169.254" in link_local.detail
    assert loopback.reason == "private-address" and loopback.final_url.startswith("http://localhost:")


def test_file_urls_are_read_only_when_allowed(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body>local</body></html>")
    with Fetcher(local()) as fetcher:
        assert fetcher.fetch(page.as_uri()).content == page.read_bytes()
    with Fetcher(FetchSettings()) as fetcher:
        assert fetcher.fetch(page.as_uri()).reason == "forbidden-url"


def test_per_host_limit_bounds_concurrent_requests(site):
    urls = [(site.url(f"/wait/{n}"), None, None) for n in range(8)]
    with Fetcher(local(concurrency=8, per_host=2)) as fetcher:
        results = fetcher.fetch_all(urls)
    assert all(r.ok for r in results) and [r.url for r in results] == [u for u, _, _ in urls]
    assert site.max_in_flight == 2


def test_unknown_host_is_a_dns_error():
    with Fetcher(FetchSettings(retries=0)) as fetcher:
        page = fetcher.fetch("http://no-such-host.invalid/feed.xml")
    assert page.reason == "dns-error"
