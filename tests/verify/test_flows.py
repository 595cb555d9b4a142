"""The verify flow's loading on fakeredis: candidates with the windows and signatures of
their stored articles."""

from __future__ import annotations

from datetime import UTC, datetime

import fakeredis

from services.verify import flows
from services.verify.assess import Assessment, CandidateEvidence, assess
from services.verify.origins import estimated_jaccard
from shared.schemas import StoredArticle
from shared.storage import articles, claims
from tests.verify import scenario_claims as sc
from tests.verify.factories import keyword_stance


def _store(client: fakeredis.FakeRedis, stories: list[sc.Sourced]) -> flows.Corpus:
    """The stories' articles and claims as the extract task stores them, indexed."""
    for s in stories:
        article = StoredArticle(
            article_id=s.claim.article_id,
            body=s.body,
            source=s.claim.source,
            received_at=datetime(2025, 5, 1, tzinfo=UTC),
        )
        articles.save_article(client, article)
        claims.save_claims(client, article=article, claims=[s.claim])
    corpus = flows.Corpus.open(client)
    for s in stories:
        flows.make_findable(corpus, claim=s.claim, body=flows.article_text(corpus, s.claim))
    return corpus


def judge(subject: sc.Sourced, candidates: list[CandidateEvidence]) -> Assessment:
    return assess(
        claim=subject.claim,
        candidates=candidates,
        stance_fn=keyword_stance,
        near_copy_threshold=0.6,
        own_text=subject.body,
    )


def test_candidates_carry_the_windows_and_signatures_the_stored_ones_were(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    stories = [*sc.three_independent(), *sc.wire_republished(), sc.unrelated_same_place_date()]
    corpus = _store(fake_redis, stories)
    by_id = {s.claim.claim_id: s for s in stories}
    for subject in stories:
        loaded = flows.load_candidates(corpus, subject.claim, cap=10)
        assert loaded, subject.claim.claim_id
        for got in loaded:
            # What make_findable stored before: the window cut from the whole body.
            want = by_id[got.claim.claim_id].candidate()
            assert got.excerpt == want.excerpt
            assert got.signature is not None and want.signature is not None
            # The stored article signature keeps each slot's low 16 bits, the part compared.
            assert estimated_jaccard(got.signature, want.signature) == 1.0
        expected = [by_id[c.claim.claim_id].candidate() for c in loaded]
        assert judge(subject, loaded) == judge(subject, expected)


def test_a_candidate_without_its_body_falls_back_to_its_own_text(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    first, second, _ = sc.three_independent()
    _store(fake_redis, [first])
    assert flows.window(second.claim, None) == second.claim.text
    corpus = flows.Corpus.open(fake_redis)
    assert flows.article_text(corpus, first.claim) == first.body
    assert flows.article_text(corpus, second.claim) == second.claim.text
