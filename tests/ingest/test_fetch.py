"""Fetching against a real HTTP server on 127.0.0.1: retries, Retry-After, timeouts, size caps, redirects,
the address policy, conditional GET and the per-host limit.

The `site` fixture (tests/website.py) is the web site the source and flow tests read too.
"""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from crosswire.ingest.fetch import Fetcher, is_public, retry_after
from crosswire.settings import FetchSettings, Settings
from tests.website import local


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


@pytest.mark.parametrize("host", [
    "[::127.0.0.1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::ffff:0:7f00:1]", "[64:ff9b::7f00:1]",
    "[64:ff9b::a00:1]", "[64:ff9b::a9fe:a9fe]", "[2002:a00:1::]", "[2002:7f00:1::]", "[2002:a9fe:a9fe::1]",
    "[::a00:1]", "[::ffff:0:a00:1]", "[::ffff:c0a8:101]"])
def test_private_ipv4_addresses_spelt_as_ipv6_are_refused(host):
    with Fetcher(FetchSettings(retries=0)) as fetcher:
        page = fetcher.fetch(f"http://{host}/latest/meta-data/")
    assert page.reason == "private-address" and page.content == b""


@pytest.mark.parametrize("address", ["8.8.8.8", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
                                     "2606:4700::1111"])
def test_public_addresses_pass_the_guard_in_every_spelling(address):
    assert is_public(address)


def test_a_redirect_to_a_local_file_is_refused_even_with_private_networks_allowed(site, tmp_path):
    canary = tmp_path / "canary.txt"
    canary.write_bytes(b"canary: never to be stored")
    with Fetcher(local()) as fetcher:
        page = fetcher.fetch(site.url(f"/redirect?to={canary.as_uri()}"))
    assert page.reason == "forbidden-url" and page.content == b"" and page.final_url == canary.as_uri()


def test_a_trickling_body_is_cut_at_the_deadline_and_not_retried(site):
    """One byte every 0.2 s: the between-bytes timeout never fires, the deadline does."""
    started = time.perf_counter()
    with Fetcher(local(timeout=1, deadline=1, retries=2)) as fetcher:
        page = fetcher.fetch(site.url("/trickle"))
    assert page.reason == "deadline" and page.content == b"" and "bytes read" in page.detail
    assert time.perf_counter() - started < 2  # at most one between-bytes wait past the deadline
    assert site.hits[("/trickle", 200)] == 1


def test_the_deadline_has_a_legacy_flat_name():
    assert Settings(fetch_deadline=5).fetch.deadline == 5 and FetchSettings().deadline == 60
