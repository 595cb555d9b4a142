"""``crosscheck eval`` on a small slice of the real data, through the worker code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import CliRunner

from crosscheck.cli import cli
from tests.conftest import FNC_DIR, SHARED_DIR, require_shared

EMERGENT = SHARED_DIR / "datasets" / "emergent" / "train.csv"


def _figures(args: list[str], out: Path) -> tuple[dict[str, Any], str]:
    """Run ``crosscheck eval`` with ``--out out``; the figures it wrote and what it printed."""
    result = CliRunner().invoke(cli, ["eval", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return figures, result.output


def test_veracity_on_a_slice_reports_every_figure(tmp_path: Path) -> None:
    data = require_shared(EMERGENT)
    figures, output = _figures(
        ["veracity", "--data", str(data), "--limit", "3"], tmp_path / "veracity.json"
    )
    assert figures["claims"] == 3
    for key in ("accuracy", "macro_f1", "evidence_precision", "evidence_coverage"):
        assert key in figures
    assert figures["reference_always_unknown"]["accuracy"] is not None
    confusion = figures["report"]["confusion_gold_by_predicted"]
    assert sum(sum(row.values()) for row in confusion.values()) == 3
    assert sum(r["headlines"] for r in figures["rows"]) > 3
    assert "precision_supported" in output
    # Every headline read as evidence of its own claim is counted under its gold stance.
    read = figures["evidence_stance_by_gold"]
    own = [e for r in figures["rows"] for e in r["evidence_items"] if e["same_claim"]]
    assert own and sum(sum(by.values()) for by in read.values()) == len(own)
    assert set(read) <= {"for", "against", "observing"}


def test_linking_on_a_slice_reports_precision_and_recall(tmp_path: Path) -> None:
    bodies = require_shared(FNC_DIR / "train_bodies.csv")
    stances = require_shared(FNC_DIR / "train_stances.csv")
    figures, _ = _figures(
        [
            "linking",
            "--bodies",
            str(bodies),
            "--stances",
            str(stances),
            "--stories",
            "2",
            "--max-bodies",
            "2",
        ],
        tmp_path / "linking.json",
    )
    assert figures["stories"] == 2 and figures["bodies"] == 4
    assert figures["same_story_pairs"] == 2
    assert figures["claims"] > 0
    assert sum(figures["verdicts"].values()) == figures["verdicts_read"]
    assert figures["evidence_from_own_outlet"] == 0


def test_veracity_refuses_a_csv_of_another_shape(tmp_path: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "veracity", "--data", str(bad)])
    assert result.exit_code != 0
    assert "missing columns" in result.output


def test_samefact_judges_labelled_pairs(tmp_path: Path) -> None:
    bodies = require_shared(FNC_DIR / "train_bodies.csv")
    figures, _ = _figures(
        ["samefact", "--bodies", str(bodies), "--limit", "4"], tmp_path / "samefact.json"
    )
    assert figures["pairs"] == 4
    assert {r["label"] for r in figures["rows"]} <= {"same", "contradiction", "other"}
    assert all(r["judged"] for r in figures["rows"])


def test_the_shipped_same_fact_pairs_are_labelled_by_the_written_rule() -> None:
    from crosscheck.evaluation.samefact import DEFAULT_PAIRS, LABELS, read_pairs

    pairs = read_pairs(DEFAULT_PAIRS)
    assert len(pairs) >= 80
    assert {p.label for p in pairs} == set(LABELS)
    rule = (DEFAULT_PAIRS.parent / "SAME_FACT.md").read_text(encoding="utf-8")
    for label in LABELS:
        assert f"`{label}`" in rule


# lbfgs stops at a tolerance: a different BLAS code path moves weights by ~0.01, no figure.
WEIGHT_TOLERANCE = 0.05


def test_train_claims_fits_on_the_fit_side_and_reports_dev(tmp_path: Path) -> None:
    data = require_shared(EMERGENT)
    out = tmp_path / "claim_stance.json"
    result = CliRunner().invoke(
        cli, ["stance", "train-claims", "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "cv_fit: accuracy" in result.output and "dev: accuracy" in result.output
    from services.verify.stance.claim_pairs import ClaimStance, load_claim_stance

    fitted = ClaimStance.from_json(out.read_text(encoding="utf-8"))
    committed = load_claim_stance()
    # The committed artifact is what this command writes: the same figures, and weights
    # equal up to the last steps of the solver, which differ between CPUs' float paths.
    assert fitted.metadata == committed.metadata
    assert np.allclose(fitted.weights, committed.weights, atol=WEIGHT_TOLERANCE)
