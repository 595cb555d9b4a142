"""Training on a slice of FNC-1: split hygiene and determinism."""

from __future__ import annotations

import numpy as np

from crosscheck.stance.data import claim_groups
from crosscheck.stance.train import TrainConfig, dev_mask, train_model
from tests.stance.conftest import fnc_slice

_SMALL = TrainConfig(related_rounds=40, stance_rounds=40, cv_folds=3)


def test_dev_split_keeps_every_body_and_claim_on_one_side() -> None:
    pairs = fnc_slice(120)
    assert pairs.stances is not None
    groups = claim_groups(headlines=pairs.headlines, body_ids=pairs.body_ids, stances=pairs.stances)
    dev = dev_mask(groups, fraction=0.2, seed=1)
    dev_bodies = {b for b, d in zip(pairs.body_ids, dev, strict=True) if d}
    train_bodies = {b for b, d in zip(pairs.body_ids, dev, strict=True) if not d}
    assert dev_bodies and train_bodies
    assert not dev_bodies & train_bodies
    related_dev = {
        h
        for h, s, d in zip(pairs.headlines, pairs.stances, dev, strict=True)
        if d and s != "unrelated"
    }
    related_train = {
        h
        for h, s, d in zip(pairs.headlines, pairs.stances, dev, strict=True)
        if not d and s != "unrelated"
    }
    assert not related_dev & related_train


def test_training_twice_gives_identical_predictions() -> None:
    pairs = fnc_slice(60)
    first = train_model(pairs, config=_SMALL, data_hash={})
    second = train_model(pairs, config=_SMALL, data_hash={})
    probs_a = first.predict_proba(pairs.headlines, pairs.bodies)
    probs_b = second.predict_proba(pairs.headlines, pairs.bodies)
    assert np.array_equal(probs_a, probs_b)
    assert first.metadata == second.metadata
    assert np.allclose(probs_a.sum(axis=1), 1.0)
