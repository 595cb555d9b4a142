"""Extraction speed on real news text, against spaCy's own ``nlp.pipe`` on the same text.

Reads FNC-1 training bodies (../shared/datasets/fnc1/train_bodies.csv), runs
``extract_many`` and then plain ``nlp.pipe`` on the same bodies in one process (one
core), and reports words per second for both and their ratio. Writes
``bench/results/extract_speed.json``.

    python bench/extract_speed.py              # all bodies
    python bench/extract_speed.py --bodies 50  # smoke run
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import write_result  # noqa: E402
from services.extract.claims import extract_many  # noqa: E402
from services.extract.nlp import load_nlp  # noqa: E402
from shared.schemas import StoredArticle  # noqa: E402
from shared.settings import get_settings  # noqa: E402

FNC_BODIES = REPO.parent / "shared" / "datasets" / "fnc1" / "train_bodies.csv"
_CHUNK = 32  # articles per extract_many call: lets the progress bar move


def read_bodies(path: Path, limit: int | None) -> list[str]:
    csv.field_size_limit(10_000_000)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        bodies = [row["articleBody"] for row in rows if row.get("articleBody", "").strip()]
    return bodies[:limit] if limit else bodies


def _chunks(items: Sequence[StoredArticle], size: int) -> Iterator[Sequence[StoredArticle]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=None, help="use only the first N bodies")
    parser.add_argument("--out", type=Path, default=None, help="default: bench/results/")
    args = parser.parse_args(argv)
    if not FNC_BODIES.exists():
        print(
            f"skipped: {FNC_BODIES} is absent (../shared holds FNC-1 on developer machines and CI)"
        )
        return 0
    bodies = read_bodies(FNC_BODIES, args.bodies)
    words = sum(len(b.split()) for b in bodies)
    nlp = load_nlp(get_settings().spacy_model)
    now = datetime.now(UTC)
    articles = [
        StoredArticle(article_id=str(i), body=b, source="fnc1", published_at=now, received_at=now)
        for i, b in enumerate(bodies)
    ]
    nlp("Warm up the pipeline before timing.")
    progress = len(articles) > 200

    started = time.perf_counter()
    claims = 0
    with tqdm(total=len(articles), desc="extract", unit="art", disable=not progress) as bar:
        for chunk in _chunks(articles, _CHUNK):
            claims += sum(len(r.claims) for r in extract_many(nlp=nlp, articles=chunk))
            bar.update(len(chunk))
    ours = time.perf_counter() - started

    started = time.perf_counter()
    for _ in tqdm(
        nlp.pipe(bodies, batch_size=64),
        total=len(bodies),
        desc="spacy",
        unit="art",
        disable=not progress,
    ):
        pass
    theirs = time.perf_counter() - started

    result = {
        "bodies": len(bodies),
        "words": words,
        "claims": claims,
        "ours_seconds": round(ours, 3),
        "spacy_seconds": round(theirs, 3),
        "ours_words_per_second": round(words / ours, 1),
        "spacy_words_per_second": round(words / theirs, 1),
        "ratio": round(theirs / ours, 3),
        "target_ratio": 0.5,
        "model": get_settings().spacy_model,
        "cores": 1,
    }
    write_result("extract_speed", result, path=args.out)
    print(json.dumps(result))
    print(f"{'':10s}{'words/s':>12s}{'seconds':>10s}")
    print(f"{'ours':10s}{result['ours_words_per_second']:>12,.0f}{ours:>10.1f}")
    print(f"{'spaCy':10s}{result['spacy_words_per_second']:>12,.0f}{theirs:>10.1f}")
    print(f"ratio ours/spaCy: {result['ratio']:.0%} (target >= 50%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
