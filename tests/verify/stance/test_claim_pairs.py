"""The claim-vs-claim stance: its features, its artifact, and what it does to a denial."""

from __future__ import annotations

import numpy as np
import pytest

from services.verify.stance import load_stance_model
from services.verify.stance.claim_pairs import FEATURES, ClaimStance, features, load_claim_stance


def test_features_have_one_column_per_name() -> None:
    probs = np.asarray([[0.5, 0.1, 0.3, 0.1], [0.1, 0.1, 0.1, 0.7]])
    x = features(probs, ["A did B", "A did B"], ["A did not do B", "Is it true A did B?"])
    assert x.shape == (2, len(FEATURES))
    negation_differs = FEATURES.index("negation_differs")
    question = FEATURES.index("question_other")
    assert x[0, negation_differs] == 1.0 and x[1, negation_differs] == 0.0
    assert x[1, question] == 1.0


def test_apply_keeps_the_unrelated_probability_and_sums_to_one() -> None:
    model = load_claim_stance()
    probs = np.asarray([[0.2, 0.2, 0.2, 0.4], [0.6, 0.1, 0.2, 0.1]])
    out = model.apply(probs, ["A did B"] * 2, ["A did B today", "A is said to have done B"])
    assert out[:, 3] == pytest.approx(probs[:, 3])
    assert out.sum(axis=1) == pytest.approx([1.0, 1.0])


def test_the_artifact_round_trips_and_refuses_other_features() -> None:
    model = load_claim_stance()
    again = ClaimStance.from_json(model.to_json())
    assert np.array_equal(again.weights, model.weights)
    assert "dev_macro_f1" in again.metadata
    with pytest.raises(ValueError, match="other features"):
        ClaimStance.from_json('{"features": ["x"], "weights": [[0, 0, 0]]}')


def test_a_debunking_headline_disagrees_and_a_relay_only_reports() -> None:
    claim = "A man was saved from a bear attack by his Justin Bieber ringtone"
    heads = [
        "Justin Bieber ringtone saves Russian fisherman from bear attack",
        "The Justin Bieber ringtone bear attack story is a hoax",
        "Russian fisherman reportedly saved from bear by Justin Bieber ringtone, tabloid claims",
    ]
    fnc = np.asarray(load_stance_model().predict_proba([claim] * 3, heads), dtype=np.float64)
    sides = load_claim_stance().side_probabilities(fnc, [claim] * 3, heads)
    agree, disagree, discuss = sides.argmax(axis=1)
    assert (agree, disagree, discuss) == (0, 1, 2)


def test_pairs_longer_than_headlines_keep_the_fnc_reading() -> None:
    long = " ".join(["word"] * 30)
    probs = np.asarray([[0.3, 0.3, 0.3, 0.1], [0.3, 0.3, 0.3, 0.1]])
    out = load_claim_stance().apply(probs, ["A did B", long], ["A did not do B", "A did B"])
    assert out[1].tolist() == probs[1].tolist()
    assert out[0].tolist() != probs[0].tolist()
