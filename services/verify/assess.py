"""The verify entry point: judge candidate evidence for one claim and score it. No I/O.

The task loads the claim, its candidates (``retrieval.candidates``) and their articles, asks
the external providers, then calls ``assess``. Stance is a function argument so tests, and
a worker without a trained model, can inject one.

Stance input: the headline is the claim's text; the body is the candidate's *excerpt* (a
sentence window around the candidate claim in its article, see ``excerpt_around``) or, when
the task has none, the candidate claim's own text. The window matters: a stance model
trained on FNC-1 reads "X said Y" in context, where the hedges and denials sit in the next
sentence.

Origins (``origins`` has the rules): an attributed claim's origin is its speaker, merged
across spellings and, for claims about one event, across a state and its organs. An
unattributed claim relays the speaker its own article cites most for the claim's event
(related claims of that article, speakers not counted, ``SAME_EVENT_MIN``), so an outlet
counts as an origin of its own only where it cites nobody. Hedges travel with the origin: a
claim counts as hedged when its origin hedges the same assertion (``consistency.
same_assertion``) in the claim's article or in a relay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from services.verify import consistency, facts, origins, satire
from services.verify.explain import explain
from services.verify.scoring import EXTERNAL_WEIGHT, ORIGIN_WEIGHT, Score, Signal, carries, score
from services.verify.stance.claim_pairs import ClaimStance
from shared.schemas import (
    AttributionRole,
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
    "SAME_EVENT_MIN",
    "STANCE_ORDER",
    "UNRELATED_MAX",
    "Assessment",
    "CandidateEvidence",
    "StanceFn",
    "assess",
    "excerpt_around",
]

StanceFn = Callable[[Sequence[str], Sequence[str]], npt.NDArray[np.floating]]
# Article id -> all its stored claims, in article order.
ArticleClaims = Mapping[str, Sequence[Claim]]
STANCE_ORDER = (Stance.agree, Stance.disagree, Stance.discuss, Stance.unrelated)
# Digits an evidence item reports. Scoring uses the unrounded values; more digits would be
# false precision to a reader, and every stored verdict would carry them.
RELATEDNESS_DIGITS = 3
PROBABILITY_DIGITS = 2

# A candidate must share enough named things or words to be evidence at all: a shared place
# and date alone give 0.1, well under this.
RELATED_MIN = 0.25
# ...and the stance model must not think the pair unrelated.
UNRELATED_MAX = 0.5
# Weight moved to "disagree" when two claims state one event with opposite polarity.
POLARITY_DISAGREE = 0.8
# A claim of the claim's article (or a candidate's) this related to it, speakers not
# counted, is about the same event: whom the article cites for it is whom it relays.
SAME_EVENT_MIN = 0.4

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


@dataclass(frozen=True)
class _Judged:
    candidate: CandidateEvidence
    relatedness: float
    probabilities: npt.NDArray[np.float64]
    conflicts: list[Conflict]


def _judge(
    claim: Claim,
    candidates: Sequence[CandidateEvidence],
    stance_fn: StanceFn,
    claim_stance: ClaimStance | None,
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
    if claim_stance is not None:
        # Which side the candidate takes is read from its own sentence, against the claim.
        probs = claim_stance.apply(
            probs, [claim.text] * len(unique), [c.claim.text for c in unique]
        )
    judged = []
    for cand, p in zip(unique, probs, strict=True):
        rel = consistency.relatedness(claim, cand.claim)
        if consistency.contradicts(claim, cand.claim) or (
            facts.same_fact(claim, cand.claim) and facts.opposite_polarity(claim, cand.claim)
        ):
            # A flat denial of the same event disagrees, whatever the wording model says.
            p = p * (1.0 - POLARITY_DISAGREE)
            p[1] += POLARITY_DISAGREE
        # An item shown as evidence is about the claim: none reads "unrelated".
        if rel < RELATED_MIN or p[3] > UNRELATED_MAX or int(np.argmax(p)) == 3:
            continue
        if not facts.same_fact(claim, cand.claim):
            # Another fact of the same story: context, not evidence (``facts``).
            continue
        found = consistency.conflicts(claim, cand.claim, other_context=cand.excerpt)
        judged.append(_Judged(candidate=cand, relatedness=rel, probabilities=p, conflicts=found))
    return judged


@dataclass(frozen=True)
class _Origins:
    own: str
    of: dict[str, str]  # claim id (the claim, candidates, related siblings) -> origin key
    copy_of: dict[str, str]  # candidate claim id -> claim id of the text it nearly copies
    names: dict[str, str]  # origin key -> display name
    speaker_of: dict[str, str]  # claim id -> its speaker group, stated or inherited
    speaker_names: dict[str, str]  # speaker group -> display name
    # Article id -> the outlet, as written, whose text it nearly copies (its own if none).
    outlet_of_article: dict[str, str]


def _related_siblings(
    claim: Claim, judged: Sequence[_Judged], article_claims: Mapping[str, Sequence[Claim]]
) -> dict[str, list[Claim]]:
    """Per article (the claim's own and each candidate's): its other claims about the event."""
    articles = sorted({claim.article_id, *(j.candidate.claim.article_id for j in judged)})
    return {
        aid: [
            c
            for c in article_claims.get(aid, ())
            if c.claim_id != claim.claim_id
            and consistency.relatedness(claim, c, speakers=False) >= SAME_EVENT_MIN
        ]
        for aid in articles
    }


def _speaker_groups(claims: Sequence[Claim]) -> tuple[dict[str, str], dict[str, list[str]]]:
    surfaces: dict[str, list[str]] = {}
    for c in claims:
        if c.attribution is not None:
            surfaces.setdefault(c.attribution.speaker_key, []).append(c.attribution.speaker)
    groups = origins.merge_speakers(surfaces, surfaces=surfaces)
    by_group: dict[str, list[str]] = {}
    for key, rep in groups.items():
        by_group.setdefault(rep, []).extend(surfaces[key])
    return groups, by_group


def _display(surfaces: Sequence[str], *, prefer: str | None) -> str:
    """The most specific way a speaker group is written ("the Russian Defense Ministry")."""

    def rank(text: str) -> tuple[int, int, str]:
        capitalised = sum(1 for w in text.split()[1:] if w[:1].isupper())
        return (-(capitalised + text[:1].isupper()), -len(text), text)

    best = sorted(surfaces, key=rank)[0] if surfaces else (prefer or "")
    if prefer is not None and rank(prefer)[:2] == rank(best)[:2]:
        best = prefer
    first, _, rest = best.partition(" ")
    # Shown mid-sentence: "relaying one statement by the Russian Defense Ministry".
    return f"{first.lower()} {rest}" if rest and first in ("The", "A", "An") else best


def _origins_of(
    claim: Claim,
    judged: Sequence[_Judged],
    *,
    threshold: float,
    own_text: str,
    article_claims: Mapping[str, Sequence[Claim]],
) -> _Origins:
    siblings = _related_siblings(claim, judged, article_claims)
    everyone = [claim, *(j.candidate.claim for j in judged)]
    context = [*everyone, *(c for cs in siblings.values() for c in cs)]
    speakers, surfaces = _speaker_groups(context)

    def stated(c: Claim) -> str | None:
        return speakers[c.attribution.speaker_key] if c.attribution is not None else None

    # An unattributed sentence relays the speaker its article cites most for this event.
    cited = {
        aid: origins.article_speaker(k for c in cs if (k := stated(c)) is not None)
        for aid, cs in siblings.items()
    }
    speaker_of: dict[str, str] = {}
    for c in context:
        speaker = stated(c) or cited.get(c.article_id)
        if speaker is not None:
            speaker_of[c.claim_id] = speaker

    own_window = (
        excerpt_around(own_text, start=claim.start, end=claim.end)
        if own_text and claim.section == "body" and claim.end <= len(own_text)
        else claim.text
    )
    probes = {
        claim.claim_id: origins.CopyProbe(
            window=origins.signature(own_window),
            article=origins.signature(own_text) if own_text else None,
            article_id=claim.article_id,
        )
    }
    for j in judged:
        sig = j.candidate.signature
        probes[j.candidate.claim.claim_id] = origins.CopyProbe(
            window=origins.signature(j.candidate.excerpt or j.candidate.claim.text),
            article=sig if sig is not None and sig.shape == (origins.NUM_PERM,) else None,
            article_id=j.candidate.claim.article_id,
        )
    order = [c.claim_id for c in sorted(everyone, key=_time_key)]
    copies = origins.group_near_copies(probes, order=order, threshold=threshold)
    source_of = {c.claim_id: c.source for c in everyone}
    # Near-copies collapse outlets: a copied article speaks with its original's voice.
    outlet_of_article = {
        c.article_id: source_of[copies[c.claim_id]] for c in everyone if c.claim_id in copies
    }

    own_surface = claim.attribution.speaker if claim.attribution is not None else None
    speaker_names = {
        group: _display(written, prefer=own_surface if group == stated(claim) else None)
        for group, written in surfaces.items()
    }
    names: dict[str, str] = {}
    of: dict[str, str] = {}
    for c in context:
        speaker = speaker_of.get(c.claim_id)
        if claim.kind is ClaimKind.assertion and speaker is not None:
            key = origins.speaker_origin(speaker)
            names.setdefault(key, speaker_names[speaker])
        else:
            outlet = outlet_of_article.get(c.article_id, c.source)
            key = origins.outlet_origin(outlet)
            names.setdefault(key, outlet)
        of[c.claim_id] = key
    # Another article of the claim's own outlet is the same voice again, not a second origin.
    for c in everyone:
        if c.source == claim.source:
            of[c.claim_id] = of[claim.claim_id]
    return _Origins(
        own=of[claim.claim_id],
        of=of,
        copy_of={cid: rep for cid, rep in copies.items() if rep != cid},
        names=names,
        speaker_of=speaker_of,
        speaker_names=speaker_names,
        outlet_of_article=outlet_of_article,
    )


def _unsourced_articles(article_claims: ArticleClaims) -> set[str]:
    """Articles that quote nobody: a bare headline, or a rewrite citing no one, may only be
    repeating what it read elsewhere. An outlet origin there is no source of its own (a
    named speaker always is); an article whose claims were not loaded gets the benefit of
    the doubt by not being listed."""
    return {
        aid
        for aid, claims in article_claims.items()
        if not any(
            c.attribution is not None and c.attribution.role is not AttributionRole.relays
            for c in claims
        )
    }


def _relayed(claim: Claim) -> bool:
    return claim.attribution is not None and claim.attribution.role is AttributionRole.relays


def _external_signal(claim: Claim, item: EvidenceItem) -> tuple[EvidenceItem, Signal]:
    rel = item.relatedness or consistency.overlap(
        consistency.content_tokens(claim.text), consistency.content_tokens(item.text)
    )
    item = item.model_copy(update={"relatedness": round(rel, RELATEDNESS_DIGITS)})
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


def _borrowed_hedges(
    claim: Claim, judged: Sequence[_Judged], found: _Origins, siblings: Sequence[Claim]
) -> list[str]:
    """Hedges its own origin puts on the same assertion elsewhere, in its article or relays."""
    if claim.kind is not ClaimKind.assertion:
        return []
    same: list[Claim] = [
        j.candidate.claim
        for j in judged
        if not j.conflicts
        and float(j.probabilities[1]) < max(j.probabilities[0], j.probabilities[2])
    ]
    same.extend(siblings)
    hedges: list[str] = []
    # The claim's own article first: its hedges are the ones a reader sees next to it.
    for other in sorted(same, key=lambda c: (c.article_id != claim.article_id, c.claim_id)):
        if (
            found.of.get(other.claim_id) == found.own
            and other.modality.hedged
            and other.modality.negated == claim.modality.negated
            and consistency.same_assertion(claim, other)
            and not consistency.conflicts(claim, other)
        ):
            hedges.extend(h for h in other.modality.hedges if h not in hedges)
    return [h for h in hedges if h not in claim.modality.hedges]


def assess(
    *,
    claim: Claim,
    candidates: Sequence[CandidateEvidence],
    stance_fn: StanceFn,
    external: Sequence[EvidenceItem] = (),
    coverage: Sequence[ProviderCoverage] = (),
    near_copy_threshold: float,
    own_text: str = "",
    article_claims: ArticleClaims | Callable[[Sequence[str]], ArticleClaims] | None = None,
    claim_stance: ClaimStance | None = None,
    satire_outlets: Sequence[str] = (),
) -> Assessment:
    """Verdict, confidence, origins, evidence and explanation for ``claim``.

    ``own_text`` is the claim's own article body (``claim.start``/``end`` index into it). It
    is how candidates that nearly copy the claim's article are recognised: whole articles
    are compared when the candidate carries a stored article ``signature``, sentence windows
    otherwise. Without it the claim's sentence stands in.

    ``article_claims`` maps article ids (the claim's own and its candidates') to all their
    claims. It tells whom an unattributed sentence relays (the speaker its article cites for
    the event) and whether the claim's origin hedges the same assertion elsewhere. Given as a
    function of article ids, it is asked only for the articles of candidates that survive
    judging: about half of them, each of which would cost reading all its claims.

    ``claim_stance``, when given, re-reads the side each candidate takes from its own
    sentence against the claim (``stance.claim_pairs``); ``stance_fn`` still decides
    whether the pair is related at all.

    ``satire_outlets`` are outlets known to publish satire besides the built-in ones
    (``satire``); a candidate from one, or a near-copy of one, confirms nothing.
    """
    judged = _judge(claim, candidates, stance_fn, claim_stance)
    if callable(article_claims):
        article_claims = article_claims(
            sorted({claim.article_id, *(j.candidate.claim.article_id for j in judged)})
        )
    article_claims = article_claims or {}
    found = _origins_of(
        claim,
        judged,
        threshold=near_copy_threshold,
        own_text=own_text,
        article_claims=article_claims,
    )
    names = found.names
    own_speaker = found.speaker_of.get(claim.claim_id)
    own_siblings = [
        c
        for c in article_claims.get(claim.article_id, ())
        if c.claim_id != claim.claim_id and c.claim_id in found.of
    ]
    borrowed = _borrowed_hedges(claim, judged, found, own_siblings)
    unsourced = _unsourced_articles(article_claims)

    def satire_source(c: Claim) -> str | None:
        """The satire outlet ``c`` comes from: its own, or the one its text copies."""
        copied = found.outlet_of_article.get(c.article_id, c.source)
        return next((s for s in (c.source, copied) if satire.is_satire(s, satire_outlets)), None)

    signals: list[Signal] = []
    evidence: list[EvidenceItem] = []
    # Satire outlets carrying the claim, as written: its own first.
    own_satire = satire_source(claim)
    satire_carriers = [own_satire] if own_satire is not None else []
    all_conflicts: dict[tuple[str, str, str], Conflict] = {}
    for j in judged:
        other = j.candidate.claim
        p = j.probabilities
        witness = True
        if claim.kind is ClaimKind.attribution and claim.attribution is not None:
            witness = (
                own_speaker is not None and found.speaker_of.get(other.claim_id) == own_speaker
            )
        signals.append(
            Signal(
                origin=found.of[other.claim_id],
                agree=float(p[0]),
                disagree=float(p[1]),
                discuss=float(p[2]),
                relatedness=j.relatedness,
                conflicts=len(j.conflicts),
                # A relayed report ("reportedly", "the Sun reported") confirms nothing itself.
                hedged=other.modality.hedged or _relayed(other),
                weight=ORIGIN_WEIGHT,
                witness=witness,
                sourced=found.of[other.claim_id].startswith("speaker:")
                or other.article_id not in unsourced,
                satire=(carrier := satire_source(other)) is not None,
            )
        )
        # Named as scoring counts it.
        if (
            carrier is not None
            and carries(signals[-1], kind=claim.kind)
            and carrier not in satire_carriers
        ):
            satire_carriers.append(carrier)
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
                relatedness=round(j.relatedness, RELATEDNESS_DIGITS),
                stance_probabilities={
                    s: round(float(v), PROBABILITY_DIGITS)
                    for s, v in zip(STANCE_ORDER, p, strict=True)
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
        signals=signals,
        own_origin=found.own,
        kind=claim.kind,
        claim_hedged=claim.modality.hedged or bool(borrowed),
        own_satire=own_satire is not None,
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
        hedged_elsewhere=borrowed,
        speaker=found.speaker_names.get(own_speaker) if own_speaker is not None else None,
        satire_sources=satire_carriers if result.satire_doubt else (),
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
