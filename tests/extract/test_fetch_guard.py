"""The URL fetcher's SSRF guard, size cap and deadlines, against a real local HTTP server."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from services.extract import fetch
from services.extract.fetch import fetch_html, fetch_main_text, refusal_reason
from shared.errors import (
    ArticleTooLarge,
    FetchRefused,
    InvalidInput,
    UnsupportedContent,
    UpstreamTimeout,
)
from shared.settings import Settings

PAGE = (
    "<html><head><title>Ferry resumes service</title></head><body><article>"
    "<h1>Ferry resumes service</h1>"
    "<p>The ferry between Tallinn and Helsinki resumed service on Friday after a two-day strike, "
    "the operator said. About 4,000 passengers had been stranded in both ports.</p>"
    "<p>The operator said the crew had accepted a pay rise of 6 percent over two years.</p>"
    "</article></body></html>"
)

# --- the address classifier ------------------------------------------------------------------

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("169.254.169.254", "cloud metadata"),
    ("fd00:ec2::254", "cloud metadata"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.0.8", "special-purpose"),
    ("192.0.0.170", "special-purpose"),
    ("192.0.2.1", "private"),  # TEST-NET-1
    ("198.18.0.1", "private"),  # benchmarking
    ("0.1.2.3", "private"),
    ("2001:db8::1", "private"),  # documentation
    # IPv4 inside IPv6: mapped, 6to4, NAT64, IPv4-compatible.
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("::ffff:169.254.169.254", "cloud metadata"),
    ("::ffff:100.64.0.1", "carrier-grade NAT"),
    ("2002:7f00:1::", "loopback"),
    ("2002:a9fe:a9fe::1", "cloud metadata"),
    ("64:ff9b::a00:1", "private"),
    ("64:ff9b::7f00:1", "loopback"),
    ("::7f00:1", "loopback"),
    ("::a00:1", "private"),
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "151.101.1.69",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
]


@pytest.mark.parametrize(("address", "expected"), REFUSED)
def test_inner_addresses_are_refused(address: str, expected: str) -> None:
    reason = refusal_reason(ipaddress.ip_address(address))
    assert reason is not None and reason.startswith(expected), (address, reason)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None


# --- a local server to fetch from ------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).seen.append((self.path, self.headers.get("Host", "")))
        route = self.path.split("?", 1)[0]
        if route == "/page":
            self._send(200, PAGE.encode())
        elif route == "/redirect":
            self._redirect(parse_qs(urlsplit(self.path).query)["to"][0])
        elif route == "/chain":
            self._redirect("/chain")
        elif route == "/big":
            self._send(200, b"<p>" + b"x" * 300_000 + b"</p>")
        elif route == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "999999999")
            self.end_headers()
            self.wfile.write(b"<p>only a little</p>")
        elif route == "/big-chunked":
            self._chunked([b"<p>" + b"y" * 50_000 for _ in range(10)])
        elif route == "/gzip-bomb":
            body = gzip.compress(b"z" * 5_000_000)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif route == "/slow-headers":
            time.sleep(3)
            self._send(200, PAGE.encode())
        elif route == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(60):
                try:
                    self.wfile.write(b"<")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.1)
        elif route == "/pdf":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"%PDF")
        else:
            self._send(404, b"no")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _chunked(self, parts: list[bytes]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for part in parts:
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            return

    def log_message(self, *_: Any) -> None:
        return


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # the fetcher hangs up on purpose (size caps, deadlines)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _settings(server: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "fetch_allowed_hosts": [server],
        "fetch_timeout": 2.0,
        "fetch_deadline": 5.0,
        "fetch_max_bytes": 200_000,
        **overrides,
    }
    return Settings(**values)


def test_allowed_local_host_is_fetched(server: str) -> None:
    page = fetch_main_text(url=f"http://{server}/page", settings=_settings(server))
    assert "Tallinn" in page.text
    assert page.title == "Ferry resumes service"


def test_local_server_is_refused_unless_allowed(server: str) -> None:
    with pytest.raises(FetchRefused, match="loopback"):
        fetch_html(url=f"http://{server}/page", settings=_settings(server, fetch_allowed_hosts=[]))


def test_allowlisted_name_with_another_port_is_still_refused(server: str) -> None:
    with pytest.raises(FetchRefused):
        fetch_html(
            url=f"http://{server}/page",
            settings=_settings(server, fetch_allowed_hosts=["127.0.0.1:1"]),
        )


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",
        "http://127.1/",
        "http://2130706433/",  # 127.0.0.1 as a decimal integer
        "http://0x7f000001/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://10.0.0.1:8080/",
        "http://user:pw@192.168.0.1/",
    ],
)
def test_inner_targets_are_refused_after_resolution(url: str) -> None:
    with pytest.raises(FetchRefused):
        fetch_html(url=url, settings=Settings(environment="test"))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/", "gopher://127.0.0.1:6379/_", "//x/"]
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchRefused, match="scheme"):
        fetch_html(url=url, settings=Settings(environment="test"))


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(FetchRefused, match="private"):
        fetch_html(
            url="http://intranet.example/",
            settings=Settings(environment="test"),
            resolver=lambda host, port: ["10.20.30.40"],
        )


def test_a_name_mixing_public_and_private_addresses_is_refused() -> None:
    with pytest.raises(FetchRefused, match="metadata"):
        fetch_html(
            url="http://mixed.example/",
            settings=Settings(environment="test"),
            resolver=lambda host, port: ["93.184.216.34", "169.254.169.254"],
        )


def test_redirect_to_a_private_address_is_refused(server: str) -> None:
    _Handler.seen.clear()
    with pytest.raises(FetchRefused, match="private"):
        fetch_html(
            url=f"http://{server}/redirect?to=" + quote("http://10.0.0.7/admin"),
            settings=_settings(server),
        )
    with pytest.raises(FetchRefused, match="cloud metadata"):
        fetch_html(
            url=f"http://{server}/redirect?to=" + quote("http://169.254.169.254/latest"),
            settings=_settings(server),
        )
    # The first hop was made, the refused second never was (it would hang on 10.0.0.7).
    assert [path for path, _ in _Handler.seen if path.startswith("/redirect")]


def test_redirect_to_a_non_http_scheme_is_refused(server: str) -> None:
    with pytest.raises(FetchRefused, match="scheme"):
        fetch_html(
            url=f"http://{server}/redirect?to=" + quote("file:///etc/passwd"),
            settings=_settings(server),
        )


def test_relative_redirect_within_the_allowed_host_is_followed(server: str) -> None:
    html = fetch_html(url=f"http://{server}/redirect?to=/page", settings=_settings(server))
    assert "Tallinn" in html


def test_redirects_are_capped(server: str) -> None:
    _Handler.seen.clear()
    with pytest.raises(InvalidInput, match="redirects more than 3"):
        fetch_html(url=f"http://{server}/chain", settings=_settings(server, fetch_max_redirects=3))
    assert sum(1 for path, _ in _Handler.seen if path == "/chain") == 4


def test_dns_rebinding_cannot_move_the_connection(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is checked on the first answer and the socket goes to that same address.

    ``rebind.test`` first resolves to 127.0.0.1, which this test allows by address, and to
    127.0.0.2 (a loopback address nothing listens on, and not allowed) on every later
    lookup. A fetcher that checked one lookup and connected after another would try
    127.0.0.2 and fail; a pinned one reaches the server on 127.0.0.1.
    """
    port = int(server.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            answer = "127.0.0.1" if not lookups else "127.0.0.2"
            lookups.append(answer)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    _Handler.seen.clear()
    html = fetch_html(url=f"http://rebind.test:{port}/page", settings=_settings(server))
    assert "Tallinn" in html
    assert lookups == ["127.0.0.1"], "the host name was resolved again after it was checked"
    assert ("/page", f"rebind.test:{port}") in _Handler.seen  # Host header keeps the name


def test_rebinding_to_an_inner_address_on_the_first_answer_is_refused(server: str) -> None:
    answers = iter([["127.0.0.2"], ["127.0.0.1"]])
    with pytest.raises(FetchRefused, match="loopback"):
        fetch_html(
            url="http://rebind.test/page",
            settings=_settings(server),
            resolver=lambda host, port: next(answers),
        )


def test_the_pinned_connection_goes_to_the_checked_address(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    target = fetch._Target(
        url=f"http://pinned.test:{port}/page",
        scheme="http",
        host="pinned.test",
        port=port,
        address="127.0.0.1",
    )
    adapter = fetch._PinnedAdapter(target)
    try:
        import requests

        with requests.Session() as http:
            http.mount(f"http://pinned.test:{port}", adapter)
            response = http.get(target.url, timeout=2)
        assert response.status_code == 200 and "Tallinn" in response.text
    finally:
        adapter.close()


def test_declared_oversize_is_refused_before_reading(server: str) -> None:
    # The refusal names the declared length: it was made on the header, not on bytes read.
    with pytest.raises(ArticleTooLarge, match="declares 999999999"):
        fetch_html(url=f"http://{server}/big-declared", settings=_settings(server))


def test_oversize_without_content_length_is_cut_while_streaming(server: str) -> None:
    with pytest.raises(ArticleTooLarge, match="larger than 200000"):
        fetch_html(url=f"http://{server}/big-chunked", settings=_settings(server))


def test_oversize_with_an_honest_content_length(server: str) -> None:
    with pytest.raises(ArticleTooLarge):
        fetch_html(url=f"http://{server}/big", settings=_settings(server))


def test_decompressed_size_is_what_counts(server: str) -> None:
    with pytest.raises(ArticleTooLarge):
        fetch_html(url=f"http://{server}/gzip-bomb", settings=_settings(server))


def test_slow_headers_hit_the_read_timeout(server: str) -> None:
    # The server does answer, 3 s later: only the 0.5 s read timeout can make this fail.
    with pytest.raises(UpstreamTimeout):
        fetch_html(
            url=f"http://{server}/slow-headers", settings=_settings(server, fetch_timeout=0.5)
        )


def test_a_dripping_body_hits_the_overall_deadline(server: str) -> None:
    # Every byte arrives well within the read timeout; only the deadline stops it.
    with pytest.raises(UpstreamTimeout, match="longer than 1.5s|stopped sending"):
        fetch_html(
            url=f"http://{server}/drip",
            settings=_settings(server, fetch_timeout=1.0, fetch_deadline=1.5),
        )


def test_connect_timeout_is_bounded() -> None:
    # A listener that never accepts, with its backlog full: the next SYN goes unanswered.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.1)
        settings = Settings(
            environment="test", fetch_allowed_hosts=[f"127.0.0.1:{port}"], fetch_timeout=0.5
        )
        # Unbounded, the connect would wait for the kernel's SYN retries (minutes) and
        # then fail with another error; the 0.5 s connect timeout raises UpstreamTimeout.
        try:
            with pytest.raises(UpstreamTimeout):
                fetch_html(url=f"http://127.0.0.1:{port}/", settings=settings)
        finally:
            for filler in fillers:
                filler.close()


def test_non_html_is_refused(server: str) -> None:
    with pytest.raises(UnsupportedContent):
        fetch_html(url=f"http://{server}/pdf", settings=_settings(server))


def test_environment_proxies_are_ignored(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy would make its own DNS lookup and connection; the fetcher never uses one.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    assert "Tallinn" in fetch_html(url=f"http://{server}/page", settings=_settings(server))
