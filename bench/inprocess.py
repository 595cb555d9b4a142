"""The pipeline's work without Celery or HTTP: extract an article, verify its claims, then
re-verify the claims they found as evidence.

Used by ``bench/pipeline.py`` for the work ceiling and by ``bench/scaling.py`` and
``bench/profile_work.py`` for verify time per claim. Verification is the verify task's own
flow (``services.verify.flows.assess_claim``); only queues, task bookkeeping, external
providers, verdict versioning and stream publishing are left out.

With ``record=True`` each batch of claims (``CROSSCHECK_VERIFY_BATCH_SIZE``, as the extract
task sends them) is also recorded as the verify task records it: versioned verdicts, stream
entries and the article's bookkeeping (``record_batch``). That is still the task's logic,
only without Celery around it.

Re-verification follows the pipeline's rule: each first verification names the stored claims
in its evidence; once the article is complete the pipeline re-verifies each of them, once per
pending run (``take_reverify_slots``), at the lowest queue priority, so a burst's
re-verifications wait until its first verdicts are done and coalesce. ``extract_and_verify``
returns the evidence ids and re-verifies them after the article unless told not to; the
pipeline benchmark's ceiling collects them over the whole burst and re-verifies each once
afterwards, as the queue does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import redis

from services.extract import store as extract_store
from services.extract.claims import extract_claims
from services.extract.nlp import load_nlp
from services.verify import flows
from services.verify import store as verify_store
from services.verify.assess import Assessment
from services.verify.stance import load_stance_model
from shared import store
from shared.schemas import Claim, StoredArticle
from shared.settings import Settings


@dataclass(frozen=True, slots=True)
class Verified:
    assessment: Assessment
    candidates: int


@dataclass(frozen=True, slots=True)
class ArticleWork:
    """What ``extract_and_verify`` did for one article."""

    claims: int
    reverified: int
    evidence_ids: list[str]  # stored claims the article's first verdicts found as evidence


def load_models(settings: Settings) -> None:
    """Load spaCy and the stance model once per process, as the workers do."""
    load_nlp(settings.spacy_model)
    load_stance_model(settings.stance_model_path or None)


def verify(
    client: redis.Redis, *, claim: Claim, settings: Settings, first_time: bool = True
) -> Verified:
    """The verify task's flow for ``claim``; its article must be stored, as ingest stores it."""
    result, candidates = flows.assess_claim(
        client,
        claim=claim,
        settings=settings,
        stance_fn=load_stance_model(settings.stance_model_path or None).predict_proba,
        first_time=first_time,
    )
    return Verified(assessment=result, candidates=candidates)


def record_batch(
    client: redis.Redis,
    *,
    settings: Settings,
    judged: Sequence[tuple[Claim, Assessment]],
    first_time: bool,
) -> None:
    """Write a batch's verdicts as the verify task does: save (versioned), publish, mark."""
    saved = verify_store.save_verdicts(
        client, [flows.verdict_document(claim, result) for claim, result in judged]
    )
    verify_store.publish_and_mark_all(
        client,
        settings=settings,
        verdicts=[
            (doc, flows.evidence_claim_ids(doc.evidence) if first_time else ()) for doc, _ in saved
        ],
    )


def _verify_batches(
    client: redis.Redis,
    *,
    claims: Sequence[Claim],
    settings: Settings,
    first_time: bool,
    record: bool,
) -> list[Verified]:
    out: list[Verified] = []
    size = settings.verify_batch_size if record else max(1, len(claims))
    for start in range(0, len(claims), size):
        batch = claims[start : start + size]
        done = [verify(client, claim=c, settings=settings, first_time=first_time) for c in batch]
        if record:
            judged = [(c, v.assessment) for c, v in zip(batch, done, strict=True)]
            record_batch(client, settings=settings, judged=judged, first_time=first_time)
        out.extend(done)
    return out


def reverify(
    client: redis.Redis, *, claim_ids: list[str], settings: Settings, record: bool = False
) -> int:
    """Re-verify each stored claim of ``claim_ids`` once, as the re-verify task does."""
    claims = [
        claim
        for claim in (store.get_claim(client, claim_id) for claim_id in sorted(set(claim_ids)))
        if claim is not None
    ]
    _verify_batches(client, claims=claims, settings=settings, first_time=False, record=record)
    return len(claims)


def extract_and_verify(
    client: redis.Redis,
    *,
    article: StoredArticle,
    settings: Settings,
    reverify_after: bool = True,
    record: bool = False,
) -> ArticleWork:
    """The per-article work: store, extract, first verifications, and (``reverify_after``)
    the re-verifications they call for; ``record`` writes verdicts as the task does."""
    store.save_article(client, article)
    result = extract_claims(nlp=load_nlp(settings.spacy_model), article=article)
    extract_store.save_claims(client, article=article, claims=result.claims)
    verified = _verify_batches(
        client, claims=result.claims, settings=settings, first_time=True, record=record
    )
    unique = sorted(
        {cid for done in verified for cid in flows.evidence_claim_ids(done.assessment.evidence)}
    )
    reverified = (
        reverify(client, claim_ids=unique, settings=settings, record=record)
        if reverify_after
        else 0
    )
    return ArticleWork(claims=len(result.claims), reverified=reverified, evidence_ids=unique)
