"""``crosscheck ingest`` against a real ingest API (uvicorn on a real redis-server)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosscheck.cli import cli
from crosscheck.stack import Stack
from tests.e2e.conftest import StackFactory

pytestmark = pytest.mark.e2e

KEY = "ingest-cli-key-9d2e4f7a1b3c"


@pytest.fixture(scope="module")
def api(make_stack: StackFactory) -> Stack:
    # The API alone: accepted articles wait in the queue, which is all this test reads.
    stack = make_stack(start=False, env={"CROSSCHECK_API_KEYS": KEY})
    stack.start_api()
    stack.wait_api(headers={"Authorization": f"Bearer {KEY}"})
    return stack


def _article(n: int) -> dict[str, str]:
    return {
        "title": f"Item {n}",
        "body": f"The council said {n} roads were closed.",
        "source": "Wire",
    }


def test_files_lines_urls_and_stdin_with_progress_and_summary(api: Stack, tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps(_article(1)), encoding="utf-8")
    lines = tmp_path / "batch.jsonl"
    lines.write_text(
        "\n".join(
            [
                json.dumps(_article(2)),
                json.dumps(_article(1)),  # the same as one.json: a duplicate
                json.dumps({"title": "no source", "body": "Text."}),
                "not json at all",
                "https://news.example/story",
            ]
        ),
        encoding="utf-8",
    )
    stdin = json.dumps(_article(3)) + "\nhttps://news.example/story\n"
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(tmp_path / "one.json"),
            str(lines),
            "-",
            "https://other.example/page",
            "--api",
            api.api_url,
            "--api-key",
            KEY,
            "--progress",
        ],
        input=stdin,
    )
    assert result.exit_code == 1, result.output  # some were refused
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["input"].rsplit("/", 1)[-1], o["status"]) for o in outcomes] == [
        ("one.json", "accepted"),
        ("batch.jsonl:1", "accepted"),
        ("batch.jsonl:2", "duplicate"),
        ("batch.jsonl:3", "refused"),
        ("batch.jsonl:4", "refused"),
        ("batch.jsonl:5", "accepted"),
        ("stdin:1", "accepted"),
        ("stdin:2", "duplicate"),
        ("page", "accepted"),
    ]
    assert outcomes[2]["id"] == outcomes[0]["id"]
    assert outcomes[3]["reason"].startswith("422") and "source" in outcomes[3]["reason"]
    assert "neither JSON nor an http(s) URL" in outcomes[4]["reason"]
    errors = result.stderr
    assert "9/9" in errors  # the progress bar reached the end
    assert "accepted 5, duplicates 2, refused 2, failed 0" in errors
    assert "batch.jsonl:3: refused: 422" in errors


def test_a_wrong_key_stops_at_once(api: Stack, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["ingest", "https://news.example/a", "--api", api.api_url, "--api-key", "wrong-key"],
    )
    assert result.exit_code == 1
    assert "the API refused the key" in result.stderr
