"""Thin Celery task of the verify worker: read ids, run the verify flow."""

from __future__ import annotations

import redis

from services.verify import flows
from services.verify.flows import REASON_INITIAL, REASON_REVERIFY, Corpus
from services.verify.stance import load_stance_model
from services.verify.stance.claim_pairs import load_claim_stance
from services.verify.worker import app
from shared.celery_app import PRIORITY_REFRESH, TASK_VERIFY
from shared.runtime import get_redis, on_process_init
from shared.settings import Settings, get_settings
from shared.tasks import pipeline_task

__all__ = ["REASON_INITIAL", "REASON_REVERIFY", "send_reverify", "verify_claims"]

_corpus: Corpus | None = None


@on_process_init
def _load_model(settings: Settings) -> None:
    load_stance_model(settings.stance_model_path or None)  # once per process
    load_claim_stance()


def _process_corpus(client: redis.Redis) -> Corpus:
    """The process's caches, built for its client (a forked child builds its own)."""
    global _corpus
    if _corpus is None or _corpus.client is not client:
        _corpus = Corpus.open(client)
    return _corpus


def send_reverify(claim_ids: list[str], countdown: float | None) -> None:
    """Queue a re-verification at the lowest priority, so under load it waits behind first
    verdicts."""
    app.send_task(
        TASK_VERIFY,
        kwargs={"claim_ids": claim_ids, "reason": REASON_REVERIFY},
        countdown=countdown,
        priority=PRIORITY_REFRESH,
    )


@pipeline_task(app, name=TASK_VERIFY)
def verify_claims(
    *, claim_ids: list[str], article_id: str | None = None, reason: str = REASON_INITIAL
) -> None:
    """Cross-check a few claims (Celery's cost per message is a fifth of a claim's work,
    and a small batch still spreads an article over every worker process)."""
    settings = get_settings()
    flows.verify_batch(
        _process_corpus(get_redis()),
        claim_ids=claim_ids,
        reason=reason,
        settings=settings,
        stance_fn=load_stance_model(settings.stance_model_path or None).predict_proba,
        send=send_reverify,
    )
