"""The benchmarks run end to end on a tiny input and write the JSON the README quotes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FNC_DIR, require_shared

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
        "--rounds",
        "2",
        "--warmup-articles",
        "2",
        "--env",
        "CROSSCHECK_VERIFY_BATCH_SIZE=4",
        timeout=180,
    )
    assert {"burst", "steady", "ceilings", "ratios", "memory", "config"} <= set(result)
    # The collector reads through a consumer group; every burst entry counts towards the size
    # of a stream nobody consumes, whether or not the trim freed its node.
    memory = result["memory"]
    assert isinstance(memory, dict)
    assert memory["stream_entries_published"] >= result["burst"]["claims"] > 0  # type: ignore[index]
    assert memory["stream_payload_bytes_per_article_if_unconsumed"] > 0
    parts = memory["info_memory_delta_bytes"]
    assert parts["used_memory"] == memory["used_memory_delta_bytes"]
    assert {"used_memory_dataset", "used_memory_overhead", "mem_clients_normal"} <= set(parts)
    # Connections the burst opened, apart: they cost Redis buffers whatever they carry.
    clients = memory["clients"]
    assert clients["after"] >= clients["opened"] >= 0 and clients["before"] > 0
    assert sum(clients["after_by_process"].values()) == clients["after"]
    assert result["config"]["warmup_articles"] == 2  # type: ignore[index]
    # Each key family before the burst and after: the burst's articles added to each.
    delta = memory["families_delta_bytes"]
    assert delta["article"] > 0 and delta["article_verdicts"] > 0 and delta["posting_hash"] > 0
    assert memory["families_before"]["article"]["keys"] == 2
    # The like-for-like ratio is the median of the rounds, each a burst beside a ceiling.
    rounds = result["rounds"]
    assert isinstance(rounds, list) and [r["round"] for r in rounds] == [1, 2]
    assert all(r["ratio"] > 0 and r["pipeline_cpu_seconds"]["worker.pool"] > 0 for r in rounds)
    burst = result["burst"]
    assert isinstance(burst, dict)
    assert burst["articles"] == 4 and burst["articles_per_second"] > 0
    assert {"p50", "p95", "p99"} <= set(burst["latency_seconds"])
    ceilings = result["ceilings"]
    assert isinstance(ceilings, dict)
    assert ceilings["engine"]["articles_per_second"] > 0
    assert ceilings["work"]["articles_per_second"] > 0
    # Ceiling (b) writes verdicts as the task does (a stream entry per claim at least);
    # the narrower ceiling beside it does not.
    assert ceilings["work"]["verify_batch_size"] == 4  # the stack's --env, not the default
    assert ceilings["work"]["stream_entries"] >= ceilings["work"]["claims"] > 0
    assert ceilings["work_assessment_only"]["stream_entries"] == 0
    ratios = result["ratios"]
    assert isinstance(ratios, dict)
    assert ratios["pipeline_over_engine"] and ratios["pipeline_drained_over_work"]
    assert ratios["pipeline_first_over_work_first"]
    assert ratios["pipeline_drained_over_work_assessment_only"]
    # The pipeline's verify runs are counted from its logs, beside the ceiling's work.
    assert burst["verify_task_runs"]["initial"] >= burst["claims"]
    assert burst["cpu_seconds"]["worker.pool"] > 0


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
        pauses, without = row["full_gc_seconds"], row["verify_seconds_without_full_gc"]
        assert 0 <= pauses["probes_with_one"] <= 5 and pauses["max"] <= pauses["total"] + 1e-9
        assert 0 < without["mean"] <= row["verify_seconds"]["mean"]
    ratios = result["ratios"]
    assert isinstance(ratios, dict) and "verify_mean_last_over_first" in ratios


def test_extract_speed_writes_its_ratio(tmp_path: Path) -> None:
    require_shared(FNC_DIR)
    result = _run("extract_speed.py", tmp_path / "extract.json", "--bodies", "5", timeout=120)
    assert result["bodies"] == 5 and result["words"] > 0
    assert isinstance(result["ratio"], float) and result["ratio"] > 0


def test_stance_speed_writes_its_rate(tmp_path: Path) -> None:
    require_shared(FNC_DIR)
    result = _run("stance_speed.py", tmp_path / "stance.json", "--pairs", "200", timeout=120)
    assert result["pairs"] == 200
    assert result["pairs_per_second"] > 0 and result["pairs_per_second_file_order"] > 0


def test_hotpath_writes_cpu_per_configuration(tmp_path: Path) -> None:
    result = _run("hotpath.py", tmp_path / "hotpath.json", "--articles", "3", timeout=150)
    configurations = result["configurations"]
    assert isinstance(configurations, dict) and "baseline" in configurations
    assert all(row["verifications"] > 0 for row in configurations.values())


def test_profile_summary_ranks_frames_by_inclusive_share(tmp_path: Path) -> None:
    raw = tmp_path / "spy.txt"
    raw.write_text(
        "loop (pool.py:1);task (tasks.py:5);assess (assess.py:9);assess (assess.py:12) 6\n"
        "loop (pool.py:1);task (tasks.py:5);save (store.py:3) 3\n"
        "loop (pool.py:1);idle (pool.py:7) 1\n"
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "profile_work.py"), "--summarize", str(raw)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    # The loop is in every sample and left out; the task holds 90 %, assess 60 % (a
    # function on two lines of one stack counts once).
    assert [(share, name) for share, name, _ in lines[:3]] == [
        ("90.0%", "task"),
        ("60.0%", "assess"),
        ("30.0%", "save"),
    ]


def test_cpu_seconds_counts_each_process_once_under_its_nearest_name() -> None:
    from bench.pipeline import cpu_seconds

    spin = "import sys, time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\nprint(flush=True)\nsys.stdin.read()"
    busy = subprocess.Popen(
        [sys.executable, "-c", spin], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert busy.stdout is not None and busy.stdout.readline() == "\n"  # done spinning
        me = os.getpid()
        unnamed = cpu_seconds({"me": me})
        named = cpu_seconds({"me": me, "busy": busy.pid})
    finally:
        busy.kill()
        busy.wait()
    assert named["busy"] >= 0.35
    # Not named, the child counts in the parent's pool; named, only under its own name.
    assert unnamed["me.pool"] >= named["busy"]
    assert named.get("me.pool", 0.0) <= unnamed["me.pool"] - named["busy"] + 0.05


def test_the_gc_clock_times_full_collections_only() -> None:
    import gc

    from bench.scaling import GcClock

    with GcClock() as clock:
        gc.collect(0)
        gc.collect(1)
        young = clock.seconds
        gc.collect(2)
    assert young == 0 and clock.seconds > 0
    after = clock.seconds
    gc.collect(2)  # outside the block: not counted
    assert clock.seconds == after
