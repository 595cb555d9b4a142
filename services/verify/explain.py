"""One to three plain sentences on why a claim got its verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.verify.consistency import death_count, format_quantity
from services.verify.origins import normalise_outlet
from services.verify.scoring import Score
from shared.schemas import (
    Claim,
    ClaimKind,
    Conflict,
    EvidenceItem,
    ProviderCoverage,
    Stance,
    Verdict,
)

__all__ = ["explain"]

_NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def _count(n: int) -> str:
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


def _listing(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reporting_outlets(claim: Claim, score: Score, evidence: Sequence[EvidenceItem]) -> list[str]:
    """Distinct outlets (as written) carrying the claim: its own and supporting evidence."""
    seen: dict[str, str] = {normalise_outlet(claim.source): claim.source}
    for item in evidence:
        if (
            item.provider is None
            and item.origin in score.supporting_origins
            and item.stance in (Stance.agree, Stance.discuss)
        ):
            seen.setdefault(normalise_outlet(item.source), item.source)
    return list(seen.values())


def _reporting_clause(
    *,
    claim: Claim,
    score: Score,
    outlets: Sequence[str],
    names: Mapping[str, str],
    evidence: Sequence[EvidenceItem],
    speaker: str | None,
) -> str:
    n = len(outlets)
    own = names.get(score.own_origin, score.own_origin.partition(":")[2])
    copies = any(item.near_copy_of is not None for item in evidence)
    if claim.kind is ClaimKind.attribution:
        if speaker is None:
            speaker = claim.attribution.speaker if claim.attribution else "the speaker"
        if score.independent_origins >= 2:
            return (
                f"{_capital(_count(n))} outlets independently report that {speaker} made "
                f"this statement ({_listing(outlets)})"
            )
        if n >= 2 and copies:
            return (
                f"{_capital(_count(n))} outlets carry the statement by {speaker}, but their "
                f"texts are near-copies of one story from {own}"
            )
        return f"Only {claim.source} reports that {speaker} made this statement"
    if score.independent_origins >= 2:
        origins = [names.get(o, o.partition(":")[2]) for o in score.supporting_origins]
        return (
            f"{_capital(_count(score.independent_origins))} independent origins report this: "
            f"{_listing(origins)}"
        )
    both = "both" if n == 2 else "all"
    if n >= 2 and score.own_origin.startswith("speaker:"):
        return f"{_capital(_count(n))} outlets report this, {both} relaying one statement by {own}"
    if n >= 2:
        return (
            f"{_capital(_count(n))} outlets report this, but {both} are near-copies of one "
            f"story from {own}"
        )
    if score.own_origin.startswith("speaker:"):
        return f"Only {claim.source} reports this, relaying a statement by {own}"
    return f"Only {claim.source} reports this"


def _conflict_sentence(claim: Claim, conflicts: Sequence[Conflict]) -> str | None:
    if not conflicts:
        return None
    parts = []
    for conflict in conflicts[:2]:
        parts.append(
            f"{_field_label(claim, conflict)}: {conflict.claim_value} vs {conflict.evidence_value}"
        )
    return "Outlets disagree on " + "; and on ".join(parts) + "."


def _field_label(claim: Claim, conflict: Conflict) -> str:
    if conflict.field == "quantity":
        for q in claim.quantities:
            if format_quantity(q) == conflict.claim_value and q.noun:
                if death_count(q):
                    return "the death toll"
                return f"the number of {q.noun}"
        return "a number"
    return {"date": "the date", "place": "the place", "name": "who was involved"}[conflict.field]


def _opposition_clause(score: Score, names: Mapping[str, str]) -> str | None:
    # Origins that also support the claim only differ on details: the conflict sentence
    # names those.
    against = [o for o in score.opposing_origins if o not in score.supporting_origins]
    if not against:
        return None
    return f"it is contradicted by {_listing([names.get(o, o.partition(':')[2]) for o in against])}"


def explain(
    *,
    claim: Claim,
    score: Score,
    evidence: Sequence[EvidenceItem],
    conflicts: Sequence[Conflict],
    names: Mapping[str, str],
    coverage: Sequence[ProviderCoverage] = (),
    hedged_elsewhere: Sequence[str] = (),
    speaker: str | None = None,
    satire_sources: Sequence[str] = (),
) -> str:
    """Say who reports the claim, from how many origins, how hedged, and what disagrees.

    ``names`` maps origin keys to display names ("the Russian Defense Ministry").
    ``hedged_elsewhere`` are hedges the claim's origin puts on the same assertion elsewhere.
    ``speaker`` is how to name the speaker of an attribution claim, if not as written.
    ``satire_sources`` are the satire outlets, as written, whose carrying it counts
    against the claim.
    """
    outlets = _reporting_outlets(claim, score, evidence)
    clauses = [
        _reporting_clause(
            claim=claim,
            score=score,
            outlets=outlets,
            names=names,
            evidence=evidence,
            speaker=speaker,
        )
    ]
    if claim.kind is ClaimKind.assertion and claim.modality.hedges:
        cues = ", ".join(f"'{h}'" for h in claim.modality.hedges[:3])
        clauses.append(f"the claim is hedged ({cues})")
    elif claim.kind is ClaimKind.assertion and hedged_elsewhere:
        cues = ", ".join(f"'{h}'" for h in hedged_elsewhere[:3])
        clauses.append(f"the claim is hedged where the same source repeats it ({cues})")
    if satire_sources:
        verb = "publishes" if len(satire_sources) == 1 else "publish"
        clauses.append(
            f"it is carried by {_listing(list(satire_sources))}, which {verb} satire or "
            "invented stories"
        )
    opposition = _opposition_clause(score, names)
    if opposition:
        clauses.append(opposition)
    elif score.independent_origins < 2:
        clauses.append("no independent confirmation")
    elif score.opposing_origins and not conflicts and score.verdict is not Verdict.supported:
        # An origin on both sides, with no detail to name: say so, or the reader sees only
        # support and no reason for the verdict.
        both = [names.get(o, o.partition(":")[2]) for o in score.opposing_origins]
        clauses.append(
            f"{_listing(both)} also {'reports' if len(both) == 1 else 'report'} against it"
        )
    elif score.held_back_by_opposition and not conflicts:
        # No origin is against it strongly enough to be named as contradicting it; say who
        # leans against it most, or the reader sees only support.
        ranked = sorted(score.origin_opposition, key=lambda o: (-score.origin_opposition[o], o))
        doubting = [names.get(o, o.partition(":")[2]) for o in ranked[:2]]
        clauses.append(f"weaker doubts from {_listing(doubting)} keep it from being confirmed")
    elif score.too_few_confirmations and score.verdict is not Verdict.supported:
        # Why several origins are not yet enough: outlets that quote nobody may be repeating.
        k = len(score.unsourced_origins)
        clauses.append(
            "one of them cites no source of its own"
            if k == 1
            else f"{_count(k)} of them cite no source of their own"
        )
    sentences = ["; ".join(clauses) + "."]
    conflict_sentence = _conflict_sentence(claim, conflicts)
    if conflict_sentence:
        sentences.append(conflict_sentence)
    down = [c.provider for c in coverage if c.status in ("unavailable", "circuit_open")]
    if down:
        sentences.append(f"External fact-checks could not be consulted ({', '.join(down)}).")
    return " ".join(sentences[:3])
