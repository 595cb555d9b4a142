"""AP, R-Precision and P@k against values worked out by hand."""

from __future__ import annotations

import pytest

from crosscheck.checkworthy.metrics import (
    average_precision,
    mean_scores,
    precision_at,
    r_precision,
    ranking_scores,
)


def test_average_precision_by_hand() -> None:
    # Ranked: 1, 0, 1, 0, 0 -> precision at the hits 1/1 and 2/3.
    labels = [0, 1, 0, 1, 0]
    scores = [0.5, 0.9, 0.3, 0.4, 0.1]
    assert average_precision(labels, scores) == pytest.approx((1 + 2 / 3) / 2)


def test_perfect_and_worst_rankings() -> None:
    labels = [1, 1, 0, 0]
    assert average_precision(labels, [4, 3, 2, 1]) == 1.0
    assert average_precision(labels, [1, 2, 3, 4]) == pytest.approx((1 / 3 + 2 / 4) / 2)


def test_no_relevant_sentence_scores_zero() -> None:
    assert average_precision([0, 0, 0], [0.3, 0.2, 0.1]) == 0.0
    assert r_precision([0, 0], [0.1, 0.2]) == 0.0


def test_r_precision_counts_the_top_r() -> None:
    # R = 2; the top two are one hit and one miss.
    assert r_precision([1, 0, 1, 0], [0.9, 0.8, 0.1, 0.05]) == 0.5


def test_precision_at_k_divides_by_k_even_past_the_end() -> None:
    labels = [1, 0, 1]
    scores = [0.9, 0.8, 0.7]
    assert precision_at(labels, scores, 1) == 1.0
    assert precision_at(labels, scores, 2) == 0.5
    assert precision_at(labels, scores, 5) == pytest.approx(2 / 5)
    with pytest.raises(ValueError):
        precision_at(labels, scores, 0)


def test_ties_keep_input_order() -> None:
    assert average_precision([0, 1], [0.5, 0.5]) == 0.5
    assert average_precision([1, 0], [0.5, 0.5]) == 1.0


def test_mean_is_over_debates() -> None:
    first = ranking_scores([1, 0], [0.9, 0.1])
    second = ranking_scores([0, 1], [0.9, 0.1])
    mean = mean_scores([first, second])
    assert mean.average_precision == pytest.approx((1.0 + 0.5) / 2)
    assert mean.precision_at[5] == pytest.approx(0.2)


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError):
        average_precision([1, 0], [0.5])
