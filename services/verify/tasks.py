"""Thin Celery task of the verify worker: load, run the verify flow, save, publish, fan out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import redis
from structlog.contextvars import bound_contextvars

from services.verify import flows, retrieval
from services.verify import store as verify_store
from services.verify.assess import StanceFn
from services.verify.providers import gather_external
from services.verify.stance import load_stance_model
from services.verify.stance.claim_pairs import load_claim_stance
from services.verify.worker import app
from shared import recovery
from shared.celery_app import PRIORITY_REFRESH, TASK_VERIFY, batches
from shared.errors import NotFound
from shared.logging import get_logger
from shared.runtime import get_redis, on_process_init
from shared.schemas import Claim, VerdictDoc
from shared.settings import Settings, get_settings
from shared.tasks import pipeline_task

log = get_logger(__name__)

REASON_INITIAL = "initial"
REASON_REVERIFY = "reverify"


@on_process_init
def _load_model(settings: Settings) -> None:
    load_stance_model(settings.stance_model_path or None)  # once per process
    load_claim_stance()


def _stance_fn(settings: Settings) -> StanceFn:
    return load_stance_model(settings.stance_model_path or None).predict_proba


@pipeline_task(app, name=TASK_VERIFY)
def verify_claims(
    *, claim_ids: list[str], article_id: str | None = None, reason: str = REASON_INITIAL
) -> None:
    """Cross-check each claim, publish its verdict, and re-verify the claims an article that
    is now complete is new evidence for.

    A task takes a few claims, not one: Celery's cost per message is a fifth of a claim's
    work, and a small batch still spreads an article over every worker process. Once every
    claim of the batch is judged, their verdicts are saved in one round trip and published
    in a second (two per claim cost as much CPU as a tenth of the judging). A retry judges
    the whole batch again, and a verdict whose content is unchanged keeps its version and is
    not published twice.
    """
    client = get_redis()
    settings = get_settings()
    if reason == REASON_REVERIFY:
        # Free the slots first: evidence arriving from now on schedules another run.
        verify_store.release_reverify_slots(client, claim_ids=claim_ids)
    # Parsed claims are cached per process: re-verified claims were recently candidates.
    claims = {claim.claim_id: claim for claim in retrieval.load_claims(client, claim_ids)}
    missing = [claim_id for claim_id in claim_ids if claim_id not in claims]
    if missing:
        raise NotFound(f"claims {', '.join(missing)} are not in the store")
    first_time = reason == REASON_INITIAL
    judged: list[tuple[VerdictDoc, int]] = []
    for claim_id in claim_ids:
        with bound_contextvars(claim_id=claim_id):
            judged.append(
                _judge(client, settings=settings, claim=claims[claim_id], first_time=first_time)
            )
    saved, published = flows.record_verdicts(
        client, settings=settings, docs=[doc for doc, _ in judged], first_time=first_time
    )
    to_reverify: dict[str, list[str]] = {}
    finished: list[str] = []
    for (doc, changed), (_, candidates), (entry, done) in zip(
        saved, judged, published, strict=True
    ):
        log.info(
            "claim_verified",
            claim_id=doc.claim_id,
            reason=reason,
            verdict=doc.verdict.value,
            confidence=doc.confidence,
            origins=doc.independent_origins,
            version=doc.version,
            changed=changed,
            published=entry is not None,
            candidates=candidates,
        )
        if done.reverify:
            to_reverify[done.article_id] = done.reverify
        if done.article_finished:
            finished.append(done.article_id)
    recovery.forget(client, article_ids=finished)
    for finished_article, others in to_reverify.items():
        scheduled = _schedule_reverification(client, settings=settings, claim_ids=others)
        verify_store.forget_reverify(client, article_id=finished_article, claim_ids=others)
        log.info(
            "reverification_scheduled",
            article_id=finished_article,
            claims=len(others),
            new=scheduled,
        )


def _judge(
    client: redis.Redis, *, settings: Settings, claim: Claim, first_time: bool
) -> tuple[VerdictDoc, int]:
    """The verdict document of ``claim`` (not yet versioned) and its number of candidates."""
    # External providers are consulted first: they do not touch the store.
    external, coverage = gather_external(claim=claim, settings=settings)
    result, candidates = flows.assess_claim(
        client,
        claim=claim,
        settings=settings,
        stance_fn=_stance_fn(settings),
        external=external,
        coverage=coverage,
        first_time=first_time,
    )
    return flows.verdict_document(claim, result, verified_at=datetime.now(UTC)), candidates


def _schedule_reverification(
    client: redis.Redis, *, settings: Settings, claim_ids: Sequence[str]
) -> int:
    """A finished article is new evidence for each of ``claim_ids``: re-verify each once.

    One pending run per claim (a slot that its run frees when it starts), at the lowest
    queue priority, so under load re-verifications queue behind first verdicts and each
    coalesces the evidence of every article that arrives while it waits.
    """
    # A message not acknowledged within the visibility timeout is redelivered, so a slot
    # older than that belongs to a run that is gone.
    hold = settings.reverify_debounce_seconds + settings.visibility_timeout
    taken = verify_store.take_reverify_slots(client, claim_ids=claim_ids, hold_seconds=hold)
    for batch in batches(taken, settings.verify_batch_size):
        app.send_task(
            TASK_VERIFY,
            kwargs={"claim_ids": batch, "reason": REASON_REVERIFY},
            countdown=settings.reverify_debounce_seconds or None,
            priority=PRIORITY_REFRESH,
        )
    return len(taken)
