"""The compact stored forms of claims and verdicts join back to equal documents; packing\nround-trips and its dictionary never changes."""

from __future__ import annotations

import base64
import json

from hypothesis import given
from hypothesis import strategies as st

from shared import compact
from tests.shared.verdicts import assessed_verdict


def test_a_verdict_joins_back_to_an_equal_document() -> None:
    doc, claims = assessed_verdict()
    stored = compact.verdict_json(doc)
    # Much smaller than the document without its claim: evidence texts are gone too.
    assert len(stored) < (len(doc.model_dump_json()) - len(doc.claim.model_dump_json())) * 0.8
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
    assert len(compact.verdict_payload(doc)) < len(compact.verdict_json(doc)) * 0.6
    payload = compact.verdict_payload(doc)
    # The key carries the claim id and the version: the packed document leaves them out.
    assert not {"claim_id", "version"} & set(json.loads(compact.unpack(payload)))
    fields = compact.parse_verdict(b"7:abc123:" + payload, claim_id=doc.claim_id)
    assert fields["version"] == 7 and fields["claim_id"] == doc.claim_id


def test_format_2_is_format_1_without_base64() -> None:
    doc, _ = assessed_verdict()
    packed = compact.verdict_payload(doc)
    as_format_1 = "z1:" + base64.b64encode(packed[len(b"z2:") :]).decode()
    assert compact.unpack(as_format_1) == compact.unpack(packed)
    assert len(packed) < len(as_format_1) * 0.8
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
        claim = compact.read_claim(packed)
        assert claim.text == "Officials said the fire forced 300 residents to leave."
        assert claim.source == "Lakeside Herald" and claim.entities[0].key == "num:300"
    assert compact.pack(compact.unpack(_PACKED_BY_FORMAT_1)) == _PACKED_BY_FORMAT_2


def test_a_record_holds_a_claim_and_then_its_verdict() -> None:
    doc, _ = assessed_verdict()
    head = compact.claim_record(doc.claim)
    assert compact.split_record(head) == (compact.stored_claim(doc.claim), b"")
    verdict = b"3:0123456789abcdef:" + compact.verdict_payload(doc)
    claim, stored = compact.split_record(head + verdict)
    assert compact.read_claim(claim) == doc.claim and stored == verdict
    # A claim stored alone, before records, packed or as plain JSON, is all claim.
    for alone in (compact.stored_claim(doc.claim), doc.claim.model_dump_json().encode()):
        assert compact.split_record(alone) == (alone, b"")
    # A verdict written before its claim leaves an empty claim part.
    assert compact.split_record(b"0:" + verdict) == (b"", verdict)
