"""The crosscheck CLI commands that need no running stack."""

from __future__ import annotations

import json

from click.testing import CliRunner

from crosscheck.cli import cli
from shared.schemas import VerdictDoc


def test_schema_prints_the_verdict_document_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema == VerdictDoc.model_json_schema()
    for field in (
        "claim_id",
        "verdict",
        "confidence",
        "independent_origins",
        "evidence",
        "version",
    ):
        assert field in schema["properties"]


def test_every_subcommand_is_there() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:", 1)[1].split()
    for command in (
        "run",
        "ingest",
        "follow",
        "unfollow",
        "consume",
        "schema",
        "dead",
        "stance",
        "eval",
    ):
        assert command in listed
