"""RSS and Atom documents read into items: pure, no I/O (``feedparser`` on bytes)."""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from shared.errors import InvalidInput

# feedparser reports these as "bozo" for a sound feed served with an unexpected type or
# encoding; anything else it reports means the document is not well-formed.
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True, slots=True)
class FeedItem:
    item_id: str  # the entry's id (guid), else its link
    url: str
    title: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    items: list[FeedItem]


def _http_url(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value.strip()


def _published(entry: Any, *, now: datetime) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    when = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    # A date ahead of the poll is a feed's mistake, not a future article.
    return when if when <= now else None


def parse_feed(body: bytes, *, url: str, now: datetime) -> Feed:
    """The feed's title and its items with an http(s) link, in document order; raises
    ``InvalidInput`` when ``body`` is not a well-formed RSS or Atom document."""
    # A stream, never a string: feedparser fetches a string that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url})
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and not isinstance(problem, _BENIGN):
        raise InvalidInput(f"{url} is not a well-formed feed: {type(problem).__name__}: {problem}")
    if not parsed.get("version"):
        raise InvalidInput(f"{url} is not an RSS or Atom feed")
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        link = _http_url(entry.get("link"))
        if link is None:
            continue
        item_id = str(entry.get("id") or link)[:500]
        if item_id in seen:
            continue
        seen.add(item_id)
        title = " ".join(str(entry.get("title") or "").split())[:1000]
        items.append(FeedItem(item_id, link, title, _published(entry, now=now)))
    title = " ".join(str(parsed.feed.get("title") or "").split())
    return Feed(title=title or urlsplit(url).netloc, items=items)
