"""The pipeline's own extract and verify code run in one process, for evaluation.

Articles are stored as ingest stores them, extracted with the extract task's function and
their claims verified with the verify task's flow (``services.verify.flows``), verdicts
written as the task writes them. ``settle`` then re-verifies every claim that a first
verdict named as evidence, once, as the queue does after a burst: the verdicts read back
are the settled ones. Left out: HTTP, Celery, retries and external providers.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import redis

from services.extract.claims import extract_claims
from services.extract.nlp import load_nlp
from services.verify import flows
from services.verify.stance import load_stance_model
from shared.redis_client import make_redis
from shared.schemas import Claim, StoredArticle, VerdictDoc
from shared.settings import Settings
from shared.storage import articles, claims

__all__ = ["EvalArticle", "InProcessPipeline", "embedded_redis"]


@dataclass(frozen=True, slots=True)
class EvalArticle:
    """One article to post: what a client would send."""

    source: str
    body: str
    title: str = ""
    published_at: datetime | None = None


@contextmanager
def embedded_redis(settings: Settings) -> Iterator[redis.Redis]:
    """A client of a fresh redis-server in a temporary directory, stopped on exit."""
    from crosscheck.redis_server import RedisServer

    with tempfile.TemporaryDirectory(prefix="crosscheck-eval-") as tmp:
        server = RedisServer(data_dir=Path(tmp)).start()
        try:
            client = make_redis(settings, url=server.url)
            yield client
            client.close()
        finally:
            server.stop()


@dataclass
class InProcessPipeline:
    """Post articles, then read the settled verdict of every claim."""

    client: redis.Redis
    settings: Settings
    claims_of: dict[str, list[Claim]] = field(default_factory=dict)  # article id -> claims
    verdicts: dict[str, VerdictDoc] = field(default_factory=dict)  # claim id -> latest
    _evidence_ids: set[str] = field(default_factory=set)
    _posted: int = 0

    def __post_init__(self) -> None:
        self._corpus = flows.Corpus.open(self.client)
        load_nlp(self.settings.spacy_model)
        self._stance = load_stance_model(self.settings.stance_model_path or None).predict_proba

    def post(self, article: EvalArticle) -> str:
        """Store, extract and first-verify ``article``; its article id."""
        # Ids as ingest makes them (16 hex digits), but fixed by posting order: candidates
        # are judged in id order, so a rerun judges them in the same order.
        self._posted += 1
        article_id = hashlib.sha256(f"eval:{self._posted}".encode()).hexdigest()[:16]
        stored = StoredArticle(
            article_id=article_id,
            title=article.title,
            body=article.body,
            source=article.source,
            published_at=article.published_at,
            received_at=article.published_at or datetime.now(UTC),
        )
        articles.save_article(self.client, stored)
        result = extract_claims(nlp=load_nlp(self.settings.spacy_model), article=stored)
        claims.save_claims(
            self.client, article=stored, claims=result.claims, language=result.language
        )
        self.claims_of[stored.article_id] = list(result.claims)
        self._verify(result.claims, first_time=True)
        return stored.article_id

    def settle(self) -> int:
        """Re-verify once each claim that a first verdict found as evidence."""
        ids = sorted(self._evidence_ids)
        self._evidence_ids = set()
        self._verify(self._corpus.claims.claims(ids), first_time=False)
        return len(ids)

    def _verify(self, batch: Sequence[Claim], *, first_time: bool) -> None:
        size = self.settings.verify_batch_size
        for start in range(0, len(batch), size):
            docs = []
            for claim in batch[start : start + size]:
                result, _ = flows.assess_claim(
                    self._corpus,
                    claim=claim,
                    settings=self.settings,
                    stance_fn=self._stance,
                    first_time=first_time,
                )
                docs.append(flows.verdict_document(claim, result, verified_at=datetime.now(UTC)))
                if first_time:
                    self._evidence_ids.update(flows.evidence_claim_ids(result.evidence))
            saved, _ = flows.record_verdicts(
                self.client, settings=self.settings, docs=docs, first_time=first_time
            )
            for doc, _changed in saved:
                self.verdicts[doc.claim_id] = doc
