"""Stance model throughput: pairs per second on one core, batched.

Usage: python bench/stance_speed.py [--pairs N] [--batch N] [--model PATH]

Reads FNC-1 training pairs from ../shared (relative to the repository root) and
writes bench/results/stance_speed.json. Exits 0 with a message when ../shared is
absent.

Two orders are timed. "by body" sorts the pairs by Body ID before batching, as
the verifier calls the model (one article against many claims), so a batch holds
each body ~30 times. "file order" batches the file as it comes (about four pairs
per distinct body in a 5,000-pair batch): the worst case for per-body caching.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

# One core: pin BLAS/OpenMP pools before numpy or LightGBM load.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "datasets" / "fnc1"
RESULT = REPO / "bench" / "results" / "stance_speed.json"
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=None, help="first N pairs only")
    parser.add_argument("--batch", type=int, default=5000, help="pairs per predict call")
    parser.add_argument("--model", default=None, help="artifact [default: committed]")
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args()
    if not (DATA / "train_stances.csv").is_file():
        print(f"skipped: FNC-1 data not found at {DATA.resolve()} (../shared is absent)")
        return 0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from crosscheck.stance.data import read_pairs
    from services.verify.stance import load_stance_model

    pairs = read_pairs(
        bodies_path=DATA / "train_bodies.csv", stances_path=DATA / "train_stances.csv"
    )
    n = len(pairs.headlines) if args.pairs is None else min(args.pairs, len(pairs.headlines))
    headlines, bodies, body_ids = pairs.headlines[:n], pairs.bodies[:n], pairs.body_ids[:n]
    started = time.perf_counter()
    model = load_stance_model(args.model)
    load_s = time.perf_counter() - started
    model.predict_proba(headlines[:50], bodies[:50])  # warm caches and code paths

    def timed(order: list[int]) -> float:
        start = time.perf_counter()
        for i in range(0, n, args.batch):
            batch = order[i : i + args.batch]
            model.predict_proba([headlines[j] for j in batch], [bodies[j] for j in batch])
        return time.perf_counter() - start

    by_body = sorted(range(n), key=lambda j: body_ids[j])
    body_s = timed(by_body)
    file_s = timed(list(range(n)))
    result = {
        "pairs": n,
        "batch": args.batch,
        "distinct_bodies": len(set(bodies)),
        "pairs_per_second": round(n / body_s, 1),
        "seconds": round(body_s, 3),
        "pairs_per_second_file_order": round(n / file_s, 1),
        "seconds_file_order": round(file_s, 3),
        "model_load_seconds": round(load_s, 3),
        "cores": 1,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    width = max(len(k) for k in result)
    print("stance model throughput (one core, batched; headline figure: pairs by body)")
    for key, value in result.items():
        print(f"  {key:<{width}}  {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
