"""A local feed site for the feed tests: RSS, Atom and a broken feed that change between
polls, served with ETag and Last-Modified and answering conditional requests with 304,
plus an HTML page for each item."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

from tests.local_http import QuietHandler, serving

PAGE = """<!doctype html><html><head><title>{title}</title></head><body><article>
<h1>{title}</h1>
<p>The port authority of {town} said on Monday that {count} ships were held outside the harbour
after a storm damaged two cranes, according to a statement.</p>
<p>Officials said repairs to the cranes in {town} would take about {days} days and cost
roughly {cost} million euros.</p></article></body></html>"""


def _document(head: str, entry: str, items: list[tuple[str, str, str]], tail: str) -> bytes:
    """``head``, ``entry`` filled in for each (guid, link, title) of ``items``, ``tail``."""
    entries = "".join(
        entry.format(guid=guid, link=link, title=headline) for guid, link, headline in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?>{head}{entries}{tail}'.encode()


def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document; ``items`` are (guid, link, title)."""
    return _document(
        f'<rss version="2.0"><channel><title>{title}</title><link>http://example.invalid/</link>',
        "<item><guid>{guid}</guid><link>{link}</link><title>{title}</title>"
        "<pubDate>Mon, 03 Mar 2025 09:00:00 GMT</pubDate></item>",
        items,
        "</channel></rss>",
    )


def atom(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An Atom document; ``items`` are (id, link, title)."""
    return _document(
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:feed</id><updated>2025-03-03T09:00:00Z</updated>",
        '<entry><id>{guid}</id><link href="{link}"/><title>{title}</title>'
        "<updated>2025-03-03T09:00:00Z</updated></entry>",
        items,
        "</feed>",
    )


BROKEN = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>x</item></rss'


@dataclass
class Site:
    """What the site serves (path -> (body, content type)) and every request it saw."""

    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    requests: list[tuple[str, str | None, int]] = field(default_factory=list)  # path, INM, status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, path: str, body: bytes, content_type: str = "application/rss+xml") -> None:
        with self.lock:
            self.files[path] = (body, content_type)

    def hits(self, path: str) -> list[tuple[str | None, int]]:
        with self.lock:
            return [(inm, status) for p, inm, status in self.requests if p == path]

    def page(self, path: str, *, town: str, count: int) -> None:
        body = PAGE.format(title=f"Ships held at {town}", town=town, count=count, days=4, cost=3)
        self.put(path, body.encode(), "text/html; charset=utf-8")


@contextmanager
def served_site() -> Iterator[tuple[Site, str]]:
    """A fresh :class:`Site` served on a local port: (site, host:port)."""
    site = Site()
    with serving(site_handler(site)) as address:
        yield site, address


def site_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        served: ClassVar[Site] = site

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            with site.lock:
                found = site.files.get(self.path)
            inm = self.headers.get("If-None-Match")
            if found is None:
                site.requests.append((self.path, inm, 404))
                self.reply(404, b"not here", content_type="text/plain")
                return
            body, content_type = found
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if inm == etag:
                site.requests.append((self.path, inm, 304))
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            site.requests.append((self.path, inm, 200))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(1741000000, usegmt=True))
            self.end_headers()
            self.wfile.write(body)

    return Handler
