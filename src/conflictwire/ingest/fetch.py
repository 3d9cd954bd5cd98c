"""Fetch one URL safely: a report URL comes from a feed or a user, so treat it as hostile.

Only http/https; connect/read timeouts and a total deadline; a streamed size cap; redirects followed by hand (at
most ``max_redirects``) so every target is checked again; and the address actually connected to must be public
unless ``allow_private`` is set. The address check sits in the network backend, at connect time, on the very IP
the socket opens: a name that resolves to a public address for a pre-check and to 127.0.0.1 for the request (DNS
rebinding) is refused too, and so is every redirect hop.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx

from .. import __version__
from ..errors import InputError

USER_AGENT = (
    f"conflictwire/{__version__} (+https://github.com/conflictwire/conflictwire; conflict event coder)"
)
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
TOTAL_TIMEOUT = 30.0
_REDIRECTS = {301, 302, 303, 307, 308}


class BlockedAddress(Exception):
    """The host resolves to an address conflictwire will not connect to (private, loopback, ...)."""


def address_problem(ip: str) -> str | None:
    """Why this address is refused, or None when it is a public unicast address."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped  # ::ffff:127.0.0.1 is loopback, whatever its spelling
    for attr, why in (
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_unspecified", "unspecified"),
        ("is_reserved", "reserved"),
        ("is_private", "private"),
    ):
        if getattr(addr, attr):
            return f"{why} address {addr}"
    if not addr.is_global:  # shared address space (100.64/10) and the like
        return f"non-public address {addr}"
    return None


# The instant (time.monotonic) by which the current fetch must be done. Every socket read and write is bounded by
# it, so a server that trickles its headers a byte at a time cannot hold a poll for longer than the total limit.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "conflictwire_fetch_deadline", default=None
)


def _left(timeout: float | None, exc: type[Exception]) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise exc("the total time limit is over")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        t = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, t))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, refuses non-public addresses, then connects to the checked IP."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve host {host!r}: {exc.strerror}") from None
        ips = list(dict.fromkeys(info[4][0] for info in infos))
        if not self.allow_private:
            for ip in ips:
                if why := address_problem(ip):
                    raise BlockedAddress(
                        f"host {host!r} resolves to a {why} (use --allow-private to permit it)"
                    )
        last: Exception | None = None
        for ip in ips:
            try:
                t = _left(timeout, httpcore.ConnectTimeout)
                return _DeadlineStream(super().connect_tcp(ip, port, t, local_address, socket_options))
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host!r}")


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow_private: bool, cafile: str | None = None):
        super().__init__(trust_env=False)
        # Environment proxies are ignored on purpose: a proxy would resolve the name and defeat the address check.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(cafile=cafile or certifi.where()),
            network_backend=_GuardedBackend(allow_private),
            max_connections=10,
        )


@dataclass
class Fetched:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # media type only, lower case ("text/html")
    content: bytes
    encoding: str | None = None
    etag: str = ""
    last_modified: str = ""
    headers: dict = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        for enc in (self.encoding, "utf-8"):
            if enc:
                try:
                    return self.content.decode(enc)
                except (LookupError, UnicodeDecodeError):
                    pass
        return self.content.decode("latin-1")

    @property
    def kind(self) -> str:
        """html | feed | json | text, from the content type and, when that is vague, the first bytes."""
        return sniff_kind(self.content_type, self.content, self.final_url)


def sniff_kind(content_type: str, content: bytes, url: str = "") -> str:
    ct = (content_type or "").lower()
    if ct in ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"):
        return "feed"
    if ct in ("text/html", "application/xhtml+xml"):
        return "html"
    if ct in ("application/json", "application/x-ndjson", "application/jsonl"):
        return "jsonl" if "nd" in ct or "jsonl" in ct else "json"
    head = content[:2048].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if ct in ("text/xml", "application/xml") or head.startswith(b"<?xml"):
        # A feed announces itself in its root element; otherwise XML here is most likely XHTML.
        if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
            return "feed"
        return "html" if b"<html" in head else "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if head.startswith((b"<rss", b"<feed")):
        return "feed"
    if ct == "text/plain" or not ct:
        return "text"
    return "unknown"


def check_url(url: str) -> str:
    """The URL itself must be http(s) with a host; returns it stripped."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(url, f"only http and https URLs are fetched, not {parts.scheme or 'no scheme'!r}")
    if not parts.hostname:
        raise InputError(url, "the URL has no host")
    return url


def fetch(
    url: str,
    allow_private: bool = False,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    timeout: float = TOTAL_TIMEOUT,
    etag: str = "",
    last_modified: str = "",
    client: httpx.Client | None = None,
) -> Fetched:
    """GET ``url`` within the limits above. Raises InputError(url, reason) on anything it will not or cannot read.

    ``etag``/``last_modified`` make it a conditional GET: a 304 comes back as ``Fetched.not_modified``.
    """
    start = check_url(url)
    own = client is None
    client = client or make_client(allow_private)
    deadline = time.monotonic() + timeout
    token = _DEADLINE.set(deadline)
    try:
        current = start
        seen: list[str] = []
        for _hop in range(max_redirects + 1):
            seen.append(current)
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            resp = _get(client, current, headers, max_bytes, deadline, start)
            if resp.status in _REDIRECTS:
                location = resp.headers.get("location", "")
                if not location:
                    raise InputError(start, f"redirect ({resp.status}) without a Location from {current}")
                target = urljoin(current, location)
                try:
                    check_url(target)
                except InputError as exc:
                    raise InputError(start, f"redirected to a refused URL {target}: {exc.reason}") from None
                if target in seen:
                    raise InputError(start, f"redirect loop at {target}")
                current = target
                continue
            resp.url = start
            return resp
        raise InputError(start, f"more than {max_redirects} redirects")
    finally:
        _DEADLINE.reset(token)
        if own:
            client.close()


def make_client(allow_private: bool = False, cafile: str | None = None) -> httpx.Client:
    """An httpx client whose every connection passes the address check; ``cafile`` trusts a private CA."""
    return httpx.Client(
        transport=_GuardedTransport(allow_private, cafile),
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html, application/rss+xml, application/atom+xml, */*",
        },
        timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
        follow_redirects=False,
        trust_env=False,
    )


def _get(
    client: httpx.Client, url: str, headers: dict, max_bytes: int, deadline: float, where: str
) -> Fetched:
    try:
        with client.stream("GET", url, headers=headers) as r:
            status = r.status_code
            if status in _REDIRECTS or status == 304:
                return Fetched(
                    url, url, status, "", b"", headers={k.lower(): v for k, v in r.headers.items()}
                )
            if status >= 400:
                raise InputError(where, f"HTTP {status} {r.reason_phrase} from {url}")
            declared = r.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise InputError(where, f"body of {int(declared)} bytes is over the {max_bytes}-byte cap")
            chunks, size = [], 0
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(where, f"body is over the {max_bytes}-byte cap; stopped reading")
                if time.monotonic() > deadline:
                    raise InputError(where, "took longer than the total time limit; stopped reading")
                chunks.append(chunk)
            ctype = r.headers.get("content-type", "")
            return Fetched(
                url=url,
                final_url=str(r.url),
                status=status,
                content_type=ctype.split(";", 1)[0].strip().lower(),
                content=b"".join(chunks),
                encoding=r.charset_encoding,
                etag=r.headers.get("etag", ""),
                last_modified=r.headers.get("last-modified", ""),
                headers={k.lower(): v for k, v in r.headers.items()},
            )
    except BlockedAddress as exc:
        raise InputError(where, f"refused: {exc}") from None
    except httpx.TimeoutException:
        if time.monotonic() >= deadline - 0.05:
            raise InputError(where, f"took longer than the total time limit fetching {url}") from None
        raise InputError(where, f"timed out fetching {url}") from None
    except httpx.HTTPError as exc:
        raise InputError(where, f"cannot fetch {url}: {exc or type(exc).__name__}") from None
