"""The per-process cache of encoded bodies changes speed, never features or probabilities."""

from __future__ import annotations

import pickle

import numpy as np

from services.verify.stance import load_stance_model
from services.verify.stance.features import BodyCache, extract_features

_BODIES = [
    "A meteorite crashed near the airport on Sunday, officials confirmed. "
    "The crater is five metres deep.",
    "The story that a meteorite hit the airport is a hoax, the airport said. "
    "No crater was ever found, a spokesman denied it.",
    "Markets rose on Tuesday as investors welcomed the central bank's decision.",
    "",
]
_HEADS = ["Meteorite crashes near airport", "Bank decision lifts markets", "No meteorite fell"]


def test_features_are_the_same_cold_warm_and_without_the_cache() -> None:
    space = load_stance_model().space
    cache = BodyCache(space, maxsize=3)
    for round_ in range(3):
        # Rotate which bodies are cached, evicted and fresh within one batch.
        bodies = _BODIES[round_:] + _BODIES[:round_]
        heads = [_HEADS[(i + round_) % len(_HEADS)] for i in range(len(bodies))]
        heads, bodies = heads + heads[:2], bodies + bodies[:2][::-1]
        plain = extract_features(space, headlines=heads, bodies=bodies)
        cached = extract_features(space, headlines=heads, bodies=bodies, cache=cache)
        again = extract_features(space, headlines=heads, bodies=bodies, cache=cache)
        np.testing.assert_array_equal(plain, cached)
        np.testing.assert_array_equal(plain, again)
        assert len(cache) <= 3


def test_model_probabilities_match_the_uncached_path_and_the_cache_is_not_pickled() -> None:
    model = load_stance_model()
    heads = [_HEADS[i % len(_HEADS)] for i in range(len(_BODIES))]
    first = model.predict_proba(heads, _BODIES)
    second = model.predict_proba(heads, _BODIES)
    x = extract_features(model.space, headlines=heads, bodies=_BODIES)
    assert all(model.body_cache().get(body) is not None for body in _BODIES)
    np.testing.assert_array_equal(first, second)
    p_related = np.asarray(model.related.predict(x, num_threads=1), dtype=np.float64)
    p_stance = np.asarray(model.stance.predict(x, num_threads=1), dtype=np.float64)
    from services.verify.stance.model import combine_stages

    np.testing.assert_array_equal(
        first, combine_stages(p_related, p_stance.reshape(len(x), 3), model.weights)
    )
    assert "_body_cache" not in pickle.loads(pickle.dumps(model)).__dict__
