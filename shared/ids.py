"""Deterministic identifiers: the same input always gets the same id, so retries are idempotent."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable

# Separates a claim id's article from the claim's local part. Local parts are hex digits and
# never hold it; an article id may, so a claim id splits at its last one.
CLAIM_SEP = "."
_LOCAL_DIGITS = 8
_LOCAL = re.compile(f"[0-9a-f]{{{_LOCAL_DIGITS}}}")


def new_article_id() -> str:
    return uuid.uuid4().hex[:16]


def claim_id(*, article_id: str, kind: str, start: int, end: int) -> str:
    """Stable id of a claim: re-extracting an article yields the same ids.

    ``<article id>.<8 hex digits>``: the id leads to its article, so every claim of an
    article is stored in the article's own hash (``shared.store``) and found from its id
    alone. Two claims of one article share a local part with odds of about n**2 / 2**33.
    """
    digest = hashlib.blake2b(f"{kind}|{start}|{end}".encode(), digest_size=_LOCAL_DIGITS // 2)
    return f"{article_id}{CLAIM_SEP}{digest.hexdigest()}"


def claim_home(claim_id: str) -> tuple[str, str] | None:
    """(article id, local part) of a claim id that ``claim_id`` made; None for any other id,
    such as the 16 hex digits ids were before they named their article."""
    article_id, sep, local = claim_id.rpartition(CLAIM_SEP)
    if not sep or not article_id or _LOCAL.fullmatch(local) is None:
        return None
    return article_id, local


def local_in(claim_id: str, *, article_id: str) -> str | None:
    """The local part of ``claim_id`` if it names ``article_id``; None for an id that names
    another article, or none. Such claims are stored in their article (``shared.store``)."""
    home = claim_home(claim_id)
    return home[1] if home is not None and home[0] == article_id else None


def by_article(claim_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Article id -> {claim id: local part} of the ids of ``claim_ids`` that name their
    article, each once, in order; other ids are left out."""
    found: dict[str, dict[str, str]] = {}
    for claim_id in claim_ids:
        home = claim_home(claim_id)
        if home is not None:
            found.setdefault(home[0], {})[claim_id] = home[1]
    return found


# Leads a packed claim id: 0xfe never occurs in UTF-8, so no id stored as text starts with it.
PACKED_CLAIM = b"\xfe"
_PACKED_LENGTH = 13
_HEX_ARTICLE = re.compile(r"[0-9a-f]{16}")


def pack_claim_id(claim_id: str) -> bytes:
    """``claim_id`` in 13 bytes where it names an article id of 16 hex digits (every id the
    extractor gives an article ingest named): ``PACKED_CLAIM``, the article id's 8 bytes
    and the local part's 4. Any other id: its UTF-8 text. For the places that hold one id
    per claim and term, or per claim: half the text's 25 bytes."""
    home = claim_home(claim_id)
    if home is None or _HEX_ARTICLE.fullmatch(home[0]) is None:
        return claim_id.encode()
    return PACKED_CLAIM + bytes.fromhex(home[0] + home[1])


def unpack_claim_id(raw: bytes) -> str:
    """The claim id ``pack_claim_id`` packed."""
    if len(raw) == _PACKED_LENGTH and raw.startswith(PACKED_CLAIM):
        return f"{raw[1:9].hex()}{CLAIM_SEP}{raw[9:].hex()}"
    return raw.decode()


def fingerprint(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
