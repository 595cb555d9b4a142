"""The pipeline's work without Celery or HTTP: extract an article, then verify its claims.

Used by ``bench/pipeline.py`` for the work ceiling and by ``bench/scaling.py`` for verify
time per claim. It calls the same functions the tasks call (``extract_claims``, the extract
store, ``retrieval.index_claim``, the verify task's candidate loader and ``assess``), only
without queues, task bookkeeping, verdict versioning or stream publishing.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from services.extract import store as extract_store
from services.extract.claims import extract_claims
from services.extract.nlp import load_nlp
from services.verify import retrieval
from services.verify.assess import Assessment, assess, excerpt_around
from services.verify.stance import load_stance_model
from services.verify.tasks import _candidates
from shared import keys
from shared.schemas import Claim, StoredArticle
from shared.settings import Settings


@dataclass(frozen=True, slots=True)
class Verified:
    assessment: Assessment
    candidates: int


def load_models(settings: Settings) -> None:
    """Load spaCy and the stance model once per process, as the workers do."""
    load_nlp(settings.spacy_model)
    load_stance_model(settings.stance_model_path or None)


def store_context(client: redis.Redis, *, claim: Claim, body: str) -> None:
    client.set(
        keys.claim_context(claim.claim_id), excerpt_around(body, start=claim.start, end=claim.end)
    )


def verify(client: redis.Redis, *, claim: Claim, body: str, settings: Settings) -> Verified:
    """Index ``claim``, load its candidates and their articles' claims and assess it, as
    ``verify_claim`` does."""
    store_context(client, claim=claim, body=body)
    retrieval.index_claim(client, claim, article_text=body)
    found = _candidates(client, claim, cap=settings.candidate_cap)
    article_claims = retrieval.load_article_claims(
        client, [claim.article_id, *(c.claim.article_id for c in found)]
    )
    result = assess(
        claim=claim,
        candidates=found,
        stance_fn=load_stance_model(settings.stance_model_path or None).predict_proba,
        near_copy_threshold=settings.near_copy_threshold,
        own_text=body,
        article_claims=article_claims,
    )
    return Verified(assessment=result, candidates=len(found))


def extract_and_verify(client: redis.Redis, *, article: StoredArticle, settings: Settings) -> int:
    """The whole per-article work; returns the number of claims verified."""
    result = extract_claims(nlp=load_nlp(settings.spacy_model), article=article)
    extract_store.save_claims(client, article=article, claims=result.claims)
    for claim in result.claims:
        verify(client, claim=claim, body=article.body, settings=settings)
    return len(result.claims)
