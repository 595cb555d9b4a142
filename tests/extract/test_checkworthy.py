"""The check-worthiness model in the extractor: scores, gates, artifact, apostrophes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from services.extract.checkworthy import load_checkworthy_model
from services.extract.checkworthy.features import FeatureSpace, count_features
from services.extract.checkworthy.gates import Shape, is_statement
from services.extract.checkworthy.model import read_model, write_model
from services.extract.claims import extract_claims
from services.extract.segment import plain_apostrophes
from services.extract.sentences import read_block
from shared.errors import ModelUnavailable
from tests.extract.conftest import ArticleFactory, constant_checkworthy_model

_BODY = (
    "Floods killed 23 people in Valtrena province on Tuesday, the regional governor said.\n\n"
    "Is the dam safe?\n\n"
    "About 1,200 homes lost power after the river rose four metres overnight."
)


def test_the_extractor_takes_its_scores_from_the_model(
    nlp: Language, make_article: ArticleFactory
) -> None:
    article = make_article(_BODY)
    high = extract_claims(
        nlp=nlp, article=article, threshold=0.5, model=constant_checkworthy_model(0.9)
    ).claims
    assert high and {c.checkworthiness for c in high} == {0.9}
    assert not any("dam safe" in c.text for c in high)  # a question is never a claim
    low = extract_claims(
        nlp=nlp, article=article, threshold=0.5, model=constant_checkworthy_model(0.1)
    ).claims
    assert low == []


def test_the_committed_model_ranks_a_statistic_above_small_talk() -> None:
    model = load_checkworthy_model()
    scores = model.score(
        [
            "Thank you very much, it is great to be here tonight.",
            "We lose 33,000 people a year already to gun violence.",
            "Thank you.",
        ]
    )
    assert scores.shape == (3,) and all(0.0 <= s <= 1.0 for s in scores)
    assert scores[1] > max(scores[0], scores[2])


def test_scores_do_not_depend_on_apostrophe_style() -> None:
    model = load_checkworthy_model()
    straight = model.score(["It's the biggest tax cut since Reagan, I'm told."])
    curly = model.score(["It\u2019s the biggest tax cut since Reagan, I\u2019m told."])
    assert straight == pytest.approx(curly)


def test_curly_apostrophes_are_parsed_like_straight_ones(
    nlp: Language, make_article: ArticleFactory
) -> None:
    body = (
        "It's the largest flood the city has recorded since 1953, officials said on Monday.\n\n"
        "I'm sure the council will approve the 40 million euro plan next week."
    )
    straight = extract_claims(nlp=nlp, article=make_article(body)).claims
    curly = extract_claims(nlp=nlp, article=make_article(body.replace("'", "\u2019"))).claims
    assert straight, "the flood sentence is a claim"
    assert [(c.start, c.end, c.predicate, c.checkworthiness) for c in curly] == [
        (c.start, c.end, c.predicate, c.checkworthiness) for c in straight
    ]
    assert not any("council" in c.text for c in curly)  # "I'm" is an opinion cue


def test_plain_apostrophes_keeps_length() -> None:
    text = "It\u2019s \u2018quoted\u2019 and I\u2019m here"
    plain = plain_apostrophes(text)
    assert plain == "It's \u2018quoted' and I'm here" and len(plain) == len(text)


@pytest.mark.parametrize(
    ("change", "kept"),
    [
        ({}, True),
        ({"question": True}, False),
        ({"imperative": True}, False),
        ({"heading": True}, False),
        ({"has_finite_verb": False}, False),
        ({"n_tokens": 4}, False),
        ({"opinion_cues": 1}, False),
        ({"writer_first_person": True}, False),
    ],
)
def test_gates(change: dict[str, object], kept: bool) -> None:
    base: dict[str, object] = {
        "n_tokens": 12,
        "has_finite_verb": True,
        "question": False,
        "imperative": False,
        "heading": False,
        "opinion_cues": 0,
        "writer_first_person": False,
    }
    assert is_statement(Shape(**(base | change))) is kept  # type: ignore[arg-type]


def test_artifact_round_trip_is_exact_and_reproducible(tmp_path: Path) -> None:
    model = load_checkworthy_model()
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    write_model(model, first)
    write_model(read_model(first), second)
    assert first.read_bytes() == second.read_bytes()
    sentences = ["Unemployment fell to 4.1 percent in March.", "Good evening."]
    assert read_model(second).score(sentences) == pytest.approx(model.score(sentences))


def test_unreadable_artifacts_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable):
        read_model(tmp_path / "missing.zip")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelUnavailable):
        read_model(junk)


def test_neighbours_are_context() -> None:
    counts = count_features(["First line.", "Second line.", "Third line."])
    space = FeatureSpace(word_idf=np.ones(counts.words.shape[1]))
    x = space.transform(counts).toarray()
    width = counts.words.shape[1]
    previous, following = x[:, width : 2 * width], x[:, 2 * width : 3 * width]
    assert not previous[0].any() and not following[2].any()
    assert np.allclose(previous[1], 0.5 * x[0, :width])
    assert np.allclose(following[1], 0.5 * x[2, :width])


@pytest.mark.parametrize(
    ("sentence", "first_person"),
    [
        ("We opened the plant in 1998 with 400 workers.", True),
        ("You can see the plant, which opened in 1998, from the motorway.", False),
    ],
)
def test_second_person_is_not_the_writers_voice(
    nlp: Language, sentence: str, first_person: bool
) -> None:
    (facts,), _ = read_block(nlp(sentence), block=0, shift=0, published=date(2020, 1, 1))
    assert facts.first_person is first_person
