"""HTTP fetching for feeds, sitemaps and pages: polite, bounded, and never raising.

Every request carries the User-Agent and connect/read timeouts; 5xx, 429 and network errors are retried
with exponential backoff (a Retry-After header wins when it is not longer than allowed); at most
`fetch_per_host` requests go to one host at once; bodies are cut off past `fetch_max_bytes`, counted
after decompression, so a gzip bomb stops there, and past `fetch.deadline` seconds, so a server
trickling bytes does too; redirects are followed by hand, each hop checked again.
Unless `allow_private_networks`, file:// URLs and hosts resolving to private, loopback, link-local or
otherwise non-global addresses are refused (`allowed_private_hosts` names exceptions); a private IPv4
address spelt as IPv6 (mapped, compatible, NAT64, 6to4) is as private as itself. A redirect to file://
is refused whatever `allow_private_networks` says: the flag opens private networks, not the local disk,
which only a file:// SOURCE reads. A failure is a `Fetched` with a reason, never an exception.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import socket
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import httpx

RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class Fetched:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int | None = None
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None  # why it failed: 'http-404', 'timeout', 'too-large', 'private-address' ...
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None and self.status != 304

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """One HTTP client shared by threads; use as a context manager so its connections close."""

    def __init__(self, settings):
        self.settings = settings
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            headers={"User-Agent": settings.user_agent},
            follow_redirects=False,  # each hop is checked against the address policy first
        )
        self._hosts: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(settings.per_host))
        self._hosts_lock = threading.Lock()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def fetch_all(self, requests: list[tuple[str, str | None, str | None]]) -> list[Fetched]:
        """Fetch (url, etag, last_modified) requests concurrently; results in the order asked."""
        if len(requests) <= 1:
            return [self.fetch(*r) for r in requests]
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            return list(pool.map(lambda r: self.fetch(*r), requests))

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET `url`, conditionally when `etag` or `last_modified` is known (then a 304 is `not_modified`)."""
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if refusal := self.refusal(current):
                return Fetched(url, current, reason=refusal[0], detail=refusal[1])
            if urlsplit(current).scheme == "file":
                return self._read_file(url, current)
            result, location = self._get(url, current, headers)
            if location is None:
                return result
            current = urljoin(current, location)
            if urlsplit(current).scheme.lower() == "file":  # a server never leads to the local disk
                return Fetched(url, current, reason="forbidden-url", detail=f"redirected to {current[:200]}: "
                               "local files are read only when given as a SOURCE")
        return Fetched(url, current, reason="too-many-redirects",
                       detail=f"more than {self.settings.max_redirects} redirects")

    def refusal(self, url: str) -> tuple[str, str] | None:
        """(reason, detail) when the address policy forbids fetching `url`, else None."""
        parts = urlsplit(url)
        allow = self.settings.allow_private_networks
        if parts.scheme == "file":
            return None if allow else ("forbidden-url", "file:// URLs are refused (allow_private_networks "
                                       "permits them)")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "unsupported-url", f"not an http(s) URL: {url[:200]}"
        if allow or parts.hostname in self.settings.allowed_private_hosts:
            return None
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            return "dns-error", f"{parts.hostname}: {error}"
        for address in {info[4][0] for info in infos}:
            if not is_public(address):
                return ("private-address", f"{parts.hostname} resolves to {address}, not a public address "
                        "(allow_private_networks permits it)")
        return None

    def _get(self, url: str, current: str, headers: dict) -> tuple[Fetched, str | None]:
        """One hop with retries: (result, redirect location or None)."""
        settings = self.settings
        host = urlsplit(current).netloc
        with self._hosts_lock:
            slot = self._hosts[host]
        for attempt in range(settings.retries + 1):
            wait = settings.backoff * 2 ** attempt
            with slot:
                try:
                    started = time.monotonic()
                    with self.client.stream("GET", current, headers=headers) as response:
                        status = response.status_code
                        if response.is_redirect and "location" in response.headers:
                            return Fetched(url, current, status), response.headers["location"]
                        if status in RETRY_STATUSES and attempt < settings.retries:
                            wait = retry_after(response.headers.get("retry-after"), wait)
                            if wait > settings.max_retry_after:
                                return self._failed(url, current, response, attempt, "Retry-After too long"), None
                        elif status == 304:
                            return Fetched(url, current, 304), None
                        elif status >= 400:
                            return self._failed(url, current, response, attempt), None
                        else:
                            return self._read_body(url, current, response, started), None
                except httpx.TimeoutException as error:
                    failure = Fetched(url, current, reason="timeout", detail=f"{type(error).__name__} after "
                                      f"{attempt + 1} attempt(s)")
                except httpx.DecodingError as error:
                    return Fetched(url, current, reason="decoding-error", detail=str(error)[:300]), None
                except httpx.TransportError as error:
                    failure = Fetched(url, current, reason="connect-error",
                                      detail=f"{type(error).__name__}: {error}"[:300])
                else:
                    failure = None
            if failure is not None and attempt == settings.retries:
                return failure, None
            time.sleep(wait)
        raise AssertionError("unreachable: the last attempt always returns")

    def _failed(self, url: str, current: str, response: httpx.Response, attempt: int, why: str = "") -> Fetched:
        status = response.status_code
        detail = f"HTTP {status} {response.reason_phrase} after {attempt + 1} attempt(s)" + (f"; {why}" if why else "")
        return Fetched(url, current, status, reason=f"http-{status}", detail=detail)

    def _read_body(self, url: str, current: str, response: httpx.Response, started: float) -> Fetched:
        """The body, unless it passes the size cap or the deadline (counted from the request, checked as each
        piece arrives, so passed by at most the between-bytes timeout). Neither is retried: a server that
        sent too much, or too slowly, would do it again."""
        cap, deadline = self.settings.max_bytes, started + self.settings.deadline
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            return Fetched(url, current, response.status_code, reason="too-large",
                           detail=f"Content-Length {declared} > {cap} bytes")
        body, size = [], 0
        for chunk in response.iter_bytes():  # decompressed: the cap bounds what a small gzip expands to
            size += len(chunk)
            if size > cap:
                return Fetched(url, current, response.status_code, reason="too-large",
                               detail=f"body past {cap} bytes after decompression "
                               f"({response.num_bytes_downloaded} bytes on the wire)")
            body.append(chunk)
            if time.monotonic() > deadline:
                return Fetched(url, current, response.status_code, reason="deadline",
                               detail=f"body not complete {self.settings.deadline:g} s after the request "
                               f"({size} bytes read)")
        headers = response.headers
        return Fetched(url, current, response.status_code, b"".join(body), headers.get("content-type"),
                       headers.get("etag"), headers.get("last-modified"))

    def _read_file(self, url: str, current: str) -> Fetched:
        path = Path(url2pathname(urlsplit(current).path))
        try:
            size = path.stat().st_size
            cap = self.settings.max_bytes
            if size > cap:
                return Fetched(url, current, reason="too-large", detail=f"{size} bytes > {cap}")
            return Fetched(url, current, 200, path.read_bytes(), mimetypes.guess_type(path.name)[0])
        except OSError as error:
            return Fetched(url, current, reason="unreadable", detail=str(error))


# IPv6 prefixes whose last 32 bits are an IPv4 address a packet reaches: IPv4-compatible, IPv4-mapped,
# IPv4-translated (SIIT) and NAT64's well-known prefix. A private IPv4 address spelt in one of them is
# as private as the address itself, though the IPv6 address alone reads as global.
IPV4_IN_LAST_32_BITS = [ipaddress.ip_network(prefix) for prefix in
                        ("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96")]


def is_public(address: str) -> bool:
    """Whether `address` (an IP as getaddrinfo gives it) and the IPv4 address it may carry are global unicast."""
    ip = ipaddress.ip_address(address.split("%")[0])
    reached = [ip, *embedded_ipv4(ip)]
    return all(each.is_global and not each.is_multicast for each in reached)


def embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 address an IPv6 address carries (6to4, or in its last 32 bits), else nothing."""
    if ip.version == 4:
        return []
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if any(ip in prefix for prefix in IPV4_IN_LAST_32_BITS):
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def retry_after(header: str | None, default: float) -> float:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), else `default`."""
    if not header:
        return default
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        return max(0.0, (parsedate_to_datetime(header) - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError):
        return default
