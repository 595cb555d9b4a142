"""``crosscheck eval``: quality figures of the extract and verify code on labelled data."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crosscheck._cli import INPUT_FILE, echo_figures, fnc_files, input_file, out_file, write_figures

__all__ = ["eval_group"]

_SPLIT = click.Choice(["all", "dev", "fit"])


@click.group(name="eval")
def eval_group() -> None:
    """Measure verdicts, linking and same-fact evidence on real labelled news."""


@eval_group.command()
@input_file(
    "--data",
    "data_path",
    help="Emergent-format CSV (claimId, claimHeadline, claimTruth, articleHeadline, ...).",
)
@click.option("--split", type=_SPLIT, default="all", show_default=True, help="Claims scored.")
@click.option("--seed", type=int, default=20, show_default=True, help="Seed of the split.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="First N claims only.")
@out_file()
def veracity(data_path: Path, split: str, seed: int, limit: int | None, out: Path | None) -> None:
    """Verdicts of rumoured claims cross-checked against their news headlines."""
    from crosscheck.evaluation.pipeline import InProcessPipeline, embedded_redis
    from crosscheck.evaluation.veracity import read_emergent, run_veracity
    from shared.settings import get_settings

    settings = get_settings()
    try:
        claims = read_emergent(data_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    claims = claims[:limit] if limit else claims
    with embedded_redis(settings) as client:
        figures = run_veracity(
            InProcessPipeline(client=client, settings=settings),
            claims,
            split=split,  # type: ignore[arg-type]
            seed=seed,
        )
    figures["data"] = str(data_path)
    echo_figures(
        figures,
        [
            "split",
            "claims",
            "no_claim_extracted",
            "accuracy",
            "macro_f1",
            "precision_supported",
            "verdicts",
            "evidence_precision",
            "evidence_coverage",
            "headline_recall",
            "evidence_stance_by_gold",
            "supported_confidence_by_truth",
            "reference_always_unknown",
            "reference_gold_stance_rule",
        ],
    )
    confusion = figures["report"]["confusion_gold_by_predicted"]
    click.echo(f"confusion (gold -> predicted): {json.dumps(confusion)}")
    write_figures(out, figures)


@eval_group.command()
@fnc_files()
@click.option("--split", type=_SPLIT, default="all", show_default=True, help="Stories used.")
@click.option("--seed", type=int, default=20, show_default=True, help="Seed of split and sample.")
@click.option(
    "--stories",
    type=click.IntRange(min=1),
    default=None,
    help="Sample this many stories [default: all of the split].",
)
@click.option(
    "--max-bodies",
    type=click.IntRange(min=2),
    default=None,
    help="Sample at most this many bodies per story.",
)
@out_file()
def linking(
    bodies_path: Path,
    stances_path: Path,
    split: str,
    seed: int,
    stories: int | None,
    max_bodies: int | None,
    out: Path | None,
) -> None:
    """Evidence links between FNC-1-format bodies: inside one story, and found."""
    from crosscheck.evaluation.linking import read_stories, run_linking, sample_stories
    from crosscheck.evaluation.pipeline import InProcessPipeline, embedded_redis
    from shared.settings import get_settings

    settings = get_settings()
    try:
        all_stories, bodies = read_stories(bodies_path=bodies_path, stances_path=stances_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    chosen = sample_stories(
        all_stories,
        split=split,  # type: ignore[arg-type]
        seed=seed,
        count=stories,
        max_bodies=max_bodies,
    )
    with embedded_redis(settings) as client:
        figures = run_linking(
            InProcessPipeline(client=client, settings=settings), chosen, bodies, seed=seed
        )
    figures.update(
        {
            "bodies_file": str(bodies_path),
            "stances_file": str(stances_path),
            "split": split,
            "stories_asked": stories,
            "max_bodies": max_bodies,
        }
    )
    echo_figures(
        figures,
        [
            "split",
            "stories",
            "bodies",
            "claims",
            "link_precision",
            "pair_recall",
            "same_story_pairs",
            "cross_article_evidence",
            "evidence_from_own_outlet",
            "no_evidence_share",
            "verdicts",
            "disputed_or_refuted_share",
            "evidence_stances",
        ],
    )
    write_figures(out, figures)


@eval_group.command(name="samefact")
@input_file("--bodies", "bodies_path", help="FNC-1 train_bodies.csv (the pairs name its Body IDs).")
@click.option(
    "--pairs",
    "pairs_path",
    type=INPUT_FILE,
    default=None,
    help="Labelled pairs [default: the hand-labelled set shipped with crosscheck].",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="First N pairs only.")
@out_file()
def same_fact(
    bodies_path: Path, pairs_path: Path | None, limit: int | None, out: Path | None
) -> None:
    """Share of agree/disagree evidence about the claim's own fact, on hand-labelled pairs."""
    from crosscheck.evaluation.samefact import DEFAULT_PAIRS, read_pairs, run_same_fact
    from crosscheck.stance.data import read_bodies
    from shared.settings import get_settings

    try:
        pairs = read_pairs(pairs_path or DEFAULT_PAIRS)[:limit]
        figures = run_same_fact(pairs, read_bodies(bodies_path), settings=get_settings())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    figures["pairs_file"] = str(pairs_path or DEFAULT_PAIRS)
    echo_figures(
        figures,
        [
            "pairs",
            "labels",
            "agree_or_disagree",
            "own_fact_share",
            "same_read_as_agree",
            "same_read_as_disagree",
            "contradiction_read_as_disagree",
            "other_read_as_agree_or_disagree",
            "judged_by_label",
        ],
    )
    write_figures(out, figures)
