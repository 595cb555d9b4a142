"""Claims per news article, and whether the kept ones state what the story's headlines say.

Reads every 10th FNC-1 training body (``../shared/datasets/fnc1/train_bodies.csv``, rows
0, 10, 20, ...: 169 articles; ``--offset 5`` takes rows 5, 15, ... instead, the slice the
claim budget was tuned on), extracts each as an article without a title, and counts
assertions and claims (assertions plus their attribution claims) per article.

"Better" is measured on data nobody here wrote: FNC-1 pairs each body with headlines other
outlets wrote about the same story (stance agree / disagree / discuss). A kept assertion
*states a headline* when it shares at least 3 content words with it, and at least half of
the shorter one's. Reported: the share of kept assertions that state one of their body's
headlines (precision), and the share of (body, headline) pairs that some kept assertion
states (coverage).

With ``--clef``, the selection is also run on the CLEF-2019 training debates cut into
windows of ``--windows`` lines (article-sized runs of sentences), with each line's score
taken out of fold (leave one debate out, as ``crosscheck checkworthy train``
cross-validates): share of kept lines that fact-checkers chose, and of chosen lines kept.

    python bench/claims_per_article.py                    # writes bench/results/claims_per_article.json
    python bench/claims_per_article.py --clef             # and the debate windows (~2 min more)
    CROSSCHECK_CLAIMS_BUDGET_GROWTH=1 python bench/claims_per_article.py --out /tmp/x.json  # no budget
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import write_result  # noqa: E402
from services.extract.canonical import content_words  # noqa: E402
from services.extract.claims import Extraction, extract_many  # noqa: E402
from services.extract.nlp import load_nlp  # noqa: E402
from shared.schemas import ClaimKind, StoredArticle  # noqa: E402
from shared.settings import get_settings  # noqa: E402

DATASETS = REPO.parent / "shared" / "datasets"
FNC_BODIES = DATASETS / "fnc1" / "train_bodies.csv"
FNC_STANCES = DATASETS / "fnc1" / "train_stances.csv"
CLEF_TRAINING = DATASETS / "clef2019-checkworthy" / "training"
_PUBLISHED = datetime(2015, 3, 1, 12, 0, tzinfo=UTC)
_CHUNK = 32
_MIN_SHARED = 3
_MIN_SHARE = 0.5
_CAPITALISED = re.compile(r"\s[A-Z][a-z]")
_DIGIT = re.compile(r"\d")


def _rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10_000_000)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def states(claim_words: set[str], headline_words: set[str]) -> bool:
    """The claim says what the headline says, by shared content words."""
    shared = len(claim_words & headline_words)
    shorter = min(len(claim_words), len(headline_words))
    return shared >= _MIN_SHARED and shared / shorter >= _MIN_SHARE


def measure_fnc(*, step: int, offset: int) -> dict[str, Any]:
    bodies = _rows(FNC_BODIES)[offset::step]
    headlines: dict[str, set[str]] = {}
    for row in _rows(FNC_STANCES):
        if row["Stance"] != "unrelated":
            headlines.setdefault(row["Body ID"], set()).add(row["Headline"])
    articles = [
        StoredArticle(
            article_id=f"fnc{row['Body ID']}",
            body=row["articleBody"],
            source="outlet",
            published_at=_PUBLISHED,
            received_at=_PUBLISHED,
        )
        for row in bodies
    ]
    nlp = load_nlp(get_settings().spacy_model)
    nlp("Warm up the pipeline before timing.")
    started = time.perf_counter()
    extractions: list[Extraction] = []
    for start in range(0, len(articles), _CHUNK):
        extractions.extend(extract_many(nlp=nlp, articles=articles[start : start + _CHUNK]))
    seconds = time.perf_counter() - started
    kept = stating = pairs = covered = claims = 0
    per_article: list[int] = []
    for row, extraction in zip(bodies, extractions, strict=True):
        heads = [set(content_words(h)) for h in sorted(headlines.get(row["Body ID"], ()))]
        assertions = [c for c in extraction.claims if c.kind is ClaimKind.assertion]
        said = [set(content_words(c.text)) for c in assertions]
        claims += len(extraction.claims)
        kept += len(assertions)
        per_article.append(len(assertions))
        stating += sum(1 for words in said if any(states(words, h) for h in heads))
        pairs += len(heads)
        covered += sum(1 for h in heads if any(states(words, h) for words in said))
    n = len(articles)
    return {
        "articles": n,
        "rows": f"{offset}::{step}",
        "assertions_per_article": round(kept / n, 2),
        "claims_per_article": round(claims / n, 2),
        "assertions_per_article_p50_p90_max": [
            float(np.percentile(per_article, 50)),
            float(np.percentile(per_article, 90)),
            max(per_article),
        ],
        "articles_without_claim": sum(1 for x in extractions if not x.claims),
        "headline_pairs": pairs,
        "precision_states_a_headline": round(stating / max(1, kept), 4),
        "coverage_headlines_stated": round(covered / max(1, pairs), 4),
        "extract_seconds": round(seconds, 1),
    }


def _checkable(text: str) -> bool:
    """A debate line's stand-in for "names something or carries a number" (no parse)."""
    return bool(_DIGIT.search(text) or _CAPITALISED.search(text))


def _window_keep(
    scores: Sequence[float], texts: Sequence[str], *, threshold: float, budget: bool
) -> list[bool]:
    from services.extract.selection import Candidate, select_sentences

    settings = get_settings()
    candidates = [
        Candidate(score=s, statement=True, always=False, checkable=_checkable(t))
        for s, t in zip(scores, texts, strict=True)
    ]
    return select_sentences(
        candidates,
        threshold=threshold,
        full_up_to=settings.claims_full_up_to if budget else len(candidates),
        growth=settings.claims_budget_growth,
    )


def measure_clef(*, windows: Sequence[int]) -> dict[str, Any]:
    from crosscheck.checkworthy.data import data_files, read_debates
    from crosscheck.checkworthy.train import TrainConfig, cross_validate
    from services.extract.checkworthy import load_checkworthy_model

    debates = read_debates(data_files(CLEF_TRAINING))
    folds = cross_validate(debates, config=TrainConfig())
    model = load_checkworthy_model(get_settings().checkworthy_model_path or None)
    threshold = get_settings().checkworthy_threshold
    probabilities = [
        1.0 / (1.0 + np.exp(-(model.platt_scale * d + model.platt_shift))) for d in folds.decisions
    ]
    chosen = sum(sum(d.labels or []) for d in debates)
    result: dict[str, Any] = {"debates": len(debates), "chosen_lines": chosen}
    for window in windows:
        for name, budget in (("threshold_only", False), ("threshold_and_budget", True)):
            kept = hits = parts = 0
            for debate, probability in zip(debates, probabilities, strict=True):
                labels = debate.labels or []
                for start in range(0, len(debate), window):
                    part = slice(start, start + window)
                    keep = _window_keep(
                        probability[part].tolist(),
                        debate.texts[part],
                        threshold=threshold,
                        budget=budget,
                    )
                    parts += 1
                    kept += sum(keep)
                    hits += sum(1 for k, y in zip(keep, labels[part], strict=True) if k and y)
            result[f"{window}_lines/{name}"] = {
                "kept_per_window": round(kept / parts, 2),
                "precision": round(hits / max(1, kept), 4),
                "recall": round(hits / max(1, chosen), 4),
            }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=10, help="every N-th body (default 10)")
    parser.add_argument("--offset", type=int, default=0, help="first body row (default 0)")
    parser.add_argument("--clef", action="store_true", help="also the CLEF debate windows")
    parser.add_argument(
        "--windows", default="20,50,100", help="debate lines per window, comma-separated"
    )
    parser.add_argument("--out", type=Path, default=None, help="default: bench/results/")
    args = parser.parse_args(argv)
    if not (FNC_BODIES.exists() and FNC_STANCES.exists()):
        print(f"skipped: {DATASETS} is absent (it holds FNC-1)")
        return 0
    settings = get_settings()
    result: dict[str, Any] = {
        "benchmark": "claims_per_article",
        "settings": {  # getattr: the script also measures code from before the budget
            name: getattr(settings, name, None)
            for name in ("checkworthy_threshold", "claims_full_up_to", "claims_budget_growth")
        },
        "fnc1": measure_fnc(step=args.step, offset=args.offset),
    }
    if args.clef and CLEF_TRAINING.exists():
        result["clef2019_windows"] = measure_clef(windows=[int(w) for w in args.windows.split(",")])
    path = write_result("claims_per_article", result, path=args.out)
    print(json.dumps(result, indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
