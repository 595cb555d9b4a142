"""The verify path as functions shared by the verify task and the benchmarks.

``assess_claim`` does the work between loading a claim and saving its verdict: index the
claim, load its candidates with their sentence windows and their articles' claims, and
assess. ``record_verdicts`` writes a batch's verdicts (versioned, published, the article's
bookkeeping). ``verify_batch`` is the whole task: judge a batch, record it, and schedule
the re-verifications that finished articles call for. ``bench/inprocess.py`` calls the
first two without Celery.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from services.verify import retrieval
from services.verify.assess import Assessment, CandidateEvidence, StanceFn, assess, excerpt_around
from services.verify.providers import gather_external
from services.verify.stance.claim_pairs import ClaimStance, load_claim_stance
from shared import recovery
from shared.celery_app import batches
from shared.errors import NotFound
from shared.logging import get_logger
from shared.schemas import Claim, EvidenceItem, ProviderCoverage, VerdictDoc
from shared.settings import Settings
from shared.storage import articles, inflight, settling, verdicts
from shared.storage.articles import BodyCache
from shared.storage.claims import ClaimCache

__all__ = [
    "REASON_INITIAL",
    "REASON_REVERIFY",
    "Corpus",
    "article_text",
    "assess_claim",
    "evidence_claim_ids",
    "load_candidates",
    "make_findable",
    "record_verdicts",
    "schedule_reverification",
    "verdict_document",
    "verify_batch",
    "window",
]

log = get_logger(__name__)

REASON_INITIAL = "initial"
REASON_REVERIFY = "reverify"


@dataclass(frozen=True, slots=True)
class Corpus:
    """The store as the verify flow reads it: a client, and its process's caches of parsed
    claims and article bodies (the same articles turn up as candidates of many claims)."""

    client: redis.Redis
    claims: ClaimCache
    bodies: BodyCache

    @classmethod
    def open(cls, client: redis.Redis) -> Corpus:
        return cls(client, ClaimCache(client), BodyCache(client))


def window(claim: Claim, body: str | None) -> str:
    """The claim's sentence window in ``body``, or its own text when there is none (or the
    claim is the title's)."""
    if body is None or claim.section != "body":
        return claim.text
    return excerpt_around(body, start=claim.start, end=claim.end) or claim.text


def article_text(corpus: Corpus, claim: Claim) -> str:
    """The text of the claim's article (the claim's own sentence if the article is gone)."""
    return corpus.bodies.bodies([claim.article_id]).get(claim.article_id, claim.text)


def make_findable(
    corpus: Corpus, *, claim: Claim, body: str, borrowed: Sequence[str] | None = None
) -> None:
    """Index the claim (and its article's signature) so other verifiers find it."""
    if borrowed is None:
        borrowed = retrieval.borrowed_keys(corpus.claims, claim)
    retrieval.index_claim(corpus.client, claim, article_text=body, borrowed=borrowed)


def load_candidates(
    corpus: Corpus, claim: Claim, *, cap: int, borrowed: Sequence[str] | None = None
) -> list[CandidateEvidence]:
    """Candidate claims of ``claim`` with their sentence windows and article signatures."""
    if borrowed is None:
        borrowed = retrieval.borrowed_keys(corpus.claims, claim)
    ids = retrieval.candidates(corpus.client, claim, cap=cap, borrowed=borrowed)
    claims = corpus.claims.claims(ids)
    article_ids = [other.article_id for other in claims]
    texts = corpus.bodies.bodies(article_ids)
    signatures = articles.load_signatures(corpus.client, article_ids)
    return [
        CandidateEvidence(
            claim=other,
            excerpt=window(other, texts.get(other.article_id)),
            signature=signatures.get(other.article_id),
        )
        for other in claims
    ]


def assess_claim(
    corpus: Corpus,
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
    own_text = article_text(corpus, claim)
    # Indexing and lookup use the same keys: read what a bare claim borrows only once.
    borrowed = retrieval.borrowed_keys(corpus.claims, claim)
    if first_time:
        # Index before searching: of two claims verified at once, at least one sees the other.
        make_findable(corpus, claim=claim, body=own_text, borrowed=borrowed)
    candidates = load_candidates(corpus, claim, cap=settings.candidate_cap, borrowed=borrowed)
    result = assess(
        claim=claim,
        candidates=candidates,
        stance_fn=stance_fn,
        external=external,
        coverage=coverage,
        near_copy_threshold=settings.near_copy_threshold,
        satire_outlets=settings.satire_outlets,
        own_text=own_text,
        # Whom an unattributed sentence relays, and how its origin hedges: read from whole
        # articles, and only those of candidates the judging keeps.
        article_claims=corpus.claims.article_claims,
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
) -> tuple[list[tuple[VerdictDoc, bool]], list[tuple[str | None, verdicts.ClaimDone]]]:
    """Save ``docs`` (a new version only when content changed), then publish each and mark
    its claim verified: one round trip each. A first verdict also hands its article the
    stored claims it is new evidence for. Returns what each step returned, per doc."""
    saved = verdicts.save_verdicts(client, docs)
    published = verdicts.publish_and_mark_all(
        client,
        settings=settings,
        verdicts=[
            (doc, evidence_claim_ids(doc.evidence) if first_time else ()) for doc, _ in saved
        ],
        stall_deadline=recovery.deadline(settings),
    )
    return saved, published


# Sends one re-verify message: (claim ids, countdown seconds or None).
SendReverify = Callable[[list[str], float | None], None]


def schedule_reverification(
    client: redis.Redis, *, settings: Settings, claim_ids: Sequence[str], send: SendReverify
) -> int:
    """A finished article is new evidence for each of ``claim_ids``: re-verify each once.

    One pending run per claim (a slot that its run frees when it starts), so each run
    coalesces the evidence of every article that arrives while it waits.
    """
    # A message not acknowledged within the visibility timeout is redelivered, so a slot
    # older than that belongs to a run that is gone.
    hold = settings.reverify_debounce_seconds + settings.visibility_timeout
    taken = verdicts.take_reverify_slots(client, claim_ids=claim_ids, hold_seconds=hold)
    for batch in batches(taken, settings.verify_batch_size):
        send(batch, settings.reverify_debounce_seconds or None)
    return len(taken)


def verify_batch(
    corpus: Corpus,
    *,
    claim_ids: Sequence[str],
    reason: str,
    settings: Settings,
    stance_fn: StanceFn,
    send: SendReverify,
) -> None:
    """Cross-check each claim, publish its verdict, and re-verify the claims an article that
    is now complete is new evidence for.

    Once every claim of the batch is judged, their verdicts are saved in one round trip and
    published in a second. A retry judges the whole batch again, and a verdict whose content
    is unchanged keeps its version and is not published twice.
    """
    client = corpus.client
    if reason == REASON_REVERIFY:
        # Free the slots first: evidence arriving from now on schedules another run.
        verdicts.release_reverify_slots(client, claim_ids=claim_ids)
    # Read before judging: evidence marked after this is not seen, and keeps its mark.
    marks = settling.read_marks(client, claim_ids)
    claims = {claim.claim_id: claim for claim in corpus.claims.claims(claim_ids)}
    missing = [claim_id for claim_id in claim_ids if claim_id not in claims]
    if missing:
        raise NotFound(f"claims {', '.join(missing)} are not in the store")
    first_time = reason == REASON_INITIAL
    judged: list[tuple[VerdictDoc, int]] = []
    for claim_id in claim_ids:
        claim = claims[claim_id]
        # External providers are consulted first: they do not touch the store.
        external, coverage = gather_external(claim=claim, settings=settings)
        result, candidates = assess_claim(
            corpus,
            claim=claim,
            settings=settings,
            stance_fn=stance_fn,
            external=external,
            coverage=coverage,
            first_time=first_time,
        )
        verified_at = datetime.now(UTC)
        judged.append((verdict_document(claim, result, verified_at=verified_at), candidates))
    saved, published = record_verdicts(
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
    inflight.forget(client, article_ids=finished)
    for finished_article, others in to_reverify.items():
        scheduled = schedule_reverification(client, settings=settings, claim_ids=others, send=send)
        verdicts.forget_reverify(client, article_id=finished_article, claim_ids=others)
        log.info(
            "reverification_scheduled",
            article_id=finished_article,
            claims=len(others),
            new=scheduled,
        )
    # Last: the verdicts judged here are out, and what they found is scheduled.
    settling.clear_marks(client, marks)
