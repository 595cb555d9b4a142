"""Deterministic identifiers: the same input always gets the same id, so retries are idempotent."""

from __future__ import annotations

import hashlib
import uuid


def new_article_id() -> str:
    return uuid.uuid4().hex[:16]


def claim_id(*, article_id: str, kind: str, start: int, end: int) -> str:
    """Stable id of a claim: re-extracting an article yields the same ids."""
    digest = hashlib.blake2b(f"{article_id}|{kind}|{start}|{end}".encode(), digest_size=8)
    return digest.hexdigest()


def fingerprint(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
