"""The committed artifact and the public API the verifier calls."""

from __future__ import annotations

import numpy as np

from services.verify.stance import STANCE_CLASSES, StanceModel, load_stance_model


def test_classes_are_fixed() -> None:
    assert STANCE_CLASSES == ("agree", "disagree", "discuss", "unrelated")


def test_committed_artifact_loads_once_and_records_how_it_was_made() -> None:
    model = load_stance_model()
    assert isinstance(model, StanceModel)
    assert load_stance_model() is model
    meta = model.metadata
    assert set(meta["data_sha256"]) == {"train_bodies.csv", "train_stances.csv"}
    assert all(len(h) == 64 for h in meta["data_sha256"].values())
    assert meta["config"]["seed"] == meta["seeds"]["lightgbm"]
    assert meta["config"]["related_params"]["objective"] == "binary"
    dev = meta["dev_scores"]
    assert dev["n"] > 0
    assert 0 < dev["fnc_relative_pct"] <= 100
    assert set(dev["f1"]) == set(STANCE_CLASSES)
    assert len(dev["confusion"]) == 4


def test_predictions_have_the_documented_shape() -> None:
    model = load_stance_model()
    body = (
        "A meteorite crashed near the airport on Sunday, officials confirmed. "
        "The crater is five metres deep."
    )
    headlines = ["Meteorite crashes near airport", "Pop star releases new album", ""]
    probs = model.predict_proba(headlines, [body, body, body])
    assert probs.shape == (3, 4)
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert (probs >= 0).all()
    labels = model.predict(headlines, [body] * 3)
    assert labels[1] == "unrelated"
    assert all(label in STANCE_CLASSES for label in labels)
    assert model.predict_proba([], []).shape == (0, 4)
