"""The verify flow's loading on fakeredis: windows cut from bodies, bodies read once."""

from __future__ import annotations

from datetime import UTC, datetime

import fakeredis
import pytest

from services.verify import bodies, flows
from services.verify.assess import Assessment, CandidateEvidence, assess
from services.verify.origins import estimated_jaccard
from shared import compact, keys, store
from shared.schemas import StoredArticle
from tests.verify import scenario_claims as sc
from tests.verify.factories import keyword_stance


def _store(client: fakeredis.FakeRedis, stories: list[sc.Sourced]) -> None:
    for s in stories:
        store.save_article(
            client,
            StoredArticle(
                article_id=s.claim.article_id,
                body=s.body,
                source=s.claim.source,
                received_at=datetime(2025, 5, 1, tzinfo=UTC),
            ),
        )
        client.set(keys.claim(s.claim.claim_id), compact.stored_claim(s.claim))
    for s in stories:
        flows.make_findable(client, claim=s.claim, body=flows.article_text(client, s.claim))


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
    _store(fake_redis, stories)
    assert not [k for k in fake_redis.scan_iter() if k.endswith(":context")]
    by_id = {s.claim.claim_id: s for s in stories}
    for subject in stories:
        loaded = flows.load_candidates(fake_redis, subject.claim, cap=10)
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


def test_a_candidate_without_its_article_falls_back_to_its_own_text(
    fake_redis: fakeredis.FakeRedis, fake_server: fakeredis.FakeServer
) -> None:
    first, second, _ = sc.three_independent()
    _store(fake_redis, [first, second])
    fake_redis.delete(keys.article(second.claim.article_id))
    fresh = fakeredis.FakeRedis(server=fake_server, decode_responses=True)
    (loaded,) = flows.load_candidates(fresh, first.claim, cap=10)
    assert loaded.excerpt == second.claim.text
    assert flows.article_text(fresh, second.claim) == second.claim.text


def _count_body_reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The article ids of every body read from the store from now on."""
    reads: list[list[str]] = []
    real = store.get_bodies

    def counting(client: fakeredis.FakeRedis, article_ids: list[str]) -> dict[str, str]:
        reads.append(list(article_ids))
        return real(client, article_ids)

    monkeypatch.setattr(store, "get_bodies", counting)
    return reads


def test_bodies_are_read_once_per_client(
    fake_redis: fakeredis.FakeRedis,
    fake_server: fakeredis.FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stories = sc.three_independent()
    _store(fake_redis, stories)
    reads = _count_body_reads(monkeypatch)
    ids = [s.claim.article_id for s in stories]
    client = fakeredis.FakeRedis(server=fake_server, decode_responses=True)
    assert bodies.load_bodies(client, [*ids, ids[0], "missing"]) == {
        s.claim.article_id: s.body for s in stories
    }
    assert bodies.load_bodies(client, ids[:2]) == {s.claim.article_id: s.body for s in stories[:2]}
    assert reads == [[*ids, "missing"], []]


def test_the_body_cache_drops_the_least_recently_used_beyond_its_budget(
    fake_redis: fakeredis.FakeRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f"a{i}" for i in range(5)]
    for i, article_id in enumerate(ids):
        store.save_article(
            fake_redis,
            StoredArticle(
                article_id=article_id,
                body=str(i) * 1000,
                source="Outlet",
                received_at=datetime(2025, 5, 1, tzinfo=UTC),
            ),
        )
    monkeypatch.setattr(bodies, "CACHED_CHARS", 4000)  # four bodies
    reads = _count_body_reads(monkeypatch)
    for article_id in ids:
        bodies.load_bodies(fake_redis, [article_id])
    bodies.load_bodies(fake_redis, ids[1:])
    assert reads == [[i] for i in ids] + [[]]
    assert bodies.load_bodies(fake_redis, ids[:1]) == {"a0": "0" * 1000}
    assert reads[-1] == ["a0"]
