"""The benchmarks run end to end on a tiny input and write the JSON the README quotes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def _run(script: str, out: Path, *args: str, timeout: float) -> dict[str, object]:
    env = {**os.environ, "BENCH_QUIET": "1"}
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args, "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    result: dict[str, object] = json.loads(out.read_text())
    return result


def test_pipeline_benchmark_writes_its_figures(tmp_path: Path) -> None:
    result = _run(
        "pipeline.py",
        tmp_path / "pipeline.json",
        "--articles",
        "4",
        "--steady-seconds",
        "2",
        timeout=80,
    )
    assert {"burst", "steady", "ceilings", "ratios", "memory", "config"} <= set(result)
    burst = result["burst"]
    assert isinstance(burst, dict)
    assert burst["articles"] == 4 and burst["articles_per_second"] > 0
    assert {"p50", "p95", "p99"} <= set(burst["latency_seconds"])
    ceilings = result["ceilings"]
    assert isinstance(ceilings, dict)
    assert ceilings["engine"]["articles_per_second"] > 0
    assert ceilings["work"]["articles_per_second"] > 0
    ratios = result["ratios"]
    assert isinstance(ratios, dict)
    assert ratios["pipeline_over_engine"] and ratios["pipeline_drained_over_work"]
    assert ratios["pipeline_first_over_work_first"]
    # The pipeline's verify runs are counted from its logs, beside the ceiling's work.
    assert burst["verify_task_runs"]["initial"] >= burst["claims"]
    assert ceilings["work"]["reverifications"] >= 0 and burst["cpu_seconds"]["worker.pool"] > 0


def test_scaling_benchmark_writes_its_figures(tmp_path: Path) -> None:
    result = _run(
        "scaling.py",
        tmp_path / "scaling.json",
        "--sizes",
        "12,24",
        "--probes",
        "5",
        "--source-articles",
        "6",
        timeout=80,
    )
    sizes = result["sizes"]
    assert isinstance(sizes, list) and [s["articles"] for s in sizes] == [12, 24]
    for row in sizes:
        assert row["verify_seconds"]["mean"] > 0
        assert "mean" in row["candidate_set"]
        assert row["memory"]["bytes_per_article"] > 0 and row["memory"]["ratio_to_raw"] > 0
    ratios = result["ratios"]
    assert isinstance(ratios, dict) and "verify_mean_last_over_first" in ratios
