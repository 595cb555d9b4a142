"""``assess`` on the scenario articles and the seeds, with hand-built claims."""

from __future__ import annotations

import pytest

from services.verify.assess import Assessment, assess
from shared.schemas import EvidenceItem, ProviderCoverage, Stance, Verdict
from tests.verify import scenario_claims as sc
from tests.verify.factories import keyword_stance

THRESHOLD = 0.6


def run(subject: sc.Sourced, others: list[sc.Sourced], **kw: object) -> Assessment:
    return assess(
        claim=subject.claim,
        candidates=[o.candidate() for o in others],
        stance_fn=keyword_stance,
        near_copy_threshold=THRESHOLD,
        own_text=subject.body,
        **kw,  # type: ignore[arg-type]
    )


def test_three_independent_outlets_support_the_event() -> None:
    first, *others = sc.three_independent()
    result = run(first, others)
    assert result.verdict is Verdict.supported
    assert result.independent_origins == 3
    assert result.confidence >= 0.7
    assert not result.conflicts
    assert "Three independent origins report this" in result.explanation


def test_an_unrelated_article_from_the_same_place_and_day_is_not_evidence() -> None:
    first, *others = sc.three_independent()
    unrelated = sc.unrelated_same_place_date()
    result = run(first, [*others, unrelated])
    assert unrelated.claim.claim_id not in {e.claim_id for e in result.evidence}
    assert result == run(first, others)


def test_the_unrelated_article_finds_no_support_in_the_fire_reports() -> None:
    result = run(sc.unrelated_same_place_date(), sc.three_independent())
    assert result.evidence == []
    assert result.verdict is Verdict.unverified
    assert result.independent_origins == 1


def test_a_report_with_an_on_record_denial_is_disputed() -> None:
    report, denial = sc.report_then_denial()
    result = run(report, [denial])
    assert result.verdict is Verdict.disputed
    assert result.confidence < 0.3
    assert [e.stance for e in result.evidence] == [Stance.disagree]
    assert "contradicted by Valtrane Logistics" in result.explanation


def test_wire_copies_are_one_origin() -> None:
    copies = sc.wire_republished()
    for subject in copies:
        others = [c for c in copies if c is not subject]
        result = run(subject, others)
        assert result.independent_origins == 1
        assert result.verdict is Verdict.unverified
        assert result.confidence <= 0.5
        assert {e.origin for e in result.evidence} == {"outlet:meridian wire"}
        assert "near-copies of one story from Meridian Wire" in result.explanation


def test_wire_copies_are_found_from_sentence_windows_too() -> None:
    # Without stored article signatures, the windows around the claim are compared.
    first, *others = sc.wire_republished()
    result = assess(
        claim=others[0].claim,
        candidates=[
            first.candidate(with_signature=False),
            others[1].candidate(with_signature=False),
        ],
        stance_fn=keyword_stance,
        near_copy_threshold=THRESHOLD,
        own_text=others[0].body,
    )
    assert result.independent_origins == 1


def test_conflicting_death_tolls_are_disputed_and_named() -> None:
    herald, today = sc.conflicting_numbers()
    result = run(herald, [today])
    assert result.verdict is Verdict.disputed
    assert [(c.field, c.claim_value, c.evidence_value) for c in result.conflicts] == [
        ("quantity", "14", "at least 41")
    ]
    assert "Outlets disagree on the death toll: 14 vs at least 41." in result.explanation


@pytest.fixture(scope="module")
def seeds() -> dict[str, sc.Sourced]:
    return sc.seeds()


def test_seed_assertion_is_unverified_with_one_origin(seeds: dict[str, sc.Sourced]) -> None:
    others = [seeds["blog_assertion"], seeds["blog_attribution"]]
    result = run(seeds["ap_assertion"], others)
    assert result.verdict is Verdict.unverified
    assert result.confidence < 0.5
    assert result.independent_origins == 1
    assert {e.claim_id for e in result.evidence} >= {seeds["blog_assertion"].claim.claim_id}
    assert not result.conflicts  # about 300 vs over 300 fighters, late May vs 28 May agree
    text = result.explanation
    assert "relaying one statement by the Russian Defense Ministry" in text
    assert "hedged ('if confirmed')" in text
    assert "no independent confirmation" in text


def test_seed_attribution_is_supported_by_two_outlets(seeds: dict[str, sc.Sourced]) -> None:
    others = [seeds["blog_assertion"], seeds["blog_attribution"]]
    result = run(seeds["ap_attribution"], others)
    assert result.verdict is Verdict.supported
    assert result.confidence >= 0.7
    assert result.independent_origins == 2
    assert "independently report that the Russian Defense Ministry made this statement" in (
        result.explanation
    )


def test_seeds_are_symmetric(seeds: dict[str, sc.Sourced]) -> None:
    result = run(seeds["blog_assertion"], [seeds["ap_assertion"], seeds["ap_attribution"]])
    assert result.verdict is Verdict.unverified and result.independent_origins == 1
    result = run(seeds["blog_attribution"], [seeds["ap_assertion"], seeds["ap_attribution"]])
    assert result.verdict is Verdict.supported and result.confidence >= 0.7


def test_candidate_order_does_not_matter(seeds: dict[str, sc.Sourced]) -> None:
    everything = [*sc.three_independent(), sc.unrelated_same_place_date(), *sc.wire_republished()]
    subject = everything[0]
    others = everything[1:]
    assert run(subject, others) == run(subject, list(reversed(others)))


def test_a_relay_of_another_speaker_is_no_witness_of_the_statement(
    seeds: dict[str, sc.Sourced],
) -> None:
    blog = seeds["blog_attribution"]
    other_speaker = blog.claim.model_copy(
        update={
            "attribution": blog.claim.attribution.model_copy(  # type: ignore[union-attr]
                update={"speaker_key": "syrian_observatory", "speaker": "a monitoring group"}
            )
        }
    )
    result = run(seeds["ap_attribution"], [sc.Sourced(claim=other_speaker, body=blog.body)])
    assert result.independent_origins == 1
    assert result.verdict is Verdict.unverified


def test_fact_checks_and_a_denial_refute_a_report() -> None:
    report, denial = sc.report_then_denial()
    check = EvidenceItem(
        source="Port Facts",
        stance=Stance.disagree,
        text="Valtrane Logistics laid off 600 workers at its Port Elsin terminal (rated 'False')",
        origin="factcheck:portfacts",
        stance_probabilities={Stance.agree: 0.02, Stance.disagree: 0.9, Stance.discuss: 0.08},
        provider="factcheck",
    )
    result = run(report, [denial], external=[check])
    assert result.verdict is Verdict.refuted
    assert "contradicted by Port Facts and Valtrane Logistics" in result.explanation


def test_provider_outage_is_reported_not_fatal() -> None:
    first, *others = sc.three_independent()
    down = [ProviderCoverage(provider="factcheck", status="circuit_open")]
    result = run(first, others, coverage=down)
    assert result.verdict is Verdict.supported
    assert result.coverage == down
    assert result.explanation.endswith("External fact-checks could not be consulted (factcheck).")
