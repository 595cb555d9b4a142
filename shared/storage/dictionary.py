"""Training the dictionary that ``codec`` packs with, from the documents a store holds."""

from __future__ import annotations

import redis
import zstandard

from shared.redis_client import raw_command
from shared.storage import codec, keys

__all__ = ["COVER_D", "COVER_K", "stored_documents", "train"]

# COVER's segment and d-mer sizes, chosen by a sweep on these documents; leaving them to
# zstd's own search costs tens of minutes for a point or two.
COVER_K = 300
COVER_D = 6


def stored_documents(client: redis.Redis) -> list[bytes]:
    """Every document the store packs, as the text it packs: each article's document, and
    each line of its claim and verdict frames (a line is one claim or verdict)."""
    docs: list[bytes] = []
    for name in client.scan_iter(match=keys.article("*"), count=10_000):
        doc, frame = raw_command(client, "HMGET", name, keys.ARTICLE_DOC, keys.ARTICLE_CLAIMS)
        if doc:
            docs.append(codec.unpack(doc).encode())
        if frame:
            docs += [line.encode() for line in codec.unpack(frame)[1:-1].split(",\n") if line]
    for name in client.scan_iter(match=keys.article_verdicts("*"), count=10_000):
        frame = raw_command(client, "GET", name)
        if frame:
            docs += [line.encode() for line in codec.unpack(frame).split("\n") if line]
    return docs


def train(samples: list[bytes], *, size: int, k: int = COVER_K, d: int = COVER_D) -> bytes:
    """A zstd dictionary of ``size`` bytes trained (COVER) on ``samples``."""
    trained = zstandard.train_dictionary(
        size, list(samples), k=k, d=d, level=codec.PACK_LEVEL, threads=-1
    )
    return trained.as_bytes()
