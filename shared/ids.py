"""Deterministic identifiers: the same input always gets the same id, so retries are idempotent.

An article id is 16 hex digits. A claim id is ``<article id>.<8 hex digits>``: it leads to
its article, whose hash holds every claim of it (``shared.storage.claims``).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable

from shared.errors import InvalidInput

CLAIM_SEP = "."
_ARTICLE = re.compile(r"[0-9a-f]{16}")
_CLAIM = re.compile(r"([0-9a-f]{16})\.([0-9a-f]{8})")


def new_article_id() -> str:
    return uuid.uuid4().hex[:16]


def is_article_id(article_id: str) -> bool:
    return _ARTICLE.fullmatch(article_id) is not None


def claim_id(*, article_id: str, kind: str, start: int, end: int) -> str:
    """Stable id of a claim: re-extracting an article yields the same ids. Two claims of
    one article share a local part with odds of about n**2 / 2**33."""
    digest = hashlib.blake2b(f"{kind}|{start}|{end}".encode(), digest_size=4)
    return f"{article_id}{CLAIM_SEP}{digest.hexdigest()}"


def parse_claim_id(claim_id: str) -> tuple[str, str] | None:
    """(article id, local part) of a well-formed claim id; None for any other text."""
    found = _CLAIM.fullmatch(claim_id)
    return None if found is None else (found.group(1), found.group(2))


def split_claim_id(claim_id: str) -> tuple[str, str]:
    """(article id, local part) of ``claim_id``; ``InvalidInput`` if it is not a claim id."""
    home = parse_claim_id(claim_id)
    if home is None:
        raise InvalidInput(f"{claim_id!r} is not a claim id (<16 hex>.<8 hex>)")
    return home


def by_article(claim_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Article id -> {claim id: local part} of the well-formed ids of ``claim_ids``, each
    once, in order; other text is left out."""
    found: dict[str, dict[str, str]] = {}
    for claim_id in claim_ids:
        home = parse_claim_id(claim_id)
        if home is not None:
            found.setdefault(home[0], {})[claim_id] = home[1]
    return found


def fingerprint(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
