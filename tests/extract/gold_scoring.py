"""Score extracted claims against the hand-annotated gold file.

A gold claim is located by its ``match`` substring; a predicted assertion matches it
when their spans overlap by at least half of the shorter one. Fields present in the
gold entry are scored on matched pairs only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.schemas import Claim, ClaimKind

GOLD_FILE = Path(__file__).parent / "gold" / "extract_gold.json"
FIELDS = (
    "speaker_key",
    "direct_quote",
    "hedges",
    "negated",
    "entity_keys",
    "places",
    "quantities",
    "times",
    "attribution_layer",
)


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    field_hits: dict[str, int] = field(default_factory=dict)
    field_total: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    field_errors: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched
        for name, value in other.field_hits.items():
            self.field_hits[name] = self.field_hits.get(name, 0) + value
        for name, value in other.field_total.items():
            self.field_total[name] = self.field_total.get(name, 0) + value
        self.misses += other.misses
        self.false_positives += other.false_positives
        self.field_errors += other.field_errors

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    def field_accuracy(self) -> dict[str, float]:
        return {
            name: round(self.field_hits.get(name, 0) / total, 3)
            for name, total in sorted(self.field_total.items())
            if total
        }

    def summary(self) -> dict[str, Any]:
        return {
            "gold_claims": self.gold,
            "predicted_claims": self.predicted,
            "matched": self.matched,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "field_accuracy": self.field_accuracy(),
        }


def load_gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLD_FILE.read_text(encoding="utf-8"))
    return data


def published(entry: dict[str, Any], fallback: str | None) -> datetime | None:
    value = entry.get("published_at") or fallback
    return datetime.fromisoformat(value) if value else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return inter / shorter if inter > 0 and shorter > 0 else 0.0


def _quantity_ok(gold: dict[str, Any], claim: Claim) -> bool:
    return any(
        abs(q.value - gold["value"]) < 1e-6 * max(1.0, abs(gold["value"]))
        and q.noun == gold.get("noun", q.noun)
        and q.comparator == gold.get("comparator", "eq")
        and q.approximate == gold.get("approximate", False)
        for q in claim.quantities
    )


def _time_ok(gold: dict[str, Any], claim: Claim) -> bool:
    return any(
        t.start.isoformat() == gold["start"] and t.end.isoformat() == gold["end"]
        for t in claim.times
    )


def _field_ok(name: str, expected: Any, claim: Claim, children: set[str]) -> bool:
    attribution = claim.attribution
    if name == "speaker_key":
        return bool((attribution.speaker_key if attribution else None) == expected)
    if name == "direct_quote":
        return bool(attribution and attribution.direct_quote) is bool(expected)
    if name == "hedges":
        found = claim.modality.hedges
        return all(h in found for h in expected) and bool(found) == bool(expected)
    if name == "negated":
        return claim.modality.negated is bool(expected)
    if name == "entity_keys":
        keys = {e.key for e in claim.entities}
        return set(expected) <= keys
    if name == "places":
        return set(expected) <= set(claim.places)
    if name == "quantities":
        return all(_quantity_ok(q, claim) for q in expected)
    if name == "times":
        return all(_time_ok(t, claim) for t in expected)
    if name == "attribution_layer":
        return (claim.claim_id in children) is bool(expected)
    raise ValueError(name)


def score_article(entry: dict[str, Any], body: str, claims: list[Claim]) -> Score:
    """Claim-level and field-level agreement of one article's extraction with its gold."""
    result = Score()
    assertions = [c for c in claims if c.kind == ClaimKind.assertion]
    children = {
        c.parent_claim_id for c in claims if c.kind == ClaimKind.attribution and c.parent_claim_id
    }
    optional_spans = []
    for text in entry.get("optional", []):
        at = body.find(text)
        assert at >= 0, f"optional text not in body: {text!r}"
        optional_spans.append((at, at + len(text)))
    used: set[str] = set()
    for gold in entry["claims"]:
        at = body.find(gold["match"])
        assert at >= 0, f"gold match not in body: {gold['match']!r}"
        span = (at, at + len(gold["match"]))
        result.gold += 1
        candidates = [
            c
            for c in assertions
            if c.claim_id not in used and _overlap(span, (c.start, c.end)) >= 0.5
        ]
        if not candidates:
            result.misses.append(gold["match"])
            continue
        claim = max(candidates, key=lambda c: _overlap(span, (c.start, c.end)))
        used.add(claim.claim_id)
        result.matched += 1
        expected_fields = dict(gold)
        if "speaker_key" in gold:
            expected_fields["attribution_layer"] = gold["speaker_key"] is not None
        for name in FIELDS:
            if name not in expected_fields:
                continue
            result.field_total[name] = result.field_total.get(name, 0) + 1
            if _field_ok(name, expected_fields[name], claim, children):
                result.field_hits[name] = result.field_hits.get(name, 0) + 1
            else:
                result.field_errors.append(f"{name}: {gold['match']!r}")
    for claim in assertions:
        if claim.claim_id in used:
            continue
        if any(_overlap(span, (claim.start, claim.end)) >= 0.5 for span in optional_spans):
            continue
        result.predicted += 1
        result.false_positives.append(claim.text[:80])
    result.predicted += result.matched
    return result
