"""Packing round-trips any text with the trained dictionary, which never changes."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from shared import ids
from shared.storage import codec
from tests.shared.verdicts import assessed_verdict


@given(st.text())
def test_packing_round_trips_any_text(text: str) -> None:
    assert codec.unpack(codec.pack(text)) == text
    assert codec.unpack(codec.pack(text, frame=True)) == text


def test_the_dictionary_is_frozen() -> None:
    """Values packed with it unpack only with these bytes: a new dictionary is a new store."""
    digest = hashlib.sha256(codec.DICTIONARY.read_bytes()).hexdigest()
    assert digest == DICTIONARY_SHA256


def test_a_document_packs_smaller_than_its_json() -> None:
    doc, _ = assessed_verdict()
    text = doc.model_dump_json()
    assert len(codec.pack(text)) < len(text)


def test_a_claim_id_packs_into_12_bytes_and_back() -> None:
    claim_id = ids.claim_id(article_id="3fa2c1d07b9e4a65", kind="assertion", start=0, end=9)
    packed = codec.pack_claim_id(claim_id)
    assert len(packed) == codec.CLAIM_ID_BYTES == 12
    assert codec.unpack_claim_id(packed) == claim_id


DICTIONARY_SHA256 = "f494562e5f9d56353e4f996ecc1d23affa4508de8f816031d5479e0308f28c60"
