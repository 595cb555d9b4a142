"""The soak benchmark, run short: 30 seconds of ingest must pass every check it makes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_soak_30_seconds_passes_its_checks(tmp_path: Path) -> None:
    output = tmp_path / "soak.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "soak.py"), "--duration", "30", "--rate", "4",
         "--warmup", "8", "--drain-timeout", "40", "--output", str(output)],
        cwd=REPO,
        capture_output=True,
        timeout=150,
    )  # fmt: skip
    print(done.stdout.decode())
    report = json.loads(output.read_text())
    failed = [name for name, passed in report["checks"].items() if not passed]
    assert not failed, (failed, done.stdout.decode(), done.stderr.decode()[-3000:])
    assert done.returncode == 0
    assert report["posted"] == 120 and report["lost_articles"] == 0 and report["lost_verdicts"] == 0
    # Every verified claim is listed once for GET /claims.
    assert report["listed_claims"] == report["claims"] > 0
    assert report["listing_duplicates"] == 0
