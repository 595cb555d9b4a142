"""How often ``agree`` / ``disagree`` evidence is about the claim's own fact.

Each hand-labelled pair (``data/same_fact_pairs.csv``, rule in ``data/SAME_FACT.md``) names
two FNC-1 bodies and a sentence of each. Both bodies are extracted with the extractor; the
claim of each body that best matches its sentence is judged with ``assess`` exactly as the
verifier judges a candidate (its sentence window as the excerpt, both articles' claims as
context), and the stance of the resulting evidence item, if any, is compared with the label.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crosscheck.evaluation.metrics import share
from services.extract.claims import extract_claims
from services.extract.nlp import load_nlp
from services.verify.assess import CandidateEvidence, assess, excerpt_around
from services.verify.consistency import content_tokens, overlap
from services.verify.stance import load_stance_model
from services.verify.stance.claim_pairs import load_claim_stance
from shared.schemas import Claim, Stance, StoredArticle
from shared.settings import Settings

__all__ = ["DEFAULT_PAIRS", "LABELS", "SameFactPair", "read_pairs", "run_same_fact"]

DEFAULT_PAIRS = Path(__file__).parent / "data" / "same_fact_pairs.csv"
LABELS = ("same", "contradiction", "other")
OWN_FACT = frozenset({"same", "contradiction"})
# A claim of the body stands for the labelled sentence when it holds this share of the
# shorter one's content words.
MATCH_MIN = 0.5
_WHEN = datetime(2017, 3, 6, 9, tzinfo=UTC)


@dataclass(frozen=True)
class SameFactPair:
    pair_id: str
    claim_body: str
    claim: str
    evidence_body: str
    evidence: str
    label: str


def read_pairs(path: Path) -> list[SameFactPair]:
    with path.open(newline="", encoding="utf-8") as handle:
        pairs = [
            SameFactPair(
                pair_id=row["pair_id"],
                claim_body=row["claim_body"],
                claim=row["claim"],
                evidence_body=row["evidence_body"],
                evidence=row["evidence"],
                label=row["label"].strip(),
            )
            for row in csv.DictReader(handle)
        ]
    bad = [p.pair_id for p in pairs if p.label not in LABELS]
    if bad:
        raise ValueError(f"{path}: pairs {', '.join(bad)} have a label outside {LABELS}")
    return pairs


def _best_claim(claims: Sequence[Claim], text: str) -> Claim | None:
    wanted = content_tokens(text)
    scored = [(overlap(wanted, content_tokens(c.text)), c.kind.value, c.start, c) for c in claims]
    scored = [s for s in scored if s[0] >= MATCH_MIN]
    if not scored:
        return None
    # Best overlap; among equals the assertion, then the first in the article.
    return min(scored, key=lambda s: (-s[0], s[1], s[2]))[3]


def run_same_fact(
    pairs: Sequence[SameFactPair], bodies: dict[str, str], *, settings: Settings
) -> dict[str, Any]:
    """Judge every pair and report the share of agree/disagree about the claim's own fact."""
    nlp = load_nlp(settings.spacy_model)
    stance_fn = load_stance_model(settings.stance_model_path or None).predict_proba
    extracted: dict[str, tuple[StoredArticle, list[Claim]]] = {}

    def article(body_id: str) -> tuple[StoredArticle, list[Claim]]:
        if body_id not in extracted:
            if body_id not in bodies:
                raise ValueError(f"Body ID {body_id!r} is not in the bodies file")
            stored = StoredArticle(
                article_id=hashlib.sha256(f"samefact:{body_id}".encode()).hexdigest()[:16],
                body=bodies[body_id],
                source=f"outlet{body_id}.example",
                published_at=_WHEN,
                received_at=_WHEN,
            )
            extracted[body_id] = (stored, list(extract_claims(nlp=nlp, article=stored).claims))
        return extracted[body_id]

    rows: list[dict[str, Any]] = []
    for pair in pairs:
        mine, my_claims = article(pair.claim_body)
        theirs, their_claims = article(pair.evidence_body)
        claim = _best_claim(my_claims, pair.claim)
        other = _best_claim(their_claims, pair.evidence)
        judged = "not extracted"
        if claim is not None and other is not None:
            result = assess(
                claim=claim,
                candidates=[
                    CandidateEvidence(
                        claim=other,
                        excerpt=excerpt_around(theirs.body, start=other.start, end=other.end),
                    )
                ],
                stance_fn=stance_fn,
                near_copy_threshold=settings.near_copy_threshold,
                own_text=mine.body,
                article_claims={mine.article_id: my_claims, theirs.article_id: their_claims},
                claim_stance=load_claim_stance(),
            )
            judged = result.evidence[0].stance.value if result.evidence else "not evidence"
        rows.append(
            {
                "pair_id": pair.pair_id,
                "label": pair.label,
                "judged": judged,
                "claim": claim.text if claim is not None else None,
                "evidence": other.text if other is not None else None,
            }
        )
    return _summary(rows)


def _summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    taking_sides = [r for r in rows if r["judged"] in (Stance.agree, Stance.disagree)]
    about_own = [r for r in taking_sides if r["label"] in OWN_FACT]
    by_label: dict[str, dict[str, int]] = {}
    for r in rows:
        by_label.setdefault(r["label"], Counter())[r["judged"]] += 1

    def rate(label: str, judged: str) -> float | None:
        counts = by_label.get(label, {})
        return share(counts.get(judged, 0), sum(counts.values()))

    return {
        "pairs": len(rows),
        "labels": dict(Counter(r["label"] for r in rows)),
        "agree_or_disagree": len(taking_sides),
        "own_fact_share": share(len(about_own), len(taking_sides)),
        "same_read_as_agree": rate("same", "agree"),
        "same_read_as_disagree": rate("same", "disagree"),
        "contradiction_read_as_disagree": rate("contradiction", "disagree"),
        "other_read_as_agree_or_disagree": share(
            by_label.get("other", {}).get("agree", 0)
            + by_label.get("other", {}).get("disagree", 0),
            sum(by_label.get("other", {}).values()),
        ),
        "judged_by_label": {k: dict(v) for k, v in by_label.items()},
        "rows": list(rows),
    }
