"""Origins on real-shaped input: relays without attribution, states and their organs, hedges."""

from __future__ import annotations

from collections.abc import Sequence

from services.verify.assess import Assessment, assess
from services.verify.origins import CopyProbe, group_near_copies, merge_speakers, signature
from shared.schemas import Claim, ClaimKind
from tests.verify import scenario_claims as sc
from tests.verify.factories import article_id_for, claim, entity, keyword_stance

THRESHOLD = 0.6
BAGHDADI = sc.BAGHDADI
AP = dict(source="Associated Press", article_id="ap", published="2017-06-16T03:50:00+00:00")
BLOG = dict(
    source="Conservative Daily Post", article_id="blog", published="2017-06-16T14:00:00+00:00"
)
MINISTRY_AP = ("org:defense_ministry_russian", "The Russian Defense Ministry")
MINISTRY_BLOG = ("org:defence_ministry_russian", "the Russian Defence Ministry")


def _ap_claim(**kw: object) -> Claim:
    return claim(
        "ap-a",
        text="Abu Bakr al-Baghdadi was killed in a Russian strike in late May",
        entities=[BAGHDADI],
        speaker=MINISTRY_AP,
        **AP,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _blog() -> list[Claim]:
    stated = claim(
        "blog-s",
        text="Abu Bakr al-Baghdadi died in a Russian air strike near Raqqa, the ministry said",
        entities=[BAGHDADI],
        speaker=MINISTRY_BLOG,
        **BLOG,  # type: ignore[arg-type]
    )
    relayed = claim(
        "blog-u",
        text="Abu Bakr al-Baghdadi was killed in the Russian strike along with other commanders",
        entities=[BAGHDADI],
        **BLOG,  # type: ignore[arg-type]
    )
    return [stated, relayed]


def _run(subject: Claim, candidates: list[Claim], **kw: object) -> Assessment:
    return assess(
        claim=subject,
        candidates=[sc.Sourced(claim=c, body=c.text).candidate() for c in candidates],
        stance_fn=keyword_stance,
        near_copy_threshold=THRESHOLD,
        **kw,  # type: ignore[arg-type]
    )


def test_an_unattributed_sentence_relays_the_speaker_its_article_cites() -> None:
    ap = _ap_claim()
    stated, relayed = _blog()
    alone = _run(ap, [relayed])
    assert alone.independent_origins == 2  # without its article, the outlet looks first-hand
    result = _run(
        ap,
        [relayed],
        article_claims={article_id_for("blog"): [stated, relayed], article_id_for("ap"): [ap]},
    )
    assert result.independent_origins == 1
    assert {e.origin for e in result.evidence} == {result.score.own_origin}
    assert "relaying one statement by the Russian Defense Ministry" in result.explanation


def test_a_state_and_its_organs_are_one_source_about_one_event() -> None:
    surfaces = {
        "loc:russia": ["Russia"],
        "org:defense_ministry_russian": ["The Russian Defense Ministry", "the ministry", "It"],
        "org:military_russian": ["the Russian military"],
        "org:church_orthodox_russian": ["the Russian Orthodox Church"],
        "loc:syria": ["Syria"],
        "org:army_syrian": ["the Syrian army"],
    }
    merged = merge_speakers(surfaces, surfaces=surfaces)
    russia = merged["loc:russia"]
    assert merged["org:defense_ministry_russian"] == merged["org:military_russian"] == russia
    assert merged["org:church_orthodox_russian"] != russia  # not a state body
    assert merged["org:army_syrian"] == merged["loc:syria"] != russia
    assert (
        merge_speakers(surfaces)["loc:russia"] != merge_speakers(surfaces)["org:military_russian"]
    )  # without surfaces only spellings merge


def test_an_origin_hedging_the_assertion_elsewhere_hedges_it_here() -> None:
    ap = _ap_claim()
    hedged = claim(
        "ap-h",
        text="Abu Bakr al-Baghdadi attended the meeting and was killed in the Russian strike",
        entities=[BAGHDADI],
        speaker=MINISTRY_AP,
        hedges=["being verified"],
        **AP,  # type: ignore[arg-type]
    )
    stated, relayed = _blog()
    plain = _run(
        ap,
        [stated],
        article_claims={article_id_for("ap"): [ap], article_id_for("blog"): [stated, relayed]},
    )
    assert not plain.score.hedge_capped
    result = _run(
        ap,
        [stated],
        article_claims={
            article_id_for("ap"): [ap, hedged],
            article_id_for("blog"): [stated, relayed],
        },
    )
    assert result.score.hedge_capped and result.confidence <= 0.45
    assert "hedged where the same source repeats it ('being verified')" in result.explanation
    other_speaker = hedged.model_copy(
        update={
            "attribution": hedged.attribution.model_copy(  # type: ignore[union-attr]
                update={"speaker_key": "per:someone_else", "speaker": "a monitor"}
            )
        }
    )
    result = _run(
        ap,
        [stated],
        article_claims={
            article_id_for("ap"): [ap, other_speaker],
            article_id_for("blog"): [stated, relayed],
        },
    )
    assert not result.score.hedge_capped


def test_texts_of_one_article_are_never_near_copies_of_each_other() -> None:
    window = signature("The Russian military made a Facebook post. In this strike 300 were killed.")
    probes = {
        "a": CopyProbe(window=window, article_id="blog"),
        "b": CopyProbe(window=window, article_id="blog"),
        "c": CopyProbe(window=window, article_id="copy"),
    }
    groups = group_near_copies(probes, order=["a", "b", "c"], threshold=THRESHOLD)
    assert groups["a"] == "a" and groups["b"] == "b"
    assert groups["c"] == "a"


def test_a_relay_named_by_a_state_organ_is_a_witness_of_the_statement() -> None:
    attribution = _ap_claim().model_copy(update={"claim_id": "ap-s", "kind": ClaimKind.attribution})
    russia = claim(
        "blog-r",
        text="Russia claims Abu Bakr al-Baghdadi was killed in the Russian strike in late May",
        entities=[BAGHDADI, entity("loc:russia", "GPE", "Russia")],
        speaker=("loc:russia", "Russia"),
        **BLOG,  # type: ignore[arg-type]
    )
    result = _run(
        attribution,
        [russia],
        article_claims={article_id_for("blog"): [russia], article_id_for("ap"): [attribution]},
    )
    assert result.independent_origins == 2  # two outlets report the one statement
    assert "independently report that the Russian Defense Ministry made this statement" in (
        result.explanation
    )


def test_articles_are_read_only_for_candidates_that_survive_judging() -> None:
    ap = _ap_claim()
    stated, relayed = _blog()
    unrelated = claim(
        "farm-1",
        text="The county fair opened on Saturday with a record number of prize pumpkins",
        source="Harvest Weekly",
        article_id="farm",
    )
    stored = {
        article_id_for("ap"): [ap],
        article_id_for("blog"): [stated, relayed],
        article_id_for("farm"): [unrelated],
    }
    asked: list[list[str]] = []

    def read_articles(article_ids: Sequence[str]) -> dict[str, list[Claim]]:
        asked.append(list(article_ids))
        return {aid: stored[aid] for aid in asked[-1]}

    lazy = _run(ap, [relayed, unrelated], article_claims=read_articles)
    assert asked == [
        sorted([article_id_for("ap"), article_id_for("blog")])
    ]  # the pumpkin fair is judged unrelated: never read
    eager = _run(ap, [relayed, unrelated], article_claims=stored)
    assert lazy == eager
    assert lazy.independent_origins == 1  # the blog's article was read: it relays the ministry
