"""The FNC-1 scorer against hand-computed cases."""

from __future__ import annotations

import pytest

from crosscheck.stance.scoring import confusion_matrix, evaluate, fnc_score, format_report


def test_unrelated_gold_scores_quarter_only_when_predicted_unrelated() -> None:
    assert fnc_score(["unrelated"], ["unrelated"]) == (0.25, 0.25)
    assert fnc_score(["unrelated"], ["discuss"]) == (0.0, 0.25)


@pytest.mark.parametrize(
    ("predicted", "raw"),
    [("agree", 1.0), ("disagree", 0.25), ("discuss", 0.25), ("unrelated", 0.0)],
)
def test_related_gold_scores_quarter_for_any_related_and_more_when_exact(
    predicted: str, raw: float
) -> None:
    assert fnc_score(["agree"], [predicted]) == (raw, 1.0)


def test_mixed_case_by_hand() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated", "discuss"]
    pred = ["agree", "discuss", "unrelated", "unrelated", "agree", "discuss"]
    # 1 + 0.25 + 0 + 0.25 + 0 + 1 = 2.5 of 1 + 1 + 1 + 0.25 + 0.25 + 1 = 4.5
    report = evaluate(gold, pred)
    assert (report.raw_score, report.max_score) == (2.5, 4.5)
    assert report.relative_score == pytest.approx(100 * 2.5 / 4.5)
    # agree: tp 1, 1 gold, 2 predicted -> 2/3; disagree: 0; discuss: tp 1, 2 gold, 2 predicted
    # -> 1/2; unrelated: tp 1, 2 gold, 2 predicted -> 1/2.
    assert report.f1 == pytest.approx(
        {"agree": 2 / 3, "disagree": 0.0, "discuss": 0.5, "unrelated": 0.5}
    )
    assert report.macro_f1 == pytest.approx((2 / 3 + 0.5 + 0.5) / 4)
    assert report.confusion == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1], [1, 0, 0, 1]]


def test_all_unrelated_predictor_gets_only_the_unrelated_share() -> None:
    gold = ["unrelated"] * 3 + ["discuss"]
    raw, best = fnc_score(gold, ["unrelated"] * 4)
    assert raw == 0.75
    assert best == 1.75


def test_confusion_rows_are_gold_and_columns_predicted() -> None:
    assert confusion_matrix(["disagree"], ["agree"])[1][0] == 1


def test_unknown_label_and_length_mismatch_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        evaluate(["agree"], ["agrees"])
    with pytest.raises(ValueError, match="length"):
        fnc_score(["agree"], [])


def test_report_renders_every_number() -> None:
    text = format_report(evaluate(["agree", "unrelated"], ["agree", "discuss"]))
    assert "FNC score: 1.00 / 1.25 = 80.00%" in text
    assert "macro-F1" in text
    assert "unrelated" in text.splitlines()[-1]
