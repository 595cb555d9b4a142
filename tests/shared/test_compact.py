"""The compact stored forms of claims and verdicts join back to equal documents; packing\nround-trips and its dictionary never changes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared import compact
from tests.shared.verdicts import assessed_verdict


def test_a_verdict_joins_back_to_an_equal_document() -> None:
    doc, claims = assessed_verdict()
    stored = compact.verdict_json(doc)
    # Much smaller than the document without its claim: evidence texts are gone too.
    assert len(stored) < (len(doc.model_dump_json()) - len(doc.claim.model_dump_json())) * 0.8
    fields = compact.parse_verdict(stored)
    evidence_ids = [e.claim_id for e in doc.evidence if e.claim_id]
    assert compact.verdict_claim_ids(fields) == [doc.claim_id, *evidence_ids]
    by_id = {c.claim_id: c for c in claims}
    joined = compact.join_verdict(fields, by_id)
    assert joined == doc and joined.model_dump_json() == doc.model_dump_json()


def test_a_verdict_whose_claims_are_gone_reads_as_missing() -> None:
    doc, claims = assessed_verdict()
    fields = compact.parse_verdict(compact.verdict_json(doc))
    by_id = {c.claim_id: c for c in claims}
    evidence_id = next(e.claim_id for e in doc.evidence if e.claim_id)
    for gone in (doc.claim_id, evidence_id):
        assert compact.join_verdict(fields, {k: v for k, v in by_id.items() if k != gone}) is None


def test_a_verdict_stored_whole_reads_as_it_is() -> None:
    doc, _ = assessed_verdict()
    fields = compact.parse_verdict(doc.model_dump_json())
    assert compact.verdict_claim_ids(fields) == []
    assert compact.join_verdict(fields, {}) == doc


@given(st.text())
def test_packing_round_trips_any_text(text: str) -> None:
    assert compact.unpack(compact.pack(text)) == text


def test_a_value_without_a_tag_reads_as_it_is() -> None:
    assert compact.unpack('{"claim_id":"c1"}') == '{"claim_id":"c1"}'


def test_a_packed_verdict_is_a_fraction_of_its_json() -> None:
    doc, _ = assessed_verdict()
    assert len(compact.verdict_payload(doc)) < len(compact.verdict_json(doc)) * 0.6
    fields = compact.parse_verdict(f"7:abc123:{compact.verdict_payload(doc)}")
    assert fields["version"] == 7 and fields["claim_id"] == doc.claim_id


# Packed by format 1 when it was introduced. If this stops reading, values already in
# Redis would too: a new dictionary needs a new tag beside the old one, never an edit.
_PACKED_BY_FORMAT_1 = (
    "z1:Q3FesiF6ekg0RE4RPkDXFQNjR8EDWBXkpCASiH9aWmZyZmJOsQKobAEXiGnA0kUhLR+oMUXB2MAAWIqCdOaBStp8"
    "hZzUxLJUPUSyMoCmK1MT7LkWaABSTnF2DHLx9HP0QeTF0lwriBKoecaGUAONTWpx5JZaAA=="
)


def test_values_packed_by_format_1_still_read() -> None:
    claim = compact.read_claim(_PACKED_BY_FORMAT_1)
    assert claim.text == "Officials said the fire forced 300 residents to leave."
    assert claim.source == "Lakeside Herald" and claim.entities[0].key == "num:300"
    assert compact.pack(compact.unpack(_PACKED_BY_FORMAT_1)) == _PACKED_BY_FORMAT_1
