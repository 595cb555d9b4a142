"""Topic grouping and the held-out estimate of the training procedure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from crosscheck.stance.cli import stance
from crosscheck.stance.data import claim_groups, topic_groups
from crosscheck.stance.train import TrainConfig, heldout_estimate
from tests.stance.conftest import fnc_slice, require_fnc

# Six claims, each one headline and one body: two about a meteorite, two about the
# central bank, two about a spider. Unrelated pairs link nothing.
_CLAIMS = [
    ("Meteorite crashes in field", "A meteorite crashed into a field, leaving a crater."),
    ("Meteorite crater found", "Scientists studied the meteorite crater in the field."),
    ("Central bank cuts rates", "The central bank cut interest rates; markets rallied."),
    ("Bank rates surprise markets", "Markets rallied after the central bank rates decision."),
    ("Giant spider in hotel", "A giant spider was seen in a hotel bathroom."),
    ("Hotel denies spider story", "The hotel said the giant spider photo was doctored."),
]


def _pairs() -> tuple[list[str], list[str], list[str], list[str]]:
    headlines, body_ids, bodies, stances = [], [], [], []
    for i, (headline, _) in enumerate(_CLAIMS):
        other = (i + 2) % len(_CLAIMS)
        for j, label in ((i, "agree"), (other, "unrelated")):
            headlines.append(headline)
            body_ids.append(str(j))
            bodies.append(_CLAIMS[j][1])
            stances.append(label)
    return headlines, body_ids, bodies, stances


def test_topics_merge_claims_about_one_story_and_keep_stories_apart() -> None:
    headlines, body_ids, bodies, stances = _pairs()
    topics = topic_groups(
        headlines=headlines, body_ids=body_ids, bodies=bodies, stances=stances, max_distance=0.9
    )
    topic_of_body = dict(zip(body_ids, topics, strict=True))
    assert topic_of_body["0"] == topic_of_body["1"]
    assert topic_of_body["2"] == topic_of_body["3"]
    assert topic_of_body["4"] == topic_of_body["5"]
    assert len({topic_of_body["0"], topic_of_body["2"], topic_of_body["4"]}) == 3


def test_a_tight_cut_leaves_every_claim_its_own_topic() -> None:
    headlines, body_ids, bodies, stances = _pairs()
    topics = topic_groups(
        headlines=headlines, body_ids=body_ids, bodies=bodies, stances=stances, max_distance=0.01
    )
    claims = claim_groups(headlines=headlines, body_ids=body_ids, stances=stances)
    assert len(set(topics)) == len(set(claims)) == len(_CLAIMS)


def test_fnc_topics_never_split_a_claim() -> None:
    pairs = fnc_slice(300)
    assert pairs.stances is not None
    claims = claim_groups(headlines=pairs.headlines, body_ids=pairs.body_ids, stances=pairs.stances)
    topics = topic_groups(
        headlines=pairs.headlines,
        body_ids=pairs.body_ids,
        bodies=pairs.bodies,
        stances=pairs.stances,
    )
    topic_of_claim: dict[int, set[int]] = {}
    for claim, topic in zip(claims, topics, strict=True):
        topic_of_claim.setdefault(claim, set()).add(topic)
    assert all(len(t) == 1 for t in topic_of_claim.values())
    assert 1 < len(set(topics)) < len(set(claims))


def test_estimate_predicts_every_pair_once_from_a_model_that_held_it_out() -> None:
    pairs = fnc_slice(60)
    assert pairs.stances is not None
    claims = claim_groups(headlines=pairs.headlines, body_ids=pairs.body_ids, stances=pairs.stances)
    config = TrainConfig(related_rounds=30, stance_rounds=30, cv_folds=2, refit=False)
    result = heldout_estimate(
        pairs, holdout_groups=claims, inner_groups=claims, folds=3, config=config
    )
    assert result.pooled["n"] == len(pairs.headlines)
    assert sum(int(f["n"]) for f in result.per_fold) == len(pairs.headlines)  # type: ignore[call-overload]
    pooled_confusion = np.asarray(result.pooled["confusion"])
    fold_confusion = sum(np.asarray(f["confusion"]) for f in result.per_fold)
    assert np.array_equal(pooled_confusion, fold_confusion)


def test_estimate_command_writes_its_figures(tmp_path: Path) -> None:
    data = require_fnc()
    out = tmp_path / "estimate.json"
    result = CliRunner().invoke(
        stance,
        ["estimate", "--data", str(data), "--limit-bodies", "40", "--folds", "2"]
        + ["--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "pooled over folds" in result.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["by"] == "topic"
    assert len(figures["per_fold"]) == 2


def test_estimate_refuses_more_folds_than_groups() -> None:
    data = require_fnc()
    result = CliRunner().invoke(
        stance, ["estimate", "--data", str(data), "--limit-bodies", "3", "--folds", "50"]
    )
    assert result.exit_code != 0
    assert "cannot fill 50 folds" in result.output
