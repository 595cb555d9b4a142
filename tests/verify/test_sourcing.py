"""Origins that quote nobody weigh half a confirmation: headlines repeating a rumour."""

from __future__ import annotations

from services.verify.assess import CandidateEvidence, assess
from services.verify.explain import explain
from services.verify.scoring import Score, Signal, score
from shared.schemas import Claim, ClaimKind, Verdict
from tests.verify.factories import claim, entity, fixed_stance

AGREE = fixed_stance([0.9, 0.02, 0.06, 0.02])
GIRLS = [entity("loc:bosnia", "GPE", "Bosnia")]
RUMOUR = "Seven underage girls in Bosnia got pregnant on a five-day school trip"


def _confirming(origin: str, *, sourced: bool) -> Signal:
    return Signal(
        origin=origin, agree=0.9, disagree=0.0, discuss=0.1, relatedness=0.9, sourced=sourced
    )


def _verdict(*signals: Signal) -> Verdict:
    return score(
        signals=signals, own_origin="outlet:own", kind=ClaimKind.assertion, claim_hedged=False
    ).verdict


def test_unsourced_outlets_count_half() -> None:
    bare = [_confirming(f"outlet:bare{i}", sourced=False) for i in range(4)]
    assert _verdict(*bare[:2]) is not Verdict.supported
    assert _verdict(*bare[:3]) is not Verdict.supported
    assert _verdict(*bare) is Verdict.supported
    sourced = [_confirming(f"outlet:reporting{i}", sourced=True) for i in range(2)]
    assert _verdict(*sourced) is Verdict.supported
    assert _verdict(sourced[0], *bare[:2]) is Verdict.supported
    assert _verdict(sourced[0], bare[0]) is not Verdict.supported


def test_sourcing_does_not_matter_for_whether_a_statement_was_made() -> None:
    result = score(
        signals=[_confirming("outlet:bare", sourced=False)],
        own_origin="outlet:own",
        kind=ClaimKind.attribution,
        claim_hedged=False,
    )
    assert result.verdict is Verdict.supported and result.unsourced_origins == ()


def _headline(n: int) -> Claim:
    return claim(
        f"h{n}",
        text=f"Seven girls in Bosnia fall pregnant on five-day school trip (report {n})",
        source=f"outlet{n}.example",
        article_id=f"art-h{n}",
        entities=GIRLS,
    )


def _run(others: list[Claim], extra: dict[str, list[Claim]]) -> tuple[Verdict, str]:
    mine = claim("c", text=RUMOUR, source="claims.example", article_id="art-c", entities=GIRLS)
    article_claims = {c.article_id: [c, *extra.get(c.article_id, [])] for c in [mine, *others]}
    result = assess(
        claim=mine,
        candidates=[CandidateEvidence(claim=o) for o in others],
        stance_fn=AGREE,  # type: ignore[arg-type]
        near_copy_threshold=0.99,
        article_claims=article_claims,
    )
    return result.verdict, result.explanation


def test_an_outlet_that_quotes_someone_is_a_source_and_a_bare_headline_is_not() -> None:
    others = [_headline(1), _headline(2)]
    verdict, explanation = _run(others, {})
    assert verdict is Verdict.unverified
    assert "two of them cite no source of their own" in explanation
    # The same two outlets, whose articles each quote the school's director.
    quotes = {
        o.article_id: [
            claim(
                f"q{n}",
                text="The trip was supervised by four teachers, the school's director said",
                source=o.source,
                article_id=o.article_id,
                speaker=(f"per:director{n}", "the school's director"),
            )
        ]
        for n, o in enumerate(others)
    }
    verdict, explanation = _run(others, quotes)
    assert verdict is Verdict.supported, explanation
    assert "no source" not in explanation
    first = others[0].article_id
    verdict, explanation = _run(others, {first: quotes[first]})
    assert verdict is Verdict.unverified
    assert "one of them cites no source of its own" in explanation


def test_too_few_confirmations_names_the_reason_only_when_it_is_one() -> None:
    def judged(n: int) -> Score:
        return score(
            signals=[_confirming(f"outlet:bare{i}", sourced=False) for i in range(n)],
            own_origin="outlet:own",
            kind=ClaimKind.assertion,
            claim_hedged=False,
        )

    three, four = judged(3), judged(4)
    assert three.too_few_confirmations and three.confirmations == 1.5
    assert not four.too_few_confirmations


def test_an_origin_on_both_sides_is_named_when_it_blocks_support() -> None:
    backing = [_confirming(f"outlet:reporting{i}", sourced=True) for i in range(3)]
    against = Signal(
        origin="outlet:reporting0", agree=0.1, disagree=0.6, discuss=0.3, relatedness=0.5
    )
    judged = score(
        signals=[*backing, against],
        own_origin="outlet:own",
        kind=ClaimKind.assertion,
        claim_hedged=False,
    )
    assert judged.verdict is not Verdict.supported and judged.confidence >= 0.6
    text = explain(
        claim=claim("c", text=RUMOUR, source="claims.example", entities=GIRLS),
        score=judged,
        evidence=[],
        conflicts=[],
        names={"outlet:reporting0": "Reporting Zero"},
    )
    assert "Reporting Zero also reports against it" in text, text


def test_small_doubts_that_add_up_are_named_when_they_block_support() -> None:
    backing = [_confirming(f"outlet:reporting{i}", sourced=True) for i in range(3)]
    # Each too weak to be named as contradicting the claim; together enough to hold it back.
    doubts = [
        Signal(origin=f"outlet:doubt{i}", agree=0.3, disagree=0.4, discuss=0.3, relatedness=0.9)
        for i in range(3)
    ]
    judged = score(
        signals=[*backing, *doubts],
        own_origin="outlet:own",
        kind=ClaimKind.assertion,
        claim_hedged=False,
    )
    assert judged.opposing_origins == ()
    assert judged.verdict is Verdict.unverified and judged.held_back_by_opposition
    text = explain(
        claim=claim("c", text=RUMOUR, source="claims.example", entities=GIRLS),
        score=judged,
        evidence=[],
        conflicts=[],
        names={"outlet:doubt0": "Doubt Zero", "outlet:doubt1": "Doubt One"},
    )
    assert "weaker doubts from Doubt Zero and Doubt One keep it from being confirmed" in text
    # Without them the same support is confirmed, and nothing of the kind is said.
    alone = score(
        signals=backing, own_origin="outlet:own", kind=ClaimKind.assertion, claim_hedged=False
    )
    assert alone.verdict is Verdict.supported and not alone.held_back_by_opposition
