"""`crosscheck run`, the command behind `make run`: embedded Redis, every process, clean Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from crosscheck.redis_server import free_port

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
_ROW = re.compile(r"\s(supported|unverified|disputed|refuted)\s+[01]\.\d\d\s")


def test_run_brings_everything_up_and_ctrl_c_leaves_no_orphans(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CROSSCHECK_API_PORT": str(free_port()),
        "CROSSCHECK_FLOWER_PORT": str(free_port()),
        "CROSSCHECK_LOG_JSON": "true",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CROSSCHECK_REDIS_URL", None)
    examples = REPO / "examples" / "articles"
    process = subprocess.Popen(
        [sys.executable, "-m", "crosscheck.cli", "run", "--examples", str(examples)],
        cwd=tmp_path,  # the runner keeps its state in ./.crosscheck
        env={**env, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    rows = 0
    while time.monotonic() < deadline and rows < 3:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        rows += bool(_ROW.search(line))
    assert rows >= 3, "".join(lines)
    assert any("embedded redis-server" in line for line in lines)
    # `make run` prints the verdicts page's address, and the page answers there.
    page = next(line.split()[-1] for line in lines if line.startswith("verdicts "))
    response = requests.get(page, timeout=10)
    assert response.status_code == 200 and "Verified claims" in response.text

    family = psutil.Process(process.pid).children(recursive=True)
    names = " ".join(" ".join(p.cmdline()) for p in family)
    for part in (
        "redis-server",
        "uvicorn",
        "crosscheck.worker",
        "fetch,extract,verify",
        "flower",
    ):
        assert part in names, f"{part} is not running under crosscheck run"

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=40) == 0
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert not alive, f"orphans left: {[p.cmdline()[:4] for p in alive]}"
    process.stdout.close()
