"""Canonical URLs and text fingerprints: the identities under which an accepted article is
de-duplicated (pure functions)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from shared.ids import fingerprint

# Query parameters that never change what a page says.
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.I)
_WHITESPACE = re.compile(r"\s+")


def canonical_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING_PARAMS.match(k))
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", f"{host}{port}", path, query, ""))


def normalized_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WHITESPACE.sub(" ", folded).strip()


def dedupe_fingerprints(
    *, source: str, body: str | None, url: str | None, idempotency_key: str | None
) -> list[str]:
    """Every identity under which this article may have been seen before."""
    prints = []
    if idempotency_key:
        prints.append("idem:" + fingerprint(idempotency_key))
    if url:
        prints.append("url:" + fingerprint(canonical_url(url)))
    if body:
        prints.append("text:" + fingerprint(normalized_text(source), normalized_text(body)))
    return prints
