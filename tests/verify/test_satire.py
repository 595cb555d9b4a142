"""Satire outlets confirm nothing, and a story only they and their echoes carry is disputed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from services.verify.assess import Assessment, CandidateEvidence, assess
from services.verify.satire import is_satire
from services.verify.scoring import Signal, score
from shared.schemas import Claim, ClaimKind, Verdict
from shared.settings import Settings
from tests.verify.factories import claim, entity, fixed_stance

AGREE = fixed_stance([0.9, 0.02, 0.06, 0.02])
KFC = [entity("org:kfc", "ORG", "KFC"), entity("loc:colorado", "GPE", "Colorado")]


@pytest.mark.parametrize(
    ("source", "listed"),
    [
        ("nationalreport.net", True),
        ("www.theonion.com", True),
        ("https://www.duffelblog.com/2014/12/elf-on-a-shelf/", True),
        ("news.theonion.com", True),
        ("The Onion", True),
        ("the onion", True),
        ("World News Daily Report", True),
        ("abcnews.com.co", True),  # a look-alike of a real outlet
        ("abcnews.go.com", False),  # the real one
        ("onion.com", False),
        ("Reuters", False),
        ("www.reuters.com", False),
    ],
)
def test_sources_are_matched_as_domains_or_as_names(source: str, listed: bool) -> None:
    assert is_satire(source) is listed


def test_operators_add_outlets_as_domains_or_names() -> None:
    extra = ["spoof.example", "The Daily Joke"]
    assert is_satire("www.spoof.example", extra) and is_satire("The Daily Joke", extra)
    assert not is_satire("spoof.example") and not is_satire("The Daily Joke")
    settings = Settings(satire_outlets="spoof.example, The Daily Joke")  # type: ignore[arg-type]
    assert settings.satire_outlets == extra


def _signal(origin: str, *, satire: bool = False, sourced: bool = True) -> Signal:
    return Signal(
        origin=origin,
        agree=0.9,
        disagree=0.0,
        discuss=0.1,
        relatedness=0.9,
        satire=satire,
        sourced=sourced,
    )


def _score(*signals: Signal, own_satire: bool = False) -> tuple[Verdict, bool, int]:
    result = score(
        signals=signals,
        own_origin="outlet:own",
        kind=ClaimKind.assertion,
        claim_hedged=False,
        own_satire=own_satire,
    )
    return result.verdict, result.satire_doubt, result.independent_origins


def test_a_satire_outlet_confirms_nothing_and_disputes_an_unconfirmed_claim() -> None:
    assert _score() == (Verdict.unverified, False, 1)
    assert _score(_signal("outlet:spoof", satire=True)) == (Verdict.disputed, True, 1)
    # Echoes that quote nobody do not lift the doubt...
    echoes = [_signal(f"outlet:echo{i}", sourced=False) for i in range(2)]
    assert _score(*echoes, _signal("outlet:spoof", satire=True))[:2] == (Verdict.disputed, True)
    # ...two independent reporting outlets do.
    reports = [_signal(f"outlet:report{i}") for i in range(2)]
    assert _score(*reports, _signal("outlet:spoof", satire=True)) == (Verdict.supported, False, 3)


def test_a_claim_whose_own_article_is_satire_is_disputed() -> None:
    assert _score(own_satire=True)[:2] == (Verdict.disputed, True)
    reports = [_signal(f"outlet:report{i}") for i in range(2)]
    assert _score(*reports, own_satire=True)[:2] == (Verdict.supported, False)


def test_a_satire_item_that_does_not_carry_the_claim_is_no_doubt() -> None:
    unrelated = Signal(
        origin="outlet:spoof", agree=0.1, disagree=0.1, discuss=0.8, relatedness=0.9, satire=True
    )
    assert _score(unrelated) == (Verdict.unverified, False, 1)


def _kfc(
    n: int, source: str, text: str = "KFC gets licence to sell marijuana in Colorado"
) -> Claim:
    return claim(
        f"k{n}",
        text=text,
        source=source,
        article_id=f"art-k{n}",
        entities=KFC,
    )


RUMOUR = claim(
    "c",
    text="KFC restaurants in Colorado will start selling marijuana",
    source="claims.example",
    article_id="art-c",
    entities=KFC,
)


def _assess(
    others: list[Claim], *, near_copy_threshold: float = 0.99, extra: Sequence[str] = ()
) -> Assessment:
    return assess(
        claim=RUMOUR,
        candidates=[CandidateEvidence(claim=o) for o in others],
        stance_fn=AGREE,  # type: ignore[arg-type]
        near_copy_threshold=near_copy_threshold,
        article_claims={c.article_id: [c] for c in [RUMOUR, *others]},
        satire_outlets=extra,
    )


def test_the_explanation_names_the_satire_outlet_and_it_is_not_an_origin() -> None:
    echo = _kfc(2, "echo.example", "Colorado KFC restaurants to sell marijuana, site says")
    result = _assess([_kfc(1, "theracketreport.com"), echo])
    assert result.verdict is Verdict.disputed
    assert result.confidence <= 0.4
    assert "theracketreport.com, which publishes satire or invented stories" in (result.explanation)
    assert "outlet:theracketreport" not in result.score.supporting_origins
    # The satire item is still shown, so a reader sees what was carried.
    assert {e.source for e in result.evidence} == {"theracketreport.com", "echo.example"}
    # Listed by the operator, an outlet counts the same way.
    others = [_kfc(1, "jokes.example"), echo]
    assert _assess(others).verdict is not Verdict.disputed
    assert _assess(others, extra=["jokes.example"]).verdict is Verdict.disputed


def test_a_copy_of_a_satire_article_is_satire_named_by_its_original() -> None:
    # Posted later, word for word: the copy speaks with the satire outlet's voice.
    original, copy = _kfc(1, "theracketreport.com"), _kfc(2, "copier.example")
    copy = copy.model_copy(update={"published_at": copy.published_at + timedelta(hours=1)})
    result = _assess([original, copy], near_copy_threshold=0.9)
    assert result.verdict is Verdict.disputed
    assert "carried by theracketreport.com, which publishes" in result.explanation
    assert "copier.example" not in result.explanation


def test_a_satire_outlet_counts_once_however_many_of_its_items_carry_the_claim() -> None:
    def opposition(*signals: Signal) -> float:
        return score(
            signals=signals, own_origin="outlet:own", kind=ClaimKind.assertion, claim_hedged=False
        ).opposition

    one = _signal("outlet:spoof", satire=True)
    assert opposition(one) == opposition(one, one) == pytest.approx(0.5)
    assert opposition(one, _signal("outlet:other-spoof", satire=True)) == pytest.approx(0.75)
