"""The compact stored forms of claims and verdicts join back to equal documents."""

from __future__ import annotations

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
