"""Thin Celery task of the verify worker: load, retrieve, assess, save, publish, fan out."""

from __future__ import annotations

from datetime import UTC, datetime

import redis

from services.verify import retrieval
from services.verify import store as verify_store
from services.verify.assess import CandidateEvidence, StanceFn, assess, excerpt_around
from services.verify.providers import gather_external
from services.verify.stance import load_stance_model
from services.verify.worker import app
from shared import keys, store
from shared.celery_app import TASK_VERIFY
from shared.errors import NotFound
from shared.logging import get_logger
from shared.runtime import get_redis, on_process_init
from shared.schemas import Claim, VerdictDoc
from shared.settings import Settings, get_settings
from shared.stream import publish
from shared.tasks import pipeline_task

log = get_logger(__name__)

REASON_INITIAL = "initial"
REASON_REVERIFY = "reverify"


@on_process_init
def _load_model(settings: Settings) -> None:
    load_stance_model(settings.stance_model_path or None)  # once per process


def _stance_fn(settings: Settings) -> StanceFn:
    return load_stance_model(settings.stance_model_path or None).predict_proba


def _own_context(client: redis.Redis, claim: Claim) -> tuple[str, str]:
    """(sentence window, article text) of the claim; the window is cached for other verifiers."""
    article = store.get_article(client, claim.article_id)
    body = article.body if article else claim.text
    context = excerpt_around(body, start=claim.start, end=claim.end)
    client.set(keys.claim_context(claim.claim_id), context)
    return context, body


def _candidates(client: redis.Redis, claim: Claim, *, cap: int) -> list[CandidateEvidence]:
    ids = retrieval.candidates(client, claim, cap=cap)
    claims = store.get_claims(client, ids)
    pipe = client.pipeline(transaction=False)
    for other in claims:
        pipe.get(keys.claim_context(other.claim_id))
    contexts = pipe.execute()
    signatures = retrieval.load_signatures(client, [other.claim_id for other in claims])
    return [
        CandidateEvidence(
            claim=other, excerpt=context or other.text, signature=signatures.get(other.claim_id)
        )
        for other, context in zip(claims, contexts, strict=True)
    ]


@pipeline_task(app, name=TASK_VERIFY)
def verify_claim(
    *, claim_id: str, article_id: str | None = None, reason: str = REASON_INITIAL
) -> None:
    """Cross-check one claim, publish its verdict, and re-verify claims it is new evidence for."""
    client = get_redis()
    settings = get_settings()
    if reason == REASON_REVERIFY:
        # Free the slot first: evidence arriving from now on schedules another run.
        verify_store.release_reverify_slot(client, claim_id=claim_id)
    claim = store.get_claim(client, claim_id)
    if claim is None:
        raise NotFound(f"claim {claim_id} is not in the store")
    _, own_text = _own_context(client, claim)
    # Index before searching: of two claims verified at once, at least one sees the other.
    retrieval.index_claim(client, claim, article_text=own_text)
    candidates = _candidates(client, claim, cap=settings.candidate_cap)
    # Whom an unattributed sentence relays, and how its origin hedges: read from whole articles.
    article_claims = retrieval.load_article_claims(client, [claim.article_id, *(c.claim.article_id for c in candidates)])
    external, coverage = gather_external(claim=claim, settings=settings, client=client)
    result = assess(
        claim=claim,
        candidates=candidates,
        stance_fn=_stance_fn(settings),
        external=external,
        coverage=coverage,
        near_copy_threshold=settings.near_copy_threshold,
        own_text=own_text,
        article_claims=article_claims,
    )
    doc, changed = verify_store.save_verdict(
        client,
        VerdictDoc(
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
            verified_at=datetime.now(UTC),
        ),
    )
    entry = publish(client, settings=settings, doc=doc)
    verify_store.mark_claim_verified(client, article_id=claim.article_id, claim_id=claim_id)
    log.info(
        "claim_verified",
        reason=reason,
        verdict=doc.verdict.value,
        confidence=doc.confidence,
        origins=doc.independent_origins,
        version=doc.version,
        changed=changed,
        published=entry is not None,
        candidates=len(candidates),
    )
    if reason == REASON_INITIAL:
        _schedule_reverification(
            client, settings=settings, evidence_ids=[e.claim_id for e in doc.evidence if e.claim_id]
        )


def _schedule_reverification(
    client: redis.Redis, *, settings: Settings, evidence_ids: list[str]
) -> None:
    """This claim is new evidence for each of ``evidence_ids``: re-verify them, debounced."""
    for other_id in sorted(set(evidence_ids)):
        if verify_store.take_reverify_slot(
            client, claim_id=other_id, debounce_seconds=settings.reverify_debounce_seconds
        ):
            app.send_task(
                TASK_VERIFY,
                kwargs={"claim_id": other_id, "reason": REASON_REVERIFY},
                countdown=settings.reverify_debounce_seconds,
            )
