"""Redis memory by key family: key counts, sampled ``MEMORY USAGE``, estimated totals."""

from __future__ import annotations

import random
import re
from typing import Any

import redis

# First match wins; the order puts specific suffixes before the catch-alls.
FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("article", r"^crosscheck:\{a:[^}]+\}:article$"),  # document, claims, signature
        ("article_pending", r"^crosscheck:\{a:[^}]+\}:pending$"),
        ("article_verdicts", r"^crosscheck:\{a:[^}]+\}:verdicts$"),
        ("article_reverify", r"^crosscheck:\{a:[^}]+\}:reverify$"),
        ("reverify_lock", r"^crosscheck:\{c:[^}]+\}:reverify$"),
        ("posting_hash", r"^crosscheck:ixh:"),
        ("claims_listing", r"^\{[^}]+\}:claims$"),
        ("dedupe", r"^crosscheck:\{dedupe\}:"),
        ("published_versions", r"^\{[^}]+\}:versions:"),
        ("stream", r"^crosscheck:verified$"),
        ("celery", r"^(_kombu|unacked|celery|celeryev|extract|verify|fetch)"),
        ("other", r""),
    )
)


def family_of(key: str) -> str:
    for name, pattern in FAMILIES:
        if pattern.search(key):
            return name
    return "other"


def memory_report(client: redis.Redis, *, sample: int = 300, seed: int = 1) -> dict[str, Any]:
    """Per family: keys, mean sampled ``MEMORY USAGE`` and the estimated total bytes."""
    found: dict[str, list[str]] = {}
    for key in client.scan_iter(count=10_000):
        name = key.decode() if isinstance(key, bytes) else str(key)
        found.setdefault(family_of(name), []).append(name)
    rng = random.Random(seed)
    report: dict[str, Any] = {}
    for family, names in sorted(found.items()):
        picked = names if len(names) <= sample else rng.sample(names, sample)
        pipe = client.pipeline(transaction=False)
        for name in picked:
            pipe.memory_usage(name, samples=0)
        sizes = [int(s or 0) for s in pipe.execute()]
        mean = sum(sizes) / len(sizes) if sizes else 0.0
        report[family] = {
            "keys": len(names),
            "sampled": len(picked),
            "mean_bytes": round(mean, 1),
            "estimated_bytes": round(mean * len(names)),
        }
    return report
