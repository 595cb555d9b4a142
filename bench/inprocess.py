"""The pipeline's work without Celery or HTTP: extract an article, verify its claims, and
re-verify the claims they found as evidence.

Used by ``bench/pipeline.py`` for the work ceiling and by ``bench/scaling.py``,
``bench/hotpath.py`` and ``bench/profile_work.py`` for verify time per claim. Verification is
the verify task's own flow (``services.verify.flows.assess_claim``); with ``record=True`` each
batch of claims (``CROSSCHECK_VERIFY_BATCH_SIZE``, as the extract task sends them) is also
written as the task writes it (``flows.record_verdicts``: versioned verdicts, stream entries,
the article's bookkeeping). Left out: queues, retries, external providers and the
scheduling of re-verification.

Re-verification follows the pipeline's rule under a burst: each first verification names the
stored claims in its evidence, and the queue runs their re-verification at the lowest
priority, after the first verdicts, once per claim. ``extract_and_verify`` returns those ids;
the pipeline benchmark's ceiling collects them over the whole burst and passes them to
``reverify`` afterwards.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from services.extract.claims import extract_claims
from services.extract.nlp import load_nlp
from services.verify import flows
from services.verify.assess import Assessment
from services.verify.stance import load_stance_model
from shared.runtime import settle_heap
from shared.schemas import Claim, StoredArticle
from shared.settings import Settings
from shared.storage import articles
from shared.storage import claims as stored_claims


@dataclass(frozen=True, slots=True)
class Verified:
    assessment: Assessment
    candidates: int


@dataclass(frozen=True, slots=True)
class ArticleWork:
    """What ``extract_and_verify`` did for one article."""

    claims: int
    evidence_ids: list[str]  # stored claims the article's first verdicts found as evidence


def load_models(settings: Settings) -> None:
    """Load spaCy and the stance model once per process and settle the heap, as the
    workers do."""
    load_nlp(settings.spacy_model)
    load_stance_model(settings.stance_model_path or None)
    settle_heap()


_corpora: weakref.WeakKeyDictionary[redis.Redis, flows.Corpus] = weakref.WeakKeyDictionary()


def corpus_of(client: redis.Redis) -> flows.Corpus:
    """One ``flows.Corpus`` per client, as a worker process keeps one."""
    corpus = _corpora.get(client)
    if corpus is None:
        corpus = _corpora[client] = flows.Corpus.open(client)
    return corpus


def verify(
    client: redis.Redis, *, claim: Claim, settings: Settings, first_time: bool = True
) -> Verified:
    """The verify task's flow for ``claim``; its article must be stored, as ingest stores it."""
    result, candidates = flows.assess_claim(
        corpus_of(client),
        claim=claim,
        settings=settings,
        stance_fn=load_stance_model(settings.stance_model_path or None).predict_proba,
        first_time=first_time,
    )
    return Verified(assessment=result, candidates=candidates)


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
            docs = [
                flows.verdict_document(c, v.assessment, verified_at=datetime.now(UTC))
                for c, v in zip(batch, done, strict=True)
            ]
            flows.record_verdicts(client, settings=settings, docs=docs, first_time=first_time)
        out.extend(done)
    return out


def reverify(
    client: redis.Redis, *, claim_ids: list[str], settings: Settings, record: bool = False
) -> int:
    """Re-verify each stored claim of ``claim_ids`` once, as the re-verify task does."""
    claims = corpus_of(client).claims.claims(sorted(set(claim_ids)))
    _verify_batches(client, claims=claims, settings=settings, first_time=False, record=record)
    return len(claims)


def extract_and_verify(
    client: redis.Redis, *, article: StoredArticle, settings: Settings, record: bool = False
) -> ArticleWork:
    """The per-article work: store, extract and first verifications (``record``: written as
    the task writes them). Re-verification is the caller's, as it is the queue's."""
    articles.save_article(client, article)
    result = extract_claims(nlp=load_nlp(settings.spacy_model), article=article)
    stored_claims.save_claims(client, article=article, claims=result.claims)
    verified = _verify_batches(
        client, claims=result.claims, settings=settings, first_time=True, record=record
    )
    unique = sorted(
        {cid for done in verified for cid in flows.evidence_claim_ids(done.assessment.evidence)}
    )
    return ArticleWork(claims=len(result.claims), evidence_ids=unique)
