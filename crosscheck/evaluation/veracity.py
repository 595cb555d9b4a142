"""Veracity on Emergent-format data: rumoured claims judged by cross-checking their headlines.

Each claim's headlines are posted as articles (one outlet per ``source``; the headline is
the title and, with a final full stop if it has none, the body: a headline is one sentence
of reporting), then the claim itself as an article of an outlet of its own. Every claim of
the file shares one store and one date, so evidence from other rumours is there to be
wrongly found. The claim's settled verdict is mapped ``supported`` -> true,
``disputed``/``refuted`` -> false, ``unverified`` (or no claim extracted) -> unknown, and
compared with ``claimTruth``.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crosscheck.evaluation.metrics import classification_report, share
from crosscheck.evaluation.pipeline import EvalArticle, InProcessPipeline
from crosscheck.evaluation.splits import DEFAULT_SEED, Split, in_split
from shared.schemas import Claim, ClaimKind, Verdict, VerdictDoc

__all__ = [
    "CLAIM_SOURCE",
    "COLUMNS",
    "LABELS",
    "EmergentClaim",
    "gold_stance_rule",
    "read_emergent",
    "run_veracity",
    "sentence_of",
]

COLUMNS = (
    "claimId",
    "claimHeadline",
    "claimTruth",
    "articleId",
    "articleHeadline",
    "articleHeadlineStance",
    "source",
)
LABELS = ("true", "false", "unknown")
CLAIM_SOURCE = "claim.example"
_VERDICT_TRUTH = {
    Verdict.supported: "true",
    Verdict.disputed: "false",
    Verdict.refuted: "false",
    Verdict.unverified: "unknown",
}
_BASE_TIME = datetime(2015, 1, 5, 9, tzinfo=UTC)


@dataclass(frozen=True)
class Headline:
    article_id: str
    text: str
    stance: str
    source: str


@dataclass(frozen=True)
class EmergentClaim:
    claim_id: str
    text: str
    truth: str
    headlines: tuple[Headline, ...]


def read_emergent(path: Path) -> list[EmergentClaim]:
    """Claims of an Emergent-format CSV in file order, with their headlines."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(missing)}")
        texts: dict[str, tuple[str, str]] = {}
        heads: dict[str, list[Headline]] = defaultdict(list)
        for row in reader:
            cid = row["claimId"]
            truth = row["claimTruth"].strip().lower()
            if truth not in LABELS:
                raise ValueError(f"{path}: claim {cid} has claimTruth {truth!r}")
            texts.setdefault(cid, (row["claimHeadline"].strip(), truth))
            heads[cid].append(
                Headline(
                    article_id=row["articleId"],
                    text=row["articleHeadline"].strip(),
                    stance=row["articleHeadlineStance"].strip().lower(),
                    source=row["source"].strip().lower() or "unknown.example",
                )
            )
    return [
        EmergentClaim(claim_id=cid, text=text, truth=truth, headlines=tuple(heads[cid]))
        for cid, (text, truth) in texts.items()
    ]


def sentence_of(headline: str) -> str:
    """The headline as a sentence of a body: a final full stop if it ends without one."""
    text = headline.strip()
    return text if text[-1:] in ".!?\"'”’" else f"{text}."


def gold_stance_rule(stances: Sequence[str]) -> str:
    """The reference rule on the journalists' own stances: false if against > for, true if
    for > against and no against, else unknown."""
    counts = Counter(stances)
    if counts["against"] > counts["for"]:
        return "false"
    if counts["for"] > counts["against"] and counts["against"] == 0:
        return "true"
    return "unknown"


def _main_claim(claims: Sequence[Claim]) -> Claim | None:
    """The claim an article of one sentence states: its first assertion, else its first."""
    ordered = sorted(claims, key=lambda c: (c.kind is not ClaimKind.assertion, c.start))
    return ordered[0] if ordered else None


def run_veracity(
    pipeline: InProcessPipeline,
    claims: Sequence[EmergentClaim],
    *,
    split: Split = "all",
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Post every claim of ``claims`` (the whole file), score those on side ``split``."""
    scored = in_split((c.claim_id for c in claims), split, seed=seed)
    group_of: dict[str, str] = {}  # article id -> Emergent claim id
    stance_of: dict[str, str] = {}  # headline's article id -> the journalists' stance
    claim_article: dict[str, str] = {}
    for n, item in enumerate(claims):
        when = _BASE_TIME + timedelta(minutes=n)
        for h in item.headlines:
            aid = pipeline.post(
                EvalArticle(
                    source=h.source, title=h.text, body=sentence_of(h.text), published_at=when
                )
            )
            group_of[aid] = item.claim_id
            stance_of[aid] = h.stance
        aid = pipeline.post(
            EvalArticle(
                source=CLAIM_SOURCE,
                title=item.text,
                body=sentence_of(item.text),
                published_at=when + timedelta(seconds=30),
            )
        )
        group_of[aid] = item.claim_id
        claim_article[item.claim_id] = aid
    pipeline.settle()

    rows: list[dict[str, object]] = []
    for item in claims:
        if item.claim_id not in scored:
            continue
        main = _main_claim(pipeline.claims_of[claim_article[item.claim_id]])
        doc: VerdictDoc | None = pipeline.verdicts.get(main.claim_id) if main else None
        predicted = _VERDICT_TRUTH[doc.verdict] if doc is not None else "unknown"
        evidence = doc.evidence if doc is not None else []
        on_claim = [e for e in evidence if group_of.get(e.article_id or "") == item.claim_id]
        found = {e.article_id for e in on_claim}
        rows.append(
            {
                "claim_id": item.claim_id,
                "claim": item.text,
                "gold": item.truth,
                "predicted": predicted,
                "verdict": doc.verdict.value if doc is not None else None,
                "confidence": doc.confidence if doc is not None else None,
                "origins": doc.independent_origins if doc is not None else None,
                "evidence": len(evidence),
                "evidence_on_claim": len(on_claim),
                "headlines": len(item.headlines),
                "headlines_found": len(found),
                "stance_rule": gold_stance_rule([h.stance for h in item.headlines]),
                "explanation": doc.explanation if doc is not None else "no claim extracted",
                "evidence_items": [
                    {
                        "text": e.text,
                        "source": e.source,
                        "stance": e.stance.value,
                        "same_claim": e in on_claim,
                        "gold_stance": stance_of.get(e.article_id or "") if e in on_claim else None,
                    }
                    for e in evidence
                ],
            }
        )
    return _summary(rows, split=split, seed=seed, posted=len(group_of))


def _summary(
    rows: Sequence[dict[str, object]], *, split: str, seed: int, posted: int
) -> dict[str, Any]:
    gold = [str(r["gold"]) for r in rows]
    report = classification_report(gold, [str(r["predicted"]) for r in rows], labels=LABELS)
    unknown = classification_report(gold, ["unknown"] * len(rows), labels=LABELS)
    rule = classification_report(gold, [str(r["stance_rule"]) for r in rows], labels=LABELS)
    items = sum(int(str(r["evidence"])) for r in rows)
    on_claim = sum(int(str(r["evidence_on_claim"])) for r in rows)
    heads = sum(int(str(r["headlines"])) for r in rows)
    found = sum(int(str(r["headlines_found"])) for r in rows)

    def mean_confidence(verdict: str, truth: str) -> float | None:
        values = [
            float(str(r["confidence"]))
            for r in rows
            if r["verdict"] == verdict and r["gold"] == truth
        ]
        return round(sum(values) / len(values), 3) if values else None

    # How the verdicts read the claim's own headlines, against the journalists' stances.
    stance_read: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        for e in r["evidence_items"]:  # type: ignore[attr-defined]
            if e["gold_stance"] is not None:
                stance_read[e["gold_stance"]][e["stance"]] += 1
    return {
        "split": split,
        "seed": seed,
        "claims": len(rows),
        "articles_posted": posted,
        "no_claim_extracted": sum(1 for r in rows if r["verdict"] is None),
        "accuracy": report.accuracy,
        "macro_f1": report.macro_f1,
        "precision_supported": report.precision["true"],
        "report": report.as_dict(),
        "verdicts": dict(Counter(str(r["verdict"]) for r in rows)),
        "evidence_precision": share(on_claim, items),
        "evidence_coverage": share(sum(1 for r in rows if r["evidence_on_claim"]), len(rows)),
        "headline_recall": share(found, heads),
        "evidence_stance_by_gold": {g: dict(c) for g, c in sorted(stance_read.items())},
        "supported_confidence_by_truth": {t: mean_confidence("supported", t) for t in LABELS},
        "reference_always_unknown": {
            "accuracy": unknown.accuracy,
            "macro_f1": unknown.macro_f1,
        },
        "reference_gold_stance_rule": {
            "accuracy": rule.accuracy,
            "macro_f1": rule.macro_f1,
            "precision_true": rule.precision["true"],
        },
        "rows": list(rows),
    }
