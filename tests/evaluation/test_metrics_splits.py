"""The harness's pure parts: figures, splits, the reference rule, the CSV readers."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.evaluation.linking import read_stories, sample_stories
from crosscheck.evaluation.metrics import classification_report
from crosscheck.evaluation.splits import in_split, split_of
from crosscheck.evaluation.veracity import gold_stance_rule, read_emergent, sentence_of


def test_classification_report_counts_and_macro_f1() -> None:
    report = classification_report(
        ["true", "false", "unknown", "unknown"],
        ["true", "true", "unknown", "false"],
        labels=("true", "false", "unknown"),
    )
    assert report.accuracy == 0.5
    assert report.precision["true"] == 0.5
    assert report.precision["false"] == 0.0
    assert report.recall["unknown"] == 0.5
    assert report.confusion["false"]["true"] == 1
    # F1: true 2/3, false 0, unknown 2/3.
    assert report.macro_f1 == pytest.approx((2 / 3 + 0 + 2 / 3) / 3, abs=1e-3)


def test_a_class_never_predicted_has_no_precision() -> None:
    report = classification_report(["true"], ["unknown"], labels=("true", "unknown"))
    assert report.precision["true"] is None
    assert report.f1["true"] == 0.0


def test_splits_are_fixed_by_seed_and_partition_the_groups() -> None:
    groups = [f"claim-{i}" for i in range(200)]
    dev, fit = in_split(groups, "dev"), in_split(groups, "fit")
    assert dev.isdisjoint(fit) and dev | fit == set(groups)
    assert 40 < len(dev) < 120
    assert all(split_of(g) == "dev" for g in dev)
    assert in_split(groups, "dev", seed=21) != dev


def test_gold_stance_rule() -> None:
    assert gold_stance_rule(["for", "against", "against"]) == "false"
    assert gold_stance_rule(["for", "for", "observing"]) == "true"
    assert gold_stance_rule(["for", "for", "against"]) == "unknown"
    assert gold_stance_rule(["observing"]) == "unknown"


def test_sentence_of_adds_a_stop_only_when_missing() -> None:
    assert sentence_of("Man bites dog") == "Man bites dog."
    assert sentence_of("Did a man bite a dog?") == "Did a man bite a dog?"


def test_read_emergent_refuses_a_file_without_its_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("claimId,claimHeadline\n1,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        read_emergent(bad)


def test_read_emergent_groups_headlines_by_claim(tmp_path: Path) -> None:
    data = tmp_path / "e.csv"
    data.write_text(
        "claimId,claimHeadline,claimTruth,articleId,articleHeadline,articleHeadlineStance,source,url\n"
        "c1,A happened,true,a1,A happened today,for,x.com,\n"
        "c1,A happened,true,a2,A did not happen,against,Y.com,\n"
        "c2,B happened,unknown,a3,B may have happened,observing,x.com,\n",
        encoding="utf-8",
    )
    claims = read_emergent(data)
    assert [c.claim_id for c in claims] == ["c1", "c2"]
    assert [h.source for h in claims[0].headlines] == ["x.com", "y.com"]
    assert claims[1].truth == "unknown"


def test_stories_join_bodies_related_to_one_headline(tmp_path: Path) -> None:
    bodies = tmp_path / "b.csv"
    stances = tmp_path / "s.csv"
    bodies.write_text(
        'Body ID,articleBody\n1,"one"\n2,"two"\n3,"three"\n4,"four"\n', encoding="utf-8"
    )
    stances.write_text(
        "Headline,Body ID,Stance\n"
        "H1,1,agree\nH1,2,discuss\nH1,3,unrelated\n"
        "H2,3,disagree\nH2,4,agree\nH2,1,unrelated\n",
        encoding="utf-8",
    )
    stories, texts = read_stories(bodies_path=bodies, stances_path=stances)
    assert [s.body_ids for s in stories] == [("1", "2"), ("3", "4")]
    assert texts["3"] == "three"
    one = sample_stories(stories, split="all", seed=1, count=1, max_bodies=2)
    assert len(one) == 1 and len(one[0].body_ids) == 2
