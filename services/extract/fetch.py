"""Fetch a page on a user's behalf and keep its main text (trafilatura)."""

from __future__ import annotations

from dataclasses import dataclass

import requests
import trafilatura

from shared.errors import ArticleTooLarge, InvalidInput, UnsupportedContent, UpstreamError, UpstreamTimeout
from shared.settings import Settings


@dataclass(frozen=True, slots=True)
class FetchedPage:
    text: str
    title: str


def fetch_html(*, url: str, settings: Settings, session: requests.Session | None = None) -> str:
    http = session or requests.Session()
    http.max_redirects = settings.fetch_max_redirects
    try:
        with http.get(
            url,
            timeout=settings.fetch_timeout,
            stream=True,
            headers={"User-Agent": settings.fetch_user_agent, "Accept": "text/html,application/xhtml+xml"},
        ) as response:
            if response.status_code >= 500:
                raise UpstreamError(f"{url} answered {response.status_code}")
            if response.status_code >= 400:
                raise InvalidInput(f"{url} answered {response.status_code}")
            content_type = response.headers.get("content-type", "text/html").lower()
            if "html" not in content_type and "text/plain" not in content_type:
                raise UnsupportedContent(f"{url} is {content_type}, not an HTML page")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > settings.fetch_max_bytes:
                    raise ArticleTooLarge(f"{url} is larger than {settings.fetch_max_bytes} bytes")
                chunks.append(chunk)
            encoding = response.encoding or "utf-8"
    except requests.Timeout as exc:
        raise UpstreamTimeout(f"{url} did not answer within {settings.fetch_timeout}s") from exc
    except requests.TooManyRedirects as exc:
        raise InvalidInput(f"{url} redirects more than {settings.fetch_max_redirects} times") from exc
    except requests.ConnectionError as exc:
        raise UpstreamError(f"could not connect to {url}") from exc
    return b"".join(chunks).decode(encoding, errors="replace")


def main_text(html: str) -> FetchedPage:
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise InvalidInput("no article text could be extracted from the page")
    metadata = trafilatura.extract_metadata(html)
    title = (metadata.title if metadata and metadata.title else "") or ""
    return FetchedPage(text=text.strip(), title=title.strip())


def fetch_main_text(*, url: str, settings: Settings, session: requests.Session | None = None) -> FetchedPage:
    return main_text(fetch_html(url=url, settings=settings, session=session))
