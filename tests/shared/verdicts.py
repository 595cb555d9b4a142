"""Verdict documents for the store, stream and encoding tests: a minimal one, and a real
one with the claims it names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.verify.assess import assess
from services.verify.flows import verdict_document
from shared.schemas import Claim, EvidenceItem, Stance, Verdict, VerdictDoc
from tests.verify import scenario_claims as sc
from tests.verify.factories import article_id_for, claim_id_for, keyword_stance

# Verdicts in tests are judged at a fixed instant: sizes and encodings must not vary by date.
VERIFIED_AT = datetime(2025, 1, 1, tzinfo=UTC)

FACT_CHECK = EvidenceItem(
    source="Fact Checker",
    stance=Stance.agree,
    text="A depot fire in Dornholm (rated 'true')",
    origin="factcheck:fact checker",
    url="https://factcheck.example/dornholm",
    provider="factcheck",
)


def assessed_verdict(
    stories: list[sc.Sourced] | None = None,
) -> tuple[VerdictDoc, list[Claim]]:
    """Three independent fire reports (or ``stories``: the first judged against the others)
    judged as the verify task does, plus a fact-check; and every claim the document names."""
    first, *others = stories if stories is not None else sc.three_independent()
    result = assess(
        claim=first.claim,
        candidates=[o.candidate() for o in others],
        stance_fn=keyword_stance,
        external=[FACT_CHECK],
        near_copy_threshold=0.6,
        own_text=first.body,
    )
    doc = verdict_document(first.claim, result, verified_at=VERIFIED_AT)
    from_claims = [e for e in doc.evidence if e.claim_id]
    external = [e for e in doc.evidence if e.provider]
    assert from_claims and external and doc.claim.entities  # a full document
    return doc, [first.claim, *(o.claim for o in others)]


def verdict_for(
    claim: Claim,
    *,
    version: int = 1,
    confidence: float = 0.3,
    verdict: Verdict = Verdict.unverified,
    verified_at: datetime = datetime(2025, 1, 1, tzinfo=UTC),
    independent_origins: int = 1,
    explanation: str = "one origin",
    **extra: Any,
) -> VerdictDoc:
    """A verdict on ``claim``: by default a minimal one (one origin, no evidence);
    ``extra`` sets further fields (evidence, conflicts)."""
    return VerdictDoc(
        claim_id=claim.claim_id,
        article_id=claim.article_id,
        source=claim.source,
        text=claim.text,
        kind=claim.kind,
        parent_claim_id=claim.parent_claim_id,
        verdict=verdict,
        confidence=confidence,
        independent_origins=independent_origins,
        explanation=explanation,
        claim=claim,
        version=version,
        verified_at=verified_at,
        **extra,
    )


def minimal_verdict(
    name: str, version: int = 1, *, verdict: Verdict = Verdict.unverified
) -> VerdictDoc:
    """A minimal verdict on a made-up claim called ``name`` of article ``a1`` (its id is
    ``claim_id_for(name, article="a1")``)."""
    claim_id = claim_id_for(name, article="a1")
    claim = Claim(
        claim_id=claim_id,
        article_id=article_id_for("a1"),
        source="Wire",
        text=f"claim {name}",
        start=0,
        end=10,
        checkworthiness=0.9,
    )
    return verdict_for(claim, version=version, verdict=verdict)
