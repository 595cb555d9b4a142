"""``crosscheck stance``: train and evaluate the FNC-1 stance model."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from crosscheck._cli import (
    COMMITTED_ARTIFACT,
    data_dir,
    echo_artifact,
    fnc_files,
    input_file,
    model_file,
    out_file,
)

__all__ = ["stance"]


@click.group()
def stance() -> None:
    """Stance of an article body toward a headline (FNC-1)."""


@stance.command()
@data_dir("Directory with train_bodies.csv and train_stances.csv.")
@out_file(COMMITTED_ARTIFACT)
@click.option("--seed", type=int, default=None, help="Seed for split, CV, SVD and LightGBM.")
@click.option(
    "--limit-bodies",
    type=click.IntRange(min=1),
    default=None,
    help="Train on the first N bodies of train_bodies.csv only (smoke runs).",
)
def train(data_dir: Path, out: Path | None, seed: int | None, limit_bodies: int | None) -> None:
    """Train the model deterministically and write the artifact."""
    # Heavy imports stay inside commands so `--help` and the main CLI load fast.
    from crosscheck.stance.data import (
        BODIES_FILE,
        STANCES_FILE,
        data_sha256,
        read_bodies,
        read_pairs,
    )
    from crosscheck.stance.scoring import FncReport, format_report
    from crosscheck.stance.train import TrainConfig, train_model
    from services.verify.stance import DEFAULT_MODEL_PATH
    from services.verify.stance.model import write_model

    bodies_path, stances_path = data_dir / BODIES_FILE, data_dir / STANCES_FILE
    body_ids = None
    if limit_bodies is not None:
        body_ids = list(read_bodies(bodies_path))[:limit_bodies]
    pairs = read_pairs(bodies_path=bodies_path, stances_path=stances_path, body_ids=body_ids)
    config = TrainConfig() if seed is None else TrainConfig(seed=seed)
    started = time.perf_counter()
    model = train_model(pairs, config=config, data_hash=data_sha256([bodies_path, stances_path]))
    if limit_bodies is not None:
        model.metadata["limit_bodies"] = limit_bodies
    target = DEFAULT_MODEL_PATH if out is None else out
    write_model(model, target)
    report = FncReport.from_dict(model.metadata["dev_scores"])
    click.echo(f"trained on {len(pairs.headlines)} pairs in {time.perf_counter() - started:.1f}s")
    click.echo("dev split (held-out claims):")
    click.echo(format_report(report))
    click.echo(f"decision weights: {json.dumps(model.metadata['weights'])}")
    echo_artifact(target)


@stance.command()
@data_dir("Directory with train_bodies.csv and train_stances.csv.")
@click.option(
    "--by",
    type=click.Choice(["claim", "topic"]),
    default="topic",
    show_default=True,
    help="Hold out whole claims, or whole topics (claims clustered by their text).",
)
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option(
    "--topic-distance",
    type=click.FloatRange(min=0.0, max=1.0),
    default=0.8,
    show_default=True,
    help="Cosine distance at which claims stop merging into one topic.",
)
@click.option("--seed", type=int, default=None, help="Seed for folds, SVD and LightGBM.")
@click.option(
    "--limit-bodies",
    type=click.IntRange(min=1),
    default=None,
    help="Use the first N bodies of train_bodies.csv only (smoke runs).",
)
@out_file("Write the figures as JSON here.")
def estimate(
    data_dir: Path,
    by: str,
    folds: int,
    topic_distance: float,
    seed: int | None,
    limit_bodies: int | None,
    out: Path | None,
) -> None:
    """Cross-validate training over held-out claims or topics; writes no artifact."""
    from crosscheck.stance.data import (
        BODIES_FILE,
        STANCES_FILE,
        claim_groups,
        read_bodies,
        read_pairs,
        topic_groups,
    )
    from crosscheck.stance.scoring import FncReport, format_report
    from crosscheck.stance.train import TrainConfig, heldout_estimate

    bodies_path, stances_path = data_dir / BODIES_FILE, data_dir / STANCES_FILE
    body_ids = None
    if limit_bodies is not None:
        body_ids = list(read_bodies(bodies_path))[:limit_bodies]
    pairs = read_pairs(bodies_path=bodies_path, stances_path=stances_path, body_ids=body_ids)
    if pairs.stances is None:
        raise click.UsageError(f"{stances_path} has no Stance labels")
    claims = claim_groups(headlines=pairs.headlines, body_ids=pairs.body_ids, stances=pairs.stances)
    holdout = claims
    if by == "topic":
        holdout = topic_groups(
            headlines=pairs.headlines,
            body_ids=pairs.body_ids,
            bodies=pairs.bodies,
            stances=pairs.stances,
            max_distance=topic_distance,
        )
    config = TrainConfig(refit=False) if seed is None else TrainConfig(refit=False, seed=seed)
    try:
        result = heldout_estimate(
            pairs, holdout_groups=holdout, inner_groups=claims, folds=folds, config=config
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"held out by {by}: {result.n_groups} groups in {folds} folds")
    click.echo(
        "per-fold FNC score: " + ", ".join(f"{f['fnc_relative_pct']:.2f}%" for f in result.per_fold)
    )
    click.echo("pooled over folds:")
    click.echo(format_report(FncReport.from_dict(result.pooled)))
    if out is not None:
        figures = {
            "by": by,
            "topic_distance": topic_distance if by == "topic" else None,
            "folds": folds,
            "n_groups": result.n_groups,
            "seed": config.seed,
            "pooled": result.pooled,
            "per_fold": result.per_fold,
        }
        out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")


@stance.command(name="eval")
@fnc_files()
@model_file()
@out_file("Write predictions here in FNC-1 stances format (same rows, same order).")
def eval_(bodies_path: Path, stances_path: Path, model_path: Path | None, out: Path | None) -> None:
    """Predict stances for an FNC-1 format file and score them if it has gold labels."""
    from crosscheck.stance.data import read_pairs, write_stances
    from crosscheck.stance.scoring import evaluate, format_report
    from services.verify.stance import load_stance_model

    pairs = read_pairs(bodies_path=bodies_path, stances_path=stances_path)
    model = load_stance_model(None if model_path is None else str(model_path))
    started = time.perf_counter()
    predicted = model.predict(pairs.headlines, pairs.bodies)
    elapsed = time.perf_counter() - started
    click.echo(f"predicted {len(predicted)} pairs in {elapsed:.2f}s")
    if pairs.stances is None:
        click.echo("no gold labels given (no Stance column): predictions only, no scores")
    else:
        click.echo(format_report(evaluate(pairs.stances, predicted)))
    if out is not None:
        write_stances(out, headlines=pairs.headlines, body_ids=pairs.body_ids, stances=predicted)
        click.echo(f"wrote {out}")


if __name__ == "__main__":
    stance()


@stance.command(name="train-claims")
@input_file(
    "--data",
    "data_path",
    help="Emergent-format CSV (claimHeadline vs articleHeadline, for/against/observing).",
)
@click.option("--seed", type=int, default=20, show_default=True, help="Seed of the claim split.")
@out_file("Artifact path [default: the committed claim stance artifact].")
def train_claims(data_path: Path, seed: int, out: Path | None) -> None:
    """Fit the claim-vs-claim stance on the fit side of the claims; report CV and dev."""
    from crosscheck.evaluation.claim_stance import fit_claim_stance
    from services.verify.stance.claim_pairs import CLAIM_STANCE_PATH

    model, figures = fit_claim_stance(data_path, seed=seed)
    target = CLAIM_STANCE_PATH if out is None else out
    target.write_text(model.to_json() + "\n", encoding="utf-8")
    for key in ("cv_fit", "fnc_alone_fit", "dev", "fnc_alone_dev"):
        part = figures[key]
        click.echo(
            f"{key}: accuracy {part['accuracy']} macro-F1 {part['macro_f1']} "
            f"F1 {json.dumps(part['f1'])}"
        )
    click.echo(f"wrote {target}")
