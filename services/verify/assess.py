"""The verify entry point: judge candidate evidence for one claim and score it. No I/O.

The task loads the claim, its candidates (``retrieval.candidates``) and their articles, asks
the external providers, then calls ``assess``. Stance is a function argument so tests, and
a worker without a trained model, can inject one.

Stance input: the headline is the claim's text; the body is the candidate's *excerpt* (a
sentence window around the candidate claim in its article, see ``excerpt_around``) or, when
the task has none, the candidate claim's own text. The window matters: a stance model
trained on FNC-1 reads "X said Y" in context, where the hedges and denials sit in the next
sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from services.verify import consistency, origins
from services.verify.explain import explain
from services.verify.scoring import EXTERNAL_WEIGHT, ORIGIN_WEIGHT, Score, Signal, score
from shared.schemas import (
    Claim,
    ClaimKind,
    Conflict,
    EvidenceItem,
    ProviderCoverage,
    Stance,
    Verdict,
)

__all__ = [
    "RELATED_MIN",
    "STANCE_ORDER",
    "UNRELATED_MAX",
    "Assessment",
    "CandidateEvidence",
    "StanceFn",
    "assess",
    "excerpt_around",
]

StanceFn = Callable[[Sequence[str], Sequence[str]], npt.NDArray[np.floating]]
STANCE_ORDER = (Stance.agree, Stance.disagree, Stance.discuss, Stance.unrelated)

# A candidate must share enough named things or words to be evidence at all: a shared place
# and date alone give 0.1, well under this.
RELATED_MIN = 0.25
# ...and the stance model must not think the pair unrelated.
UNRELATED_MAX = 0.5

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CandidateEvidence:
    """A candidate claim with what the task loaded about its article."""

    claim: Claim
    title: str = ""
    excerpt: str = ""  # sentence window around the claim in its article
    signature: origins.Signature | None = None  # MinHash of the article text, if stored
    url: str | None = None


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    confidence: float
    independent_origins: int
    evidence: list[EvidenceItem]
    conflicts: list[Conflict]
    explanation: str
    score: Score
    coverage: list[ProviderCoverage] = field(default_factory=list)


def excerpt_around(body: str, *, start: int, end: int, sentences: int = 1) -> str:
    """The claim's sentence span in ``body`` plus ``sentences`` sentences either side."""
    bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(body)), len(body)]
    first = max(i for i, b in enumerate(bounds) if b <= start)
    last = min((i for i, b in enumerate(bounds) if b >= end), default=len(bounds) - 1)
    lo = bounds[max(0, first - sentences)]
    hi = bounds[min(len(bounds) - 1, last + sentences)]
    return body[lo:hi].strip()


def _stances(
    stance_fn: StanceFn, *, headline: str, bodies: Sequence[str]
) -> npt.NDArray[np.float64]:
    if not bodies:
        return np.zeros((0, 4))
    raw = np.asarray(stance_fn([headline] * len(bodies), list(bodies)), dtype=np.float64)
    if raw.shape != (len(bodies), 4):
        raise ValueError(f"stance function returned shape {raw.shape}, want ({len(bodies)}, 4)")
    raw = np.clip(np.nan_to_num(raw), 0.0, None)
    totals = raw.sum(axis=1, keepdims=True)
    # A row of zeros says nothing: read it as "unrelated".
    raw[totals[:, 0] == 0.0, 3] = 1.0
    normalised: npt.NDArray[np.float64] = raw / raw.sum(axis=1, keepdims=True)
    return normalised


def _time_key(claim: Claim) -> tuple[float, str]:
    when = claim.published_at
    if when is None:
        return (float("inf"), claim.claim_id)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return ((when - _EPOCH).total_seconds(), claim.claim_id)


def _base_origin(claim: Claim, *, kind: ClaimKind, speakers: Mapping[str, str]) -> str:
    if kind is ClaimKind.assertion and claim.attribution is not None:
        return origins.speaker_origin(speakers[claim.attribution.speaker_key])
    return origins.outlet_origin(claim.source)


@dataclass(frozen=True)
class _Judged:
    candidate: CandidateEvidence
    relatedness: float
    probabilities: npt.NDArray[np.float64]
    conflicts: list[Conflict]


def _judge(
    claim: Claim, candidates: Sequence[CandidateEvidence], stance_fn: StanceFn
) -> list[_Judged]:
    seen: set[str] = set()
    unique = []
    for cand in candidates:
        other = cand.claim
        if other.article_id == claim.article_id or other.claim_id in seen:
            continue
        seen.add(other.claim_id)
        unique.append(cand)
    unique.sort(key=lambda c: c.claim.claim_id)
    probs = _stances(
        stance_fn, headline=claim.text, bodies=[c.excerpt or c.claim.text for c in unique]
    )
    judged = []
    for cand, p in zip(unique, probs, strict=True):
        rel = consistency.relatedness(claim, cand.claim)
        if rel < RELATED_MIN or p[3] > UNRELATED_MAX:
            continue
        found = consistency.conflicts(claim, cand.claim, other_context=cand.excerpt)
        judged.append(_Judged(candidate=cand, relatedness=rel, probabilities=p, conflicts=found))
    return judged


@dataclass(frozen=True)
class _Origins:
    own: str
    of: dict[str, str]  # candidate claim id -> origin key
    copy_of: dict[str, str]  # candidate claim id -> claim id of the text it nearly copies
    names: dict[str, str]  # origin key -> display name
    speakers: dict[str, str]  # speaker key -> representative of its spelling variants


def _origins_of(
    claim: Claim, judged: Sequence[_Judged], *, threshold: float, own_text: str
) -> _Origins:
    everyone = [claim, *(j.candidate.claim for j in judged)]
    speakers = origins.merge_speakers(c.attribution.speaker_key for c in everyone if c.attribution)
    names: dict[str, str] = {}
    base: dict[str, str] = {}
    for c in everyone:
        key = _base_origin(c, kind=claim.kind, speakers=speakers)
        base[c.claim_id] = key
        shown = c.attribution.speaker if c.attribution and key.startswith("speaker:") else c.source
        names.setdefault(key, shown)

    own_window = (
        excerpt_around(own_text, start=claim.start, end=claim.end)
        if own_text and claim.end <= len(own_text)
        else claim.text
    )
    probes = {
        claim.claim_id: origins.CopyProbe(
            window=origins.signature(own_window),
            article=origins.signature(own_text) if own_text else None,
        )
    }
    for j in judged:
        sig = j.candidate.signature
        probes[j.candidate.claim.claim_id] = origins.CopyProbe(
            window=origins.signature(j.candidate.excerpt or j.candidate.claim.text),
            article=sig if sig is not None and sig.shape == (origins.NUM_PERM,) else None,
        )
    order = [c.claim_id for c in sorted(everyone, key=_time_key)]
    groups = origins.group_near_copies(probes, order=order, threshold=threshold)
    return _Origins(
        own=base[groups[claim.claim_id]],
        of={cid: base[rep] for cid, rep in groups.items()},
        copy_of={cid: rep for cid, rep in groups.items() if rep != cid},
        names=names,
        speakers=speakers,
    )


def _external_signal(claim: Claim, item: EvidenceItem) -> tuple[EvidenceItem, Signal]:
    rel = item.relatedness or consistency.overlap(
        consistency.content_tokens(claim.text), consistency.content_tokens(item.text)
    )
    item = item.model_copy(update={"relatedness": round(rel, 4)})
    probs = item.stance_probabilities or {item.stance: 1.0}
    signal = Signal(
        origin=item.origin,
        agree=probs.get(Stance.agree, 0.0),
        disagree=probs.get(Stance.disagree, 0.0),
        discuss=probs.get(Stance.discuss, 0.0),
        relatedness=rel,
        conflicts=len(item.conflicts),
        weight=EXTERNAL_WEIGHT,
        external=True,
        # Fact-checks rate assertions; they are no witness that a speaker said something.
        witness=claim.kind is ClaimKind.assertion,
    )
    return item, signal


def assess(
    *,
    claim: Claim,
    candidates: Sequence[CandidateEvidence],
    stance_fn: StanceFn,
    external: Sequence[EvidenceItem] = (),
    coverage: Sequence[ProviderCoverage] = (),
    near_copy_threshold: float,
    own_text: str = "",
) -> Assessment:
    """Verdict, confidence, origins, evidence and explanation for ``claim``.

    ``own_text`` is the claim's own article body (``claim.start``/``end`` index into it). It
    is how candidates that nearly copy the claim's article are recognised: whole articles
    are compared when the candidate carries a stored article ``signature``, sentence windows
    otherwise. Without it the claim's sentence stands in.
    """
    judged = _judge(claim, candidates, stance_fn)
    found = _origins_of(claim, judged, threshold=near_copy_threshold, own_text=own_text)
    speakers, names = found.speakers, found.names
    own_speaker = speakers.get(claim.attribution.speaker_key) if claim.attribution else None

    signals: list[Signal] = []
    evidence: list[EvidenceItem] = []
    all_conflicts: dict[tuple[str, str, str], Conflict] = {}
    for j in judged:
        other = j.candidate.claim
        p = j.probabilities
        witness = True
        if claim.kind is ClaimKind.attribution and own_speaker is not None:
            theirs = speakers.get(other.attribution.speaker_key) if other.attribution else None
            witness = theirs == own_speaker
        signals.append(
            Signal(
                origin=found.of[other.claim_id],
                agree=float(p[0]),
                disagree=float(p[1]),
                discuss=float(p[2]),
                relatedness=j.relatedness,
                conflicts=len(j.conflicts),
                hedged=other.modality.hedged,
                weight=ORIGIN_WEIGHT,
                witness=witness,
            )
        )
        for c in j.conflicts:
            all_conflicts.setdefault((c.field, c.claim_value, c.evidence_value), c)
        evidence.append(
            EvidenceItem(
                claim_id=other.claim_id,
                article_id=other.article_id,
                source=other.source,
                stance=STANCE_ORDER[int(np.argmax(p))],
                text=other.text,
                origin=found.of[other.claim_id],
                relatedness=round(j.relatedness, 4),
                stance_probabilities={
                    s: round(float(v), 4) for s, v in zip(STANCE_ORDER, p, strict=True)
                },
                conflicts=j.conflicts,
                near_copy_of=found.copy_of.get(other.claim_id),
                url=j.candidate.url,
            )
        )
    for item in external:
        item, signal = _external_signal(claim, item)
        names.setdefault(item.origin, item.source)
        signals.append(signal)
        evidence.append(item)

    result = score(
        signals=signals, own_origin=found.own, kind=claim.kind, claim_hedged=claim.modality.hedged
    )
    evidence.sort(key=lambda e: (-e.relatedness, e.claim_id or "", e.origin, e.text))
    conflicts = sorted(
        all_conflicts.values(), key=lambda c: (c.field, c.claim_value, c.evidence_value)
    )
    text = explain(
        claim=claim,
        score=result,
        evidence=evidence,
        conflicts=conflicts,
        names=names,
        coverage=coverage,
    )
    return Assessment(
        verdict=result.verdict,
        confidence=round(result.confidence, 4),
        independent_origins=result.independent_origins,
        evidence=evidence,
        conflicts=conflicts,
        explanation=text,
        score=result,
        coverage=list(coverage),
    )
