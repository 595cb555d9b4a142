"""The compact stored forms of claims and verdicts join back to equal documents; packing\nround-trips and its dictionary never changes."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared import compact
from shared.schemas import Attribution, Claim, Entity, StoredArticle
from tests.shared.articles import PUBLISHED, article_and_first_claim
from tests.shared.verdicts import assessed_verdict


def test_a_verdict_joins_back_to_an_equal_document() -> None:
    doc, claims = assessed_verdict()
    stored = compact.verdict_json(doc)
    # Smaller than the document without its claim: evidence texts are gone too.
    assert len(stored) < (len(doc.model_dump_json()) - len(doc.claim.model_dump_json()))
    fields = compact.parse_verdict(stored, claim_id=doc.claim_id)
    evidence_ids = [e.claim_id for e in doc.evidence if e.claim_id]
    assert compact.verdict_claim_ids(fields) == [doc.claim_id, *evidence_ids]
    by_id = {c.claim_id: c for c in claims}
    joined = compact.join_verdict(fields, by_id)
    assert joined == doc and joined.model_dump_json() == doc.model_dump_json()


def test_a_verdict_whose_claims_are_gone_reads_as_missing() -> None:
    doc, claims = assessed_verdict()
    fields = compact.parse_verdict(compact.verdict_json(doc), claim_id=doc.claim_id)
    by_id = {c.claim_id: c for c in claims}
    evidence_id = next(e.claim_id for e in doc.evidence if e.claim_id)
    for gone in (doc.claim_id, evidence_id):
        assert compact.join_verdict(fields, {k: v for k, v in by_id.items() if k != gone}) is None


def test_a_verdict_stored_whole_reads_as_it_is() -> None:
    doc, _ = assessed_verdict()
    fields = compact.parse_verdict(doc.model_dump_json(), claim_id=doc.claim_id)
    assert compact.verdict_claim_ids(fields) == []
    assert compact.join_verdict(fields, {}) == doc


@given(st.text())
def test_packing_round_trips_any_text(text: str) -> None:
    assert compact.unpack(compact.pack(text)) == text


def test_a_value_without_a_tag_reads_as_it_is() -> None:
    assert compact.unpack('{"claim_id":"c1"}') == '{"claim_id":"c1"}'
    assert compact.unpack(b'{"claim_id":"c1"}') == '{"claim_id":"c1"}'


def test_a_packed_verdict_is_a_fraction_of_its_json() -> None:
    doc, _ = assessed_verdict()
    assert len(compact.verdict_payload(doc)) < len(compact.verdict_json(doc))
    payload = compact.verdict_payload(doc)
    # The key carries the claim id and the version: the packed document leaves them out.
    assert not {"claim_id", "version"} & set(json.loads(compact.unpack(payload)))
    fields = compact.parse_verdict(b"7:abc123:" + payload, claim_id=doc.claim_id)
    assert fields["version"] == 7 and fields["claim_id"] == doc.claim_id


def test_format_2_is_format_1_without_base64() -> None:
    doc, _ = assessed_verdict()
    packed = compact.pack_v2(compact.unpack(compact.verdict_payload(doc)))
    as_format_1 = "z1:" + base64.b64encode(packed[len(b"z2:") :]).decode()
    assert compact.unpack(as_format_1) == compact.unpack(packed)
    assert len(packed) < len(as_format_1)
    # A verdict key written in format 1 still parses.
    assert compact.parse_verdict(f"7:abc123:{as_format_1}", claim_id="c")["version"] == 7


# Packed by formats 1 and 2 when each was introduced. If one stops reading, values already
# in Redis would too: a new dictionary needs a new tag beside the old ones, never an edit.
_PACKED_BY_FORMAT_1 = (
    "z1:Q3FesiF6ekg0RE4RPkDXFQNjR8EDWBXkpCASiH9aWmZyZmJOsQKobAEXiGnA0kUhLR+oMUXB2MAAWIqCdOaBStp8"
    "hZzUxLJUPUSyMoCmK1MT7LkWaABSTnF2DHLx9HP0QeTF0lwriBKoecaGUAONTWpx5JZaAA=="
)
_PACKED_BY_FORMAT_2 = (
    b"z2:Cq^\xb2!zzH4DN\x11>@\xd7\x15\x03cG\xc1\x03X\x15\xe4\xa4 \x12\x88\x7fZZfrfbN\xb1\x02"
    b"\xa8l\x01\x17\x88i\xc0\xd2E!-\x1f\xa81E\xc1\xd8\xc0\x00X\x8a\x82t\xe6\x81J\xda|\x85"
    b"\x9c\xd4\xc4\xb2T=D\xb22\x80\xa6+S\x13\xec\xb9\x16h\x00RNqv\x0cr\xf1\xf4s\xf4A\xe4"
    b"\xc5\xd2\\+\x88\x12\xa8y\xc6\x86P\x03\x8dMjq\xe4\x96Z\x00"
)


def test_values_packed_by_earlier_formats_still_read() -> None:
    for packed in (_PACKED_BY_FORMAT_1, _PACKED_BY_FORMAT_2):
        claim = compact.join_claim(compact.claim_fields(packed), claim_id="")
        assert claim is not None
        assert claim.text == "Officials said the fire forced 300 residents to leave."
        assert claim.source == "Lakeside Herald" and claim.entities[0].key == "num:300"
    assert compact.pack_v2(compact.unpack(_PACKED_BY_FORMAT_1)) == _PACKED_BY_FORMAT_2


def test_a_record_holds_a_claim_and_then_its_verdict() -> None:
    doc, _ = assessed_verdict()
    head = compact.claim_record(doc.claim)
    assert compact.split_record(head) == (compact.stored_claim(doc.claim), b"")
    verdict = b"3:0123456789abcdef:" + compact.verdict_payload(doc)
    claim, stored = compact.split_record(head + verdict)
    assert compact.join_claim(compact.claim_fields(claim), claim_id="") == doc.claim
    assert stored == verdict
    # A claim stored alone, before records, packed or as plain JSON, is all claim.
    for alone in (compact.stored_claim(doc.claim), doc.claim.model_dump_json().encode()):
        assert compact.split_record(alone) == (alone, b"")
    # A verdict written before its claim leaves an empty claim part.
    assert compact.split_record(b"0:" + verdict) == (b"", verdict)


# The trained dictionary of format 3. Values packed with it read only with these bytes: a
# better dictionary is a new file under a new tag, never an edit of this one.
_DICTIONARY_V3_SHA256 = "f494562e5f9d56353e4f996ecc1d23affa4508de8f816031d5479e0308f28c60"


def test_format_3_dictionary_is_frozen() -> None:
    digest = hashlib.sha256(compact.DICTIONARY_V3.read_bytes()).hexdigest()
    assert digest == _DICTIONARY_V3_SHA256


def test_format_3_is_tagged_and_round_trips() -> None:
    doc, _ = assessed_verdict()
    for text in (compact.verdict_json(doc), doc.claim.model_dump_json(exclude_defaults=True)):
        packed = compact.pack(text)
        assert packed.startswith(b"z3:") and compact.unpack(packed) == text


_BODY = "Officials said the fire forced 300 residents to leave. The depot stays shut."
_ARTICLE, _CLAIM = article_and_first_claim(_BODY, article_id="a1", claim_id="c1", number="300")


def _article() -> StoredArticle:
    return _ARTICLE


def _claim(**update: object) -> Claim:
    return _CLAIM.model_copy(update=update)


def _json(stored: bytes) -> dict[str, Any]:
    """A stored claim's JSON, as written."""
    fields: dict[str, Any] = json.loads(compact.unpack(stored))
    return fields


def test_a_claim_stored_with_its_article_leaves_out_what_the_article_holds() -> None:
    claim, article = _claim(), _article()
    stored = compact.stored_claim(claim, article=article)
    written = _json(stored)
    assert not {"claim_id", "text", "source", "published_at"} & set(written)
    assert "text" not in written["entities"][0]
    fields = compact.claim_fields(stored)
    assert compact.article_needed(fields) == "a1"
    assert compact.join_claim(fields, claim_id="c1", article=article) == claim
    assert len(stored) < len(compact.stored_claim(claim))


def test_what_the_article_does_not_hold_stays_in_the_claim() -> None:
    article = _article()
    # Text that is not the body at its offsets, an entity off its offsets, another
    # outlet and another time are the claim's own.
    claim = _claim(
        text="officials said the fire forced 300 residents to leave",
        entities=[Entity(text="three hundred", label="CARDINAL", key="num:300", start=31, end=34)],
        source="Wire copy",
        published_at=PUBLISHED.replace(hour=10),
    )
    stored = compact.stored_claim(claim, article=article)
    assert {"text", "source", "published_at"} <= set(_json(stored))
    assert _json(stored)["entities"][0]["text"] == "three hundred"
    assert compact.join_claim(compact.claim_fields(stored), claim_id="c1", article=article) == claim
    # Nor does another article hold anything of a claim.
    foreign = compact.stored_claim(_claim(article_id="a2"), article=article)
    assert compact.article_needed(compact.claim_fields(foreign)) is None
    assert "text" in _json(foreign)


def test_a_claim_that_needs_its_article_reads_as_missing_without_it() -> None:
    stored = compact.stored_claim(_claim(), article=_article())
    assert compact.join_claim(compact.claim_fields(stored), claim_id="c1") is None
    # Stored without an article, a claim stands alone, as every claim before did.
    alone = compact.claim_fields(compact.stored_claim(_claim()))
    assert compact.article_needed(alone) is None
    assert compact.join_claim(alone, claim_id="c1") == _claim()


def test_subject_object_and_speaker_found_in_the_text_are_stored_as_spans() -> None:
    article = _article()
    claim = _claim(
        subject="Officials",
        predicate="say",
        object="the fire forced 300 residents to leave",
        attribution=Attribution(speaker="Officials", speaker_key="org:ofsl", cue="said"),
    )
    stored = compact.stored_claim(claim, article=article)
    written = _json(stored)
    assert not {"subject", "object"} & set(written) and "speaker" not in written["attribution"]
    assert written["spans"] == {"subject": [0, 9], "object": [15, 38], "speaker": [0, 9]}
    assert compact.join_claim(compact.claim_fields(stored), claim_id="c1", article=article) == claim
    # A subject the extractor rewrote ("The officials") is not in the text: it stays.
    rewritten = claim.model_copy(update={"subject": "The officials"})
    stored = compact.stored_claim(rewritten, article=article)
    assert _json(stored)["subject"] == "The officials" and "subject" not in _json(stored)["spans"]
    joined = compact.join_claim(compact.claim_fields(stored), claim_id="c1", article=article)
    assert joined == rewritten
