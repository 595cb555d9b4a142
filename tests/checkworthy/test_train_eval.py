"""``crosscheck checkworthy train`` and ``eval`` on a small slice of the CLEF-2019 training set."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosscheck.checkworthy.cli import checkworthy
from services.extract.checkworthy.model import read_model
from tests.conftest import SHARED_DIR, require_shared

CLEF_TRAINING = SHARED_DIR / "datasets" / "clef2019-checkworthy" / "training"
_SLICE = ("20160926_1pres.tsv", "20170228_trump_address.tsv", "20181010_medicare.tsv")
_LINES = 300


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def slice_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = require_shared(CLEF_TRAINING)
    target = tmp_path_factory.mktemp("clef_slice")
    for name in _SLICE:
        lines = (source / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (target / name).write_text("".join(lines[:_LINES]), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def trained(slice_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("model") / "model.zip"
    result = CliRunner().invoke(checkworthy, ["train", "--data", str(slice_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_train_writes_an_artifact_with_its_provenance(
    trained: tuple[Path, str], slice_dir: Path
) -> None:
    path, output = trained
    assert "leave-one-debate-out" in output and "overall (mean)" in output
    meta = read_model(path).metadata
    assert sorted(meta["data_files"]) == sorted(_SLICE)
    assert all(len(digest) == 64 for digest in meta["data_files"].values())
    assert meta["sentences"] == sum(len(_lines(slice_dir / n)) for n in _SLICE)
    assert set(meta["cross_validation"]["per_debate"]) == {Path(n).stem for n in _SLICE}
    assert {"scikit-learn", "numpy", "scipy", "python"} <= set(meta["libraries"])
    assert meta["params"]["class_weight"] == "balanced"


def test_training_is_byte_for_byte_reproducible(
    trained: tuple[Path, str], slice_dir: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.zip"
    result = CliRunner().invoke(
        checkworthy, ["train", "--data", str(slice_dir), "--out", str(again)]
    )
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == trained[0].read_bytes()


def test_eval_prints_metrics_and_writes_scores_in_input_order(
    trained: tuple[Path, str], slice_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scores.tsv"
    result = CliRunner().invoke(
        checkworthy,
        ["eval", "--data", str(slice_dir), "--model", str(trained[0]), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    for label in ("AP", "R-Prec", "P@5", "P@10", "P@20", "overall (mean)"):
        assert label in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    assert rows[0] == ["debate", "line_number", "score"]
    expected = [
        (Path(name).stem, line.split("\t")[0])
        for name in sorted(_SLICE)
        for line in (slice_dir / name).read_text(encoding="utf-8").splitlines()
    ]
    assert [(r[0], r[1]) for r in rows[1:]] == expected
    assert all(0.0 <= float(r[2]) <= 1.0 for r in rows[1:])


def test_eval_scores_unlabelled_files(
    trained: tuple[Path, str], slice_dir: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in _SLICE:
        lines = (slice_dir / name).read_text(encoding="utf-8").splitlines()
        (bare / name).write_text("".join(line.rsplit("\t", 1)[0] + "\n" for line in lines))
    out = tmp_path / "scores.tsv"
    result = CliRunner().invoke(
        checkworthy, ["eval", "--data", str(bare), "--model", str(trained[0]), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "no labels (scores only)" in result.output and "overall" not in result.output
    assert len(out.read_text().splitlines()) == 1 + sum(len(_lines(bare / n)) for n in _SLICE)


def test_the_committed_artifact_records_its_training() -> None:
    from services.extract.checkworthy import DEFAULT_MODEL_PATH

    with zipfile.ZipFile(DEFAULT_MODEL_PATH) as archive:
        meta = json.loads(archive.read("metadata.json"))
    assert meta["sentences"] == 16421 and meta["positives"] == 440
    assert len(meta["data_files"]) == 19
    assert meta["cross_validation"]["scheme"] == "leave-one-debate-out"
