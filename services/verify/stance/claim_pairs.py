"""Stance of one short claim toward another, calibrated on claim-vs-headline pairs.

The FNC-1 model reads a headline against a whole body. The verifier asks a different
question: does this sentence (a headline, a claim of another article) take the side of that
claim, deny it, or only report it? This module is a small multinomial logistic regression
over the FNC-1 model's probabilities for the pair plus a few cues of the second text (a
debunk word, a negation, a hedge or a reporting verb, a question) and the pair's word
overlap, fitted on Emergent claim-vs-headline pairs (for / against / observing). In the
verifier it splits the FNC-1 model's agree + discuss mass into asserting and only reporting
(``ClaimStance.apply``). The weights are a JSON artifact beside the FNC-1 model; ``train`` rebuilds it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from services.verify.consistency import content_tokens, overlap
from services.verify.facts import DEBUNK

__all__ = [
    "CLAIM_STANCE_PATH",
    "SHAPE_MAX_WORDS",
    "FEATURES",
    "ClaimStance",
    "features",
    "load_claim_stance",
]

CLAIM_STANCE_PATH = Path(__file__).resolve().parent / "artifacts" / "claim_stance.json"
# Emergent's labels in the order of the agree / disagree / discuss columns.
EMERGENT_LABELS = ("for", "against", "observing")
SHAPE_MAX_WORDS = 20

_NEGATION = re.compile(
    r"\b(not|no|never|nor|n't|isn't|wasn't|aren't|won't|didn't|doesn't|don't|hasn't|"
    r"deny|denies|denied|denial|dismiss\w*|reject\w*|refute\w*|rubbish|nonsense)\b|n't\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(reportedly|report|reports|reported|claims?|claimed|alleged\w*|may|might|could|"
    r"rumou?r\w*|says?|said|according|sources?|apparently|possibly|likely|suggests?|"
    r"believed|set to|expected|plans?|considering)\b",
    re.IGNORECASE,
)
_CONFIRM = re.compile(r"\b(confirm\w*|official\w*|announce\w*|verified|proves?|revealed)\b", re.I)

FEATURES = (
    "log_agree",
    "log_disagree",
    "log_discuss",
    "log_unrelated",
    "debunk_other",
    "debunk_claim",
    "negation_other",
    "negation_claim",
    "negation_differs",
    "hedge_other",
    "confirm_other",
    "question_other",
    "overlap",
    "bias",
)


def _short(text: str) -> bool:
    return len(text.split()) <= SHAPE_MAX_WORDS


def _take(texts: Sequence[str], mask: NDArray[np.bool_]) -> list[str]:
    return [t for t, keep in zip(texts, mask, strict=True) if keep]


def _flag(pattern: re.Pattern[str], text: str) -> float:
    return 1.0 if pattern.search(text) else 0.0


def features(
    fnc_probs: NDArray[np.float64], claims: Sequence[str], others: Sequence[str]
) -> NDArray[np.float64]:
    """One row of ``FEATURES`` per (claim, other) pair."""
    rows = []
    logs = np.log(np.clip(fnc_probs, 1e-4, 1.0))
    for i, (claim, other) in enumerate(zip(claims, others, strict=True)):
        neg_other, neg_claim = _flag(_NEGATION, other), _flag(_NEGATION, claim)
        rows.append(
            [
                *logs[i].tolist(),
                _flag(DEBUNK, other),
                _flag(DEBUNK, claim),
                neg_other,
                neg_claim,
                abs(neg_other - neg_claim),
                _flag(_HEDGE, other),
                _flag(_CONFIRM, other),
                1.0 if other.rstrip().endswith("?") else 0.0,
                overlap(content_tokens(claim), content_tokens(other)),
                1.0,
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


@dataclass(frozen=True)
class ClaimStance:
    """Weights (``FEATURES`` x agree/disagree/discuss) and what they were fitted on."""

    weights: NDArray[np.float64]
    metadata: dict[str, Any]

    def side_probabilities(
        self, fnc_probs: NDArray[np.float64], claims: Sequence[str], others: Sequence[str]
    ) -> NDArray[np.float64]:
        """P(agree), P(disagree), P(discuss) of each pair, each row summing to 1."""
        logits = features(fnc_probs, claims, others) @ self.weights
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        out: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return out

    def apply(
        self, fnc_probs: NDArray[np.float64], claims: Sequence[str], others: Sequence[str]
    ) -> NDArray[np.float64]:
        """The four stance probabilities, with agree and discuss re-split.

        The FNC-1 model's unrelated and disagree probabilities are kept; of the rest, the
        calibration decides how much of the pair asserts the claim and how much only
        reports it ("reportedly", "claims", a question): repetition is no confirmation.
        Disagreement stays with the FNC-1 model and the polarity rules of ``facts``: a
        lexical "not" or "no" says "against" in a headline, not in a sentence of a body.
        Only pairs of the shape the weights were fitted on are re-read (both sides at most
        ``SHAPE_MAX_WORDS`` words, as 95 % of Emergent's headlines are).
        """
        shaped = np.asarray(
            [_short(c) and _short(o) for c, o in zip(claims, others, strict=True)], dtype=bool
        )
        if not shaped.any():
            return fnc_probs
        sides = self.side_probabilities(
            fnc_probs[shaped], _take(claims, shaped), _take(others, shaped)
        )
        out = fnc_probs.copy()
        # Of the mass the FNC-1 model puts on taking the claim's side or reporting it, the
        # calibration decides how much asserts (for) and how much only reports (observing).
        same_side = fnc_probs[shaped, 0] + fnc_probs[shaped, 2]
        asserts = sides[:, 0] / np.clip(sides[:, 0] + sides[:, 2], 1e-9, None)
        out[shaped, 0] = same_side * asserts
        out[shaped, 2] = same_side * (1.0 - asserts)
        return out

    def to_json(self) -> str:
        return json.dumps(
            {"features": list(FEATURES), "weights": self.weights.tolist(), **self.metadata},
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> ClaimStance:
        payload = json.loads(text)
        if payload.get("features") != list(FEATURES):
            raise ValueError("claim stance artifact was fitted on other features")
        weights = np.asarray(payload.pop("weights"), dtype=np.float64)
        payload.pop("features")
        return cls(weights=weights, metadata=payload)


@lru_cache(maxsize=4)
def load_claim_stance(path: str | None = None) -> ClaimStance:
    """The fitted claim-vs-claim stance, once per process (``None``: the committed one)."""
    return ClaimStance.from_json(
        (CLAIM_STANCE_PATH if path is None else Path(path)).read_text(encoding="utf-8")
    )
