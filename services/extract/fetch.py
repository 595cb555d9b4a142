"""Fetch a page on a user's behalf and keep its main text (trafilatura).

A URL posted to the API is a request the *worker* makes, from inside our network, so it is
guarded like one (server-side request forgery):

- only ``http`` and ``https``;
- the host name is resolved once, every address it resolves to must be public, and the
  connection goes to the address that was checked (``_PinnedAdapter``), so a DNS answer
  that changes between the check and the connect (rebinding) cannot reach an inner host;
  the Host header, TLS SNI and certificate check still use the host name;
- redirects are followed here, one hop at a time, and every hop is checked the same way,
  at most ``fetch_max_redirects`` of them;
- the body is capped at ``fetch_max_bytes`` (refused early on Content-Length, counted
  while streaming, after decompression), and the whole fetch at ``fetch_deadline``
  seconds, on top of ``fetch_timeout`` for each connect and read;
- environment proxies are ignored: through a proxy the checked address would not be the
  one contacted.

``fetch_allowed_hosts`` names hosts (``name`` or ``name:port``) that may be private, for a
trusted intranet source or a test server; an IP literal there also allows that address
when another name resolves to it.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import trafilatura
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from shared.errors import (
    ArticleTooLarge,
    FetchRefused,
    InvalidInput,
    UnsupportedContent,
    UpstreamError,
    UpstreamTimeout,
)
from shared.logging import get_logger
from shared.settings import Settings

__all__ = [
    "FetchedFeed",
    "FetchedPage",
    "Resolver",
    "fetch_feed",
    "fetch_html",
    "fetch_main_text",
    "main_text",
    "refusal_reason",
]

log = get_logger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

_SCHEMES = {"http": 80, "https": 443}
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024

# Named here because ``is_global`` alone lets them through, or to give a clear reason.
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_IETF_PROTOCOL = ipaddress.ip_network("192.0.0.0/24")  # some of it counts as "global"
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


@dataclass(frozen=True, slots=True)
class FetchedPage:
    text: str
    title: str


@dataclass(frozen=True, slots=True)
class FetchedFeed:
    """A feed document, or ``not_modified`` (HTTP 304) with no body."""

    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    encoding: str | None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64, compatible), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in net for net in _NAT64) or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.teredo is not None:
        return address.teredo[1]
    return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why the fetcher will not connect to ``address``, or None if it is a public unicast one."""
    if address in _METADATA:
        return "cloud metadata"
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            reason = refusal_reason(inner)
            return f"{reason} (inside {address})" if reason else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("carrier-grade NAT", isinstance(address, ipaddress.IPv4Address) and address in _CGNAT),
        ("reserved", address.is_reserved),
        (
            "special-purpose",
            isinstance(address, ipaddress.IPv4Address) and address in _IETF_PROTOCOL,
        ),
        ("private", address.is_private),
        ("not globally routable", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UpstreamError(f"cannot resolve {host!r}: {exc}") from exc
    ordered: dict[str, None] = {}
    for *_, sockaddr in infos:
        ordered.setdefault(str(sockaddr[0]).split("%", 1)[0], None)
    return list(ordered)


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    address: str  # the checked IP the connection must go to


def _allowed(allowed_hosts: Iterable[str], *names: str) -> bool:
    wanted = {name.lower() for name in names}
    return any(entry.strip().lower() in wanted for entry in allowed_hosts)


def _check(url: str, *, settings: Settings, resolver: Resolver) -> _Target:
    """Validate one hop: scheme, host, and every address the host resolves to."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"malformed URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise FetchRefused(f"scheme {scheme or '(none)'!r} is not fetched; only http and https")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused(f"URL {url!r} has no host")
    port = port or _SCHEMES[scheme]
    host_allowed = _allowed(settings.fetch_allowed_hosts, host, f"{host}:{port}")
    addresses = resolver(host, port)
    if not addresses:
        raise UpstreamError(f"{host!r} resolved to no address")
    for raw in addresses:
        try:
            address = ipaddress.ip_address(raw)
        except ValueError as exc:
            raise FetchRefused(f"{host!r} resolved to {raw!r}, not an IP address") from exc
        reason = refusal_reason(address)
        if (
            reason
            and not host_allowed
            and not _allowed(settings.fetch_allowed_hosts, raw, f"{raw}:{port}")
        ):
            # One bad address refuses the host: a name that mixes public and inner
            # addresses is either misconfigured or an attack.
            raise FetchRefused(
                f"{host!r} resolves to {address} ({reason}); refusing to fetch {url!r}"
            )
    return _Target(url=url, scheme=scheme, host=host, port=port, address=addresses[0])


# --- connections pinned to the checked address ----------------------------------------------


def _pinned_new_conn(conn: HTTPConnection, address: str) -> socket.socket:
    # Same as urllib3's ``_new_conn`` but to the checked address, never a fresh lookup.
    try:
        return urllib3.util.connection.create_connection(
            (address, conn.port),
            conn.timeout,
            source_address=conn.source_address,
            socket_options=conn.socket_options,
        )
    except TimeoutError as exc:
        raise ConnectTimeoutError(conn, f"connection to {conn.host} ({address}) timed out") from exc
    except OSError as exc:
        raise NewConnectionError(
            conn, f"failed to connect to {conn.host} ({address}): {exc}"
        ) from exc


class _PinnedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, pinned_address: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pinned_address = pinned_address

    def _new_conn(self) -> socket.socket:
        return _pinned_new_conn(self, self.pinned_address)


class _PinnedHTTPSConnection(HTTPSConnection):
    # TLS is wrapped around this socket with server_hostname=self.host: SNI and the
    # certificate check are for the name, the TCP connection is to the checked address.
    def __init__(self, *args: Any, pinned_address: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pinned_address = pinned_address

    def _new_conn(self) -> socket.socket:
        return _pinned_new_conn(self, self.pinned_address)


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


_SSL_ONLY = (
    "ssl_context",
    "cert_reqs",
    "ca_certs",
    "ca_cert_dir",
    "cert_file",
    "key_file",
    "key_password",
    "assert_hostname",
    "assert_fingerprint",
    "ssl_version",
    "ssl_minimum_version",
    "ssl_maximum_version",
)


class _PinnedAdapter(HTTPAdapter):
    """A transport for one checked hop: every connection goes to ``target.address``."""

    def __init__(self, target: _Target) -> None:
        super().__init__(max_retries=0, pool_connections=1, pool_maxsize=1)
        self.target = target
        self._pool: HTTPConnectionPool | None = None

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: bool | str | None,
        proxies: dict[str, str] | None = None,
        cert: Any = None,
    ) -> HTTPConnectionPool:
        del proxies  # never through a proxy: the proxy would make its own lookup
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(
            request, True if verify is None else verify, cert
        )
        asked = (
            host_params["scheme"],
            (host_params["host"] or "").rstrip(".").lower(),
            host_params["port"] or _SCHEMES.get(host_params["scheme"]),
        )
        if asked != (self.target.scheme, self.target.host.lower(), self.target.port):
            raise FetchRefused(
                f"request to {request.url!r} is not the checked hop {self.target.url!r}"
            )
        if self._pool is None:
            if self.target.scheme == "https":
                self._pool = _PinnedHTTPSPool(
                    self.target.host,
                    self.target.port,
                    maxsize=1,
                    pinned_address=self.target.address,
                    **pool_kwargs,
                )
            else:
                plain = {k: v for k, v in pool_kwargs.items() if k not in _SSL_ONLY}
                self._pool = _PinnedHTTPPool(
                    self.target.host,
                    self.target.port,
                    maxsize=1,
                    pinned_address=self.target.address,
                    **plain,
                )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        super().close()


# --- fetching --------------------------------------------------------------------------------


class _Deadline:
    def __init__(self, seconds: float, url: str) -> None:
        self.url = url
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise UpstreamTimeout(f"fetching {self.url} took longer than {self.seconds}s")
        return left


def _read_capped(
    response: requests.Response, *, url: str, settings: Settings, deadline: _Deadline
) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.fetch_max_bytes:
        raise ArticleTooLarge(
            f"{url} declares {declared} bytes; the limit is {settings.fetch_max_bytes}"
        )
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    while True:
        # Each read waits at most what is left of the deadline, so a server that drips
        # a byte at a time cannot stretch the fetch past it.
        wait = min(settings.fetch_timeout, deadline.remaining())
        sock = getattr(raw.connection, "sock", None)
        if sock is not None:
            sock.settimeout(wait)
        try:
            chunk = raw.read1(_CHUNK, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise UpstreamTimeout(f"{url} stopped sending for {wait:.1f}s") from exc
        except urllib3.exceptions.HTTPError as exc:
            raise UpstreamError(f"reading {url} failed: {type(exc).__name__}") from exc
        if not chunk:
            break
        size += len(chunk)
        if size > settings.fetch_max_bytes:
            raise ArticleTooLarge(f"{url} is larger than {settings.fetch_max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _get_once(
    http: requests.Session,
    adapter: _PinnedAdapter,
    *,
    settings: Settings,
    deadline: _Deadline,
    headers: dict[str, str],
) -> requests.Response:
    target = adapter.target
    wait = min(settings.fetch_timeout, deadline.remaining())
    # An exact origin prefix: longer than any adapter the caller mounted, so it wins.
    prefix = f"{target.scheme}://{urlsplit(target.url).netloc}"
    previous = http.adapters.get(prefix)
    http.mount(prefix, adapter)
    try:
        return http.get(
            target.url,
            timeout=(wait, wait),
            stream=True,
            allow_redirects=False,
            proxies={"http": "", "https": ""},
            headers={"User-Agent": settings.fetch_user_agent, **headers},
        )
    except requests.Timeout as exc:
        raise UpstreamTimeout(f"{target.url} did not answer within {wait:.1f}s") from exc
    except requests.ConnectionError as exc:
        raise UpstreamError(f"could not connect to {target.url}: {type(exc).__name__}") from exc
    finally:
        if previous is None:
            http.adapters.pop(prefix, None)
        else:
            http.mount(prefix, previous)


def _fetch(
    *,
    url: str,
    settings: Settings,
    headers: dict[str, str],
    accepts: Callable[[str], bool],
    kind: str,
    session: requests.Session | None,
    resolver: Resolver | None,
) -> _Answer:
    """GET ``url`` after the SSRF checks above, one redirect hop at a time; a 304 comes
    back with no body, a content type ``accepts`` refuses raises ``UnsupportedContent``."""
    http = session or requests.Session()
    http.trust_env = False  # no proxies or netrc from the environment
    resolve = resolver or system_resolver
    deadline = _Deadline(settings.fetch_deadline, url)
    current = url
    try:
        for hop in range(settings.fetch_max_redirects + 1):
            adapter = _PinnedAdapter(_check(current, settings=settings, resolver=resolve))
            with (
                closing(adapter),
                _get_once(
                    http, adapter, settings=settings, deadline=deadline, headers=headers
                ) as response,
            ):
                if response.status_code in _REDIRECTS and response.headers.get("location"):
                    current = urljoin(current, response.headers["location"])
                    log.info("fetch_redirect", hop=hop + 1, status=response.status_code)
                    continue
                if response.status_code == 304:
                    return _Answer(304, b"", dict(response.headers), None)
                if response.status_code >= 500:
                    raise UpstreamError(f"{current} answered {response.status_code}")
                if response.status_code >= 400:
                    raise InvalidInput(f"{current} answered {response.status_code}")
                content_type = response.headers.get("content-type", "text/html").lower()
                if not accepts(content_type):
                    raise UnsupportedContent(f"{current} is {content_type}, not {kind}")
                body = _read_capped(response, url=current, settings=settings, deadline=deadline)
                return _Answer(
                    response.status_code, body, dict(response.headers), response.encoding
                )
        raise InvalidInput(f"{url} redirects more than {settings.fetch_max_redirects} times")
    finally:
        if session is None:
            http.close()


def _is_page(content_type: str) -> bool:
    return "html" in content_type or "text/plain" in content_type


def fetch_html(
    *,
    url: str,
    settings: Settings,
    session: requests.Session | None = None,
    resolver: Resolver | None = None,
) -> str:
    """The page at ``url`` as text, after the SSRF checks above; raises from ``shared.errors``."""
    answer = _fetch(
        url=url,
        settings=settings,
        headers={"Accept": "text/html,application/xhtml+xml"},
        accepts=_is_page,
        kind="an HTML page",
        session=session,
        resolver=resolver,
    )
    if answer.status == 304:  # never asked for: no validators were sent
        raise UpstreamError(f"{url} answered 304 to an unconditional request")
    try:
        return answer.body.decode(answer.encoding or "utf-8", errors="replace")
    except LookupError:  # an encoding name Python does not know
        return answer.body.decode("utf-8", errors="replace")


def _is_feed(content_type: str) -> bool:
    # Feeds are served under many types: the XML family, RSS and Atom's own, and text.
    return (
        "xml" in content_type
        or "rss" in content_type
        or "atom" in content_type
        or (content_type.startswith("text/"))
    )


def fetch_feed(
    *,
    url: str,
    settings: Settings,
    etag: str | None = None,
    last_modified: str | None = None,
    session: requests.Session | None = None,
    resolver: Resolver | None = None,
) -> FetchedFeed:
    """An RSS or Atom document at ``url``, guarded as ``fetch_html`` is; conditional on
    ``etag`` and ``last_modified`` when given (then a 304 is ``not_modified``)."""
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    answer = _fetch(
        url=url,
        settings=settings,
        headers=headers,
        accepts=_is_feed,
        kind="a feed",
        session=session,
        resolver=resolver,
    )
    lowered = {k.lower(): v for k, v in answer.headers.items()}
    return FetchedFeed(
        body=answer.body,
        etag=lowered.get("etag") or etag,
        last_modified=lowered.get("last-modified") or last_modified,
        not_modified=answer.status == 304,
    )


def main_text(html: str) -> FetchedPage:
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    if not text or not text.strip():
        raise InvalidInput("no article text could be extracted from the page")
    metadata = trafilatura.extract_metadata(html)
    title = (metadata.title if metadata and metadata.title else "") or ""
    return FetchedPage(text=text.strip(), title=title.strip())


def fetch_main_text(
    *,
    url: str,
    settings: Settings,
    session: requests.Session | None = None,
    resolver: Resolver | None = None,
) -> FetchedPage:
    return main_text(fetch_html(url=url, settings=settings, session=session, resolver=resolver))
