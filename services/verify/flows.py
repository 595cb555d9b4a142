"""The verify path as functions shared by the verify task and the benchmarks.

``assess_claim`` does the work between loading a claim and saving its verdict: index the
claim, load its candidates with their sentence windows and their articles' claims, and
assess. ``record_verdicts`` writes a batch's verdicts as the task does (versioned, published,
the article's bookkeeping). The task adds what only a task does (external providers, retries,
scheduling re-verification); ``bench/inprocess.py`` calls these two without Celery.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

import redis

from services.verify import bodies, retrieval
from services.verify import store as verify_store
from services.verify.assess import Assessment, CandidateEvidence, StanceFn, assess
from services.verify.stance.claim_pairs import ClaimStance, load_claim_stance
from shared import recovery
from shared.schemas import Claim, EvidenceItem, ProviderCoverage, VerdictDoc
from shared.settings import Settings

__all__ = [
    "article_text",
    "assess_claim",
    "evidence_claim_ids",
    "load_candidates",
    "make_findable",
    "record_verdicts",
    "verdict_document",
]


def article_text(client: redis.Redis, claim: Claim) -> str:
    """The text of the claim's article (the claim's own sentence if the article is gone)."""
    return bodies.load_bodies(client, [claim.article_id]).get(claim.article_id, claim.text)


def make_findable(
    client: redis.Redis, *, claim: Claim, body: str, borrowed: Sequence[str] | None = None
) -> None:
    """Index the claim (and its article's signature) so other verifiers find it."""
    retrieval.index_claim(client, claim, article_text=body, borrowed=borrowed)


def load_candidates(
    client: redis.Redis, claim: Claim, *, cap: int, borrowed: Sequence[str] | None = None
) -> list[CandidateEvidence]:
    """Candidate claims of ``claim`` with their sentence windows and article signatures."""
    ids = retrieval.candidates(client, claim, cap=cap, borrowed=borrowed)
    claims = retrieval.load_claims(client, ids)
    article_ids = [other.article_id for other in claims]
    texts = bodies.load_bodies(client, article_ids)
    signatures = retrieval.load_signatures(client, article_ids)
    return [
        CandidateEvidence(
            claim=other,
            excerpt=bodies.window(other, texts.get(other.article_id)),
            signature=signatures.get(other.article_id),
        )
        for other in claims
    ]


def assess_claim(
    client: redis.Redis,
    *,
    claim: Claim,
    settings: Settings,
    stance_fn: StanceFn,
    external: Sequence[EvidenceItem] = (),
    coverage: Sequence[ProviderCoverage] = (),
    first_time: bool = True,
    claim_stance: ClaimStance | None = None,
) -> tuple[Assessment, int]:
    """Index ``claim``, judge it against its candidates; (assessment, number of candidates).

    A re-verification skips the indexing: the claim was found through the index, so its
    first verification already did it.
    """
    own_text = article_text(client, claim)
    # Indexing and lookup use the same keys: read what a bare claim borrows only once.
    borrowed = retrieval.borrowed_keys(client, claim)
    if first_time:
        # Index before searching: of two claims verified at once, at least one sees the other.
        make_findable(client, claim=claim, body=own_text, borrowed=borrowed)
    candidates = load_candidates(client, claim, cap=settings.candidate_cap, borrowed=borrowed)
    result = assess(
        claim=claim,
        candidates=candidates,
        stance_fn=stance_fn,
        external=external,
        coverage=coverage,
        near_copy_threshold=settings.near_copy_threshold,
        own_text=own_text,
        # Whom an unattributed sentence relays, and how its origin hedges: read from whole
        # articles, and only those of candidates the judging keeps.
        article_claims=functools.partial(retrieval.load_article_claims, client),
        claim_stance=load_claim_stance() if claim_stance is None else claim_stance,
    )
    return result, len(candidates)


def evidence_claim_ids(evidence: Sequence[EvidenceItem]) -> list[str]:
    """Stored claims in ``evidence``, sorted once each: the claims a first verdict is new
    evidence for, which the pipeline re-verifies."""
    return sorted({e.claim_id for e in evidence if e.claim_id})


def verdict_document(claim: Claim, result: Assessment, *, verified_at: datetime) -> VerdictDoc:
    """The verdict document for ``claim`` as judged at ``verified_at``; its version is
    assigned when it is saved."""
    return VerdictDoc(
        claim_id=claim.claim_id,
        article_id=claim.article_id,
        source=claim.source,
        text=claim.text,
        kind=claim.kind,
        parent_claim_id=claim.parent_claim_id,
        verdict=result.verdict,
        confidence=result.confidence,
        independent_origins=result.independent_origins,
        evidence=result.evidence,
        conflicts=result.conflicts,
        explanation=result.explanation,
        coverage=result.coverage,
        claim=claim,
        version=1,
        verified_at=verified_at,
    )


def record_verdicts(
    client: redis.Redis, *, settings: Settings, docs: Sequence[VerdictDoc], first_time: bool
) -> tuple[list[tuple[VerdictDoc, bool]], list[tuple[str | None, verify_store.ClaimDone]]]:
    """Save ``docs`` (a new version only when content changed), then publish each and mark
    its claim verified: one round trip each. A first verdict also hands its article the
    stored claims it is new evidence for. Returns what each step returned, per doc."""
    saved = verify_store.save_verdicts(client, docs)
    published = verify_store.publish_and_mark_all(
        client,
        settings=settings,
        verdicts=[
            (doc, evidence_claim_ids(doc.evidence) if first_time else ()) for doc, _ in saved
        ],
        stall_deadline=recovery.deadline(settings),
    )
    return saved, published
