"""`crosscheck stance eval` and `train` on small FNC-format files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosscheck.stance.cli import stance
from services.verify.stance import load_stance_model
from tests.stance.conftest import require_fnc


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_eval_scores_and_writes_predictions_in_input_order(
    fnc_files: tuple[Path, Path, list[tuple[str, str, str]]], tmp_path: Path
) -> None:
    bodies, stances, rows = fnc_files
    out = tmp_path / "pred.csv"
    result = CliRunner().invoke(
        stance, ["eval", "--bodies", str(bodies), "--stances", str(stances), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "FNC score:" in result.output
    assert "macro-F1" in result.output
    assert "confusion" in result.output
    written = _read(out)
    assert written[0] == ["Headline", "Body ID", "Stance"]
    assert [r[:2] for r in written[1:]] == [[h, b] for h, b, _ in rows]
    assert {r[2] for r in written[1:]} <= {"agree", "disagree", "discuss", "unrelated"}


@pytest.mark.parametrize("blank_stance_column", [False, True])
def test_eval_without_gold_labels_still_predicts(
    fnc_files: tuple[Path, Path, list[tuple[str, str, str]]],
    tmp_path: Path,
    blank_stance_column: bool,
) -> None:
    bodies, _, rows = fnc_files
    unlabelled = tmp_path / "unlabelled.csv"
    with unlabelled.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        if blank_stance_column:
            writer.writerow(["Headline", "Body ID", "Stance"])
            writer.writerows((h, b, "") for h, b, _ in rows)
        else:
            writer.writerow(["Headline", "Body ID"])
            writer.writerows((h, b) for h, b, _ in rows)
    out = tmp_path / "pred.csv"
    result = CliRunner().invoke(
        stance, ["eval", "--bodies", str(bodies), "--stances", str(unlabelled), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "no gold labels" in result.output
    assert "FNC score" not in result.output
    assert len(_read(out)) == len(rows) + 1


def test_train_on_a_slice_end_to_end(tmp_path: Path) -> None:
    data = require_fnc()
    artifact = tmp_path / "model.joblib"
    result = CliRunner().invoke(
        stance,
        [
            "train",
            "--data",
            str(data),
            "--out",
            str(artifact),
            "--limit-bodies",
            "40",
            "--seed",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "FNC score:" in result.output
    assert artifact.is_file()
    model = load_stance_model(str(artifact))
    assert model.metadata["limit_bodies"] == 40
    assert model.metadata["config"]["seed"] == 3
