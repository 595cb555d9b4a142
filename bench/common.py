"""Helpers the benchmarks share: real news articles, progress bars, results and tables.

Articles come from the FNC-1 training bodies in ``../shared/datasets/fnc1`` (relative to
the repository root), each given a headline from ``train_stances.csv``, an outlet name and
a publication time that are deterministic in its Body ID. Without ``../shared`` the
bundled ``examples/`` articles stand in, re-posted under several outlets, so a smoke run
never skips.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tqdm import tqdm

from shared.schemas import StoredArticle

REPO = Path(__file__).resolve().parents[1]
FNC1_DIR = REPO / ".." / "shared" / "datasets" / "fnc1"
EXAMPLES_DIR = REPO / "examples"
RESULTS_DIR = REPO / "bench" / "results"

# The FNC-1 articles are about 2014; a fixed anchor keeps every run's time buckets equal.
ANCHOR = datetime(2025, 10, 1, 6, 0, tzinfo=UTC)

OUTLETS = (
    "Northern Ledger",
    "Coastline Post",
    "Harbour Times",
    "Meridian Wire",
    "Elsin Courier",
    "Dornholm Daily",
    "Evening Standard",
    "Lakeside Herald",
    "Varun Today",
    "Daily Markets",
    "Calvera Tribune",
    "Ridgefield Observer",
)


@dataclass(frozen=True, slots=True)
class NewsArticle:
    """One article ready to post: the JSON body of ``POST /articles``."""

    key: str
    title: str
    body: str
    source: str
    published_at: datetime

    def stored(self, article_id: str, *, received_at: datetime | None = None) -> StoredArticle:
        """The article as ingest stores it, for benchmarks that skip the API."""
        return StoredArticle(
            article_id=article_id,
            title=self.title,
            body=self.body,
            source=self.source,
            published_at=self.published_at,
            received_at=received_at or datetime.now(UTC),
        )

    def payload(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "body": self.body,
            "source": self.source,
            "published_at": self.published_at.isoformat(),
        }


def article_id_of(name: str) -> str:
    """16 hex digits named after ``name``, as ingest names articles."""
    return hashlib.blake2b(name.encode(), digest_size=8).hexdigest()


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def outlet_for(key: str) -> str:
    return OUTLETS[_stable_int(key) % len(OUTLETS)]


def published_for(key: str, *, days: int = 21) -> datetime:
    """A time within ``days`` after ``ANCHOR``, to the minute, fixed by ``key``."""
    return ANCHOR + timedelta(minutes=_stable_int("t" + key) % (days * 24 * 60))


def have_fnc1() -> bool:
    return (FNC1_DIR / "train_bodies.csv").is_file()


def _fnc1_articles() -> list[NewsArticle]:
    csv.field_size_limit(sys.maxsize)
    titles: dict[str, str] = {}
    with (FNC1_DIR / "train_stances.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            titles.setdefault(row["Body ID"], row["Headline"])
    out = []
    with (FNC1_DIR / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            body_id, body = row["Body ID"], row["articleBody"].strip()
            if not body:
                continue
            out.append(
                NewsArticle(
                    key=f"fnc1-{body_id}",
                    title=titles.get(body_id, "")[:1000],
                    body=body,
                    source=outlet_for(body_id),
                    published_at=published_for(body_id),
                )
            )
    return out


def _example_articles() -> list[NewsArticle]:
    paths = sorted((EXAMPLES_DIR / "articles").glob("*.json"))
    paths += sorted((EXAMPLES_DIR / "scenarios").glob("*/*.json"))
    out = []
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not doc.get("body"):
            continue
        key = f"example-{path.parent.name}-{path.stem}"
        out.append(
            NewsArticle(
                key=key,
                title=doc.get("title", ""),
                body=doc["body"],
                source=doc.get("source") or outlet_for(key),
                published_at=published_for(key),
            )
        )
    return out


def load_articles(n: int, *, offset: int = 0) -> tuple[list[NewsArticle], str]:
    """``n`` distinct articles and the name of their corpus (``fnc1`` or ``examples``).

    When the corpus is shorter than ``offset + n``, bodies are reused under other outlets
    (ingest dedupes on outlet plus text, so each post is still a new article).
    """
    base = _fnc1_articles() if have_fnc1() else _example_articles()
    corpus = "fnc1" if have_fnc1() else "examples"
    out = []
    for i in range(offset, offset + n):
        item = base[i % len(base)]
        lap = i // len(base)
        if lap:
            item = NewsArticle(
                key=f"{item.key}-r{lap}",
                title=item.title,
                body=item.body,
                source=f"{item.source} {lap + 1}",
                published_at=item.published_at + timedelta(minutes=lap),
            )
        out.append(item)
    return out, corpus


def corpus_size() -> int:
    return len(_fnc1_articles()) if have_fnc1() else len(_example_articles())


def progress(total: int | None, desc: str, *, unit: str = "it") -> tqdm[Any]:
    """A tqdm bar on stderr, quiet when stderr is not a terminal and BENCH_QUIET is set."""
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,
        disable=bool(os.environ.get("BENCH_QUIET")),
        mininterval=0.5,
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100), linear between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float]) -> dict[str, float | int | None]:
    return {
        "n": len(values),
        "mean": statistics.fmean(values) if values else None,
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else None,
    }


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def machine() -> dict[str, Any]:
    return {
        "commit": _commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_result(name: str, result: dict[str, Any], *, path: Path | None = None) -> Path:
    """Write ``result`` as JSON to ``bench/results/<name>.json`` (or ``path``)."""
    target = path or RESULTS_DIR / f"{name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, indent=2, sort_keys=False, default=str) + "\n")
    return target


def fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def table(rows: Sequence[Sequence[Any]], *, header: Sequence[str]) -> str:
    """A plain fixed-width table."""
    cells = [list(map(str, header))] + [[fmt(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(c.rjust(w) if n else c.ljust(w) for c, w in zip(row, widths, strict=True))
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
