"""A real verdict document, with the claims it names, for the store and encoding tests."""

from __future__ import annotations

from services.verify.assess import assess
from services.verify.flows import verdict_document
from shared.schemas import Claim, EvidenceItem, Stance, VerdictDoc
from tests.verify import scenario_claims as sc
from tests.verify.factories import keyword_stance

FACT_CHECK = EvidenceItem(
    source="Fact Checker",
    stance=Stance.agree,
    text="A depot fire in Dornholm (rated 'true')",
    origin="factcheck:fact checker",
    url="https://factcheck.example/dornholm",
    provider="factcheck",
)


def assessed_verdict() -> tuple[VerdictDoc, list[Claim]]:
    """Three independent fire reports judged as the verify task does, plus a fact-check;
    and every claim the document names."""
    first, *others = sc.three_independent()
    result = assess(
        claim=first.claim,
        candidates=[o.candidate() for o in others],
        stance_fn=keyword_stance,
        external=[FACT_CHECK],
        near_copy_threshold=0.6,
        own_text=first.body,
    )
    doc = verdict_document(first.claim, result)
    from_claims = [e for e in doc.evidence if e.claim_id]
    external = [e for e in doc.evidence if e.provider]
    assert from_claims and external and doc.claim.entities  # a full document
    return doc, [first.claim, *(o.claim for o in others)]
