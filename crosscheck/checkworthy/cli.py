"""``crosscheck checkworthy``: train and evaluate the check-worthiness model."""

from __future__ import annotations

import time
from pathlib import Path

import click

from crosscheck._cli import COMMITTED_ARTIFACT, data_dir, echo_artifact, model_file, out_file

__all__ = ["checkworthy"]


@click.group()
def checkworthy() -> None:
    """Check-worthiness of sentences (CLEF CheckThat! debates)."""


@checkworthy.command()
@data_dir("Directory of labelled .tsv files.")
@out_file(COMMITTED_ARTIFACT)
@click.option(
    "--c",
    "c",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Inverse regularisation.",
)
def train(data_dir: Path, out: Path | None, c: float | None) -> None:
    """Cross-validate by debate, then fit and write the model (deterministic)."""
    # Heavy imports stay inside commands so `--help` and the main CLI load fast.
    from crosscheck.checkworthy.data import data_files, file_sha256, read_debates
    from crosscheck.checkworthy.evaluate import format_table
    from crosscheck.checkworthy.train import TrainConfig, train_model
    from services.extract.checkworthy import DEFAULT_MODEL_PATH
    from services.extract.checkworthy.model import write_model

    files = data_files(data_dir)
    debates = read_debates(files)
    unlabelled = [d.name for d in debates if d.labels is None]
    if unlabelled:
        raise click.UsageError(f"training needs labels; unlabelled: {', '.join(unlabelled)}")
    config = TrainConfig() if c is None else TrainConfig(c=c)
    started = time.perf_counter()
    model, cv = train_model(
        debates, config=config, data_files={p.name: file_sha256(p) for p in files}
    )
    target = DEFAULT_MODEL_PATH if out is None else out
    write_model(model, target)
    click.echo(
        f"trained on {model.metadata['sentences']} sentences of {len(debates)} debates "
        f"({model.metadata['positives']} check-worthy) in {time.perf_counter() - started:.1f}s"
    )
    click.echo("leave-one-debate-out cross-validation:")
    click.echo(format_table(dict(zip(cv.names, cv.per_debate, strict=True))))
    echo_artifact(target)


@checkworthy.command(name="eval")
@data_dir("Directory of .tsv files.")
@model_file()
@out_file("Write debate, line number and score of every line here (TSV, input order).")
def eval_(data_dir: Path, model_path: Path | None, out: Path | None) -> None:
    """Score every line; print MAP, R-Precision and P@5/10/20 for labelled files."""
    from crosscheck.checkworthy.data import data_files, read_debates
    from crosscheck.checkworthy.evaluate import evaluate, format_table, score_debates, write_scores
    from services.extract.checkworthy import load_checkworthy_model

    debates = read_debates(data_files(data_dir))
    model = load_checkworthy_model(None if model_path is None else str(model_path))
    started = time.perf_counter()
    scores = score_debates(model, debates)
    lines = sum(len(d) for d in debates)
    click.echo(
        f"scored {lines} lines of {len(debates)} files in {time.perf_counter() - started:.2f}s"
    )
    per_debate = evaluate(debates, scores)
    if per_debate:
        click.echo(format_table(per_debate))
    missing = [d.name for d in debates if d.labels is None]
    if missing:
        click.echo(f"no labels (scores only): {', '.join(missing)}")
    if out is not None:
        write_scores(out, debates, scores)
        click.echo(f"wrote {out}")
