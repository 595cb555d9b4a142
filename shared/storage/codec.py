"""How stored values are packed, and how claim ids are packed where one is held per claim.

Small JSON documents hardly compress on their own, so every stored document is zstd with a
dictionary trained on such documents (``scripts/train_dictionary.py`` writes
``dictionary.zdict`` beside this module). Packed values are bytes: readers ask redis-py for
the raw reply (``shared.redis_client.raw_command``), since the clients here decode replies
as UTF-8.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

import zstandard

from shared import ids

__all__ = [
    "CLAIM_ID_BYTES",
    "DICTIONARY",
    "FRAME_LEVEL",
    "PACK_LEVEL",
    "pack",
    "pack_claim_id",
    "unpack",
    "unpack_claim_id",
]

# Frozen: values packed with it can only be unpacked with these exact bytes. The test suite
# pins its digest; a new dictionary means stores are rebuilt.
DICTIONARY = Path(__file__).with_name("dictionary.zdict")
PACK_LEVEL = 19  # documents are a few hundred bytes, so even zstd's slowest level is cheap
# An article's verdict frame is tens of kilobytes and rewritten with each verdict: level 19
# took 9 ms for the mean frame of 23 kB, level 12 0.8 ms for 8 % more bytes.
FRAME_LEVEL = 12


@dataclass(frozen=True, slots=True)
class _Codecs:
    compressor: zstandard.ZstdCompressor
    frame_compressor: zstandard.ZstdCompressor
    decompressor: zstandard.ZstdDecompressor


@functools.cache
def _dictionary(level: int = PACK_LEVEL) -> zstandard.ZstdCompressionDict:
    # A dictionary prepared for one level compresses at that level: one object per level.
    trained = zstandard.ZstdCompressionDict(DICTIONARY.read_bytes())
    trained.precompute_compress(level=level)
    return trained


def _compressor(level: int) -> zstandard.ZstdCompressor:
    # No checksum and no dictionary id: Redis keeps values intact and there is one
    # dictionary, so both would be dead weight in every value.
    return zstandard.ZstdCompressor(
        level=level, dict_data=_dictionary(level), write_checksum=False, write_dict_id=False
    )


_per_thread = threading.local()


def _codecs() -> _Codecs:
    """This thread's compressors and decompressor: zstd's are not safe to share between
    threads (the API serves sync routes from a thread pool)."""
    codecs: _Codecs | None = getattr(_per_thread, "codecs", None)
    if codecs is None:
        codecs = _Codecs(
            _compressor(PACK_LEVEL),
            _compressor(FRAME_LEVEL),
            zstandard.ZstdDecompressor(dict_data=_dictionary()),
        )
        _per_thread.codecs = codecs
    return codecs


def pack(text: str, *, frame: bool = False) -> bytes:
    """``text`` compressed with the trained dictionary; at ``FRAME_LEVEL`` for a ``frame``
    rewritten often."""
    codecs = _codecs()
    compressor = codecs.frame_compressor if frame else codecs.compressor
    return compressor.compress(text.encode())


def unpack(stored: bytes) -> str:
    """The text ``pack`` packed."""
    return _codecs().decompressor.decompress(stored).decode()


CLAIM_ID_BYTES = 12


def pack_claim_id(claim_id: str) -> bytes:
    """``claim_id`` in 12 bytes: its article id's 8 and its local part's 4 (half its text),
    for the places that hold one id per claim and term, or per claim."""
    article_id, local = ids.split_claim_id(claim_id)
    return bytes.fromhex(article_id + local)


def unpack_claim_id(raw: bytes) -> str:
    """The claim id ``pack_claim_id`` packed."""
    return f"{raw[:8].hex()}{ids.CLAIM_SEP}{raw[8:].hex()}"
