"""An article's claims on fakeredis: one frame in its hash, joined back with the article."""

from __future__ import annotations

import fakeredis
import pytest

from shared import ids
from shared.errors import InvalidInput
from shared.redis_client import raw_command
from shared.schemas import Claim, ClaimKind, Modality, StoredArticle
from shared.storage import articles, claims, codec, inflight, keys
from shared.storage.claims import ClaimCache
from tests.shared.articles import article_and_first_claim, sentence_claims, stored_article
from tests.verify import scenario_claims as sc

ARTICLE = "3fa2c1d07b9e4a65"  # as ingest names articles: 16 hex digits
BODY = (
    "The council said 40 homes flooded overnight in Dornholm. "
    "Rain is expected to continue until Friday. "
    "The Kestrel Valley depot closed its gates at noon."
)


def _save(client: fakeredis.FakeRedis, article: StoredArticle, made: list[Claim]) -> None:
    """As ingest and the extract task store them: the article first, then its claims."""
    if not client.exists(keys.article(article.article_id)):
        articles.save_article(client, article)
    claims.save_claims(client, article=article, claims=made)


def test_claim_ids_name_their_article() -> None:
    claim_id = ids.claim_id(article_id=ARTICLE, kind="assertion", start=0, end=56)
    assert claim_id == ids.claim_id(article_id=ARTICLE, kind="assertion", start=0, end=56)
    assert ids.parse_claim_id(claim_id) == (ARTICLE, claim_id[-8:])
    assert ids.claim_id(article_id=ARTICLE, kind="attribution", start=0, end=56) != claim_id
    for other in ("9e79db93a9040157", "c1", "a.b", f"{ARTICLE}.0x12abcd", f".{'0' * 8}"):
        assert ids.parse_claim_id(other) is None
        with pytest.raises(InvalidInput):
            ids.split_claim_id(other)


def test_an_articles_claims_are_one_value_of_its_hash(fake_redis: fakeredis.FakeRedis) -> None:
    article = stored_article(ARTICLE, BODY)
    made = sentence_claims(article)
    _save(fake_redis, article, made)
    # No key per claim: the article's hash and its pending set.
    assert sorted(fake_redis.scan_iter()) == sorted(
        [keys.article(ARTICLE), keys.article_pending(ARTICLE)]
    )
    text = codec.unpack(raw_command(fake_redis, "HGET", keys.article(ARTICLE), keys.ARTICLE_CLAIMS))
    # Nothing the article holds is stored again: no text, outlet, time or article id.
    assert article.body[:20] not in text and article.source not in text and ARTICLE not in text

    ids_ = [c.claim_id for c in made]
    assert claims.article_claim_ids(fake_redis, ARTICLE) == ids_
    assert claims.article_claim_ids(fake_redis, "0123456789abcdef") == []
    assert claims.get_claims(fake_redis, [ids_[2], "missing", ids_[0]]) == [made[2], made[0]]
    cache = ClaimCache(fake_redis)
    assert cache.claims(ids_) == made
    assert cache.article_claims([ARTICLE, "none"]) == {ARTICLE: made, "none": []}
    # A local part no claim has is no claim.
    assert claims.get_claims(fake_redis, [f"{ARTICLE}.00000000"]) == []


def test_saving_claims_twice_is_idempotent(fake_redis: fakeredis.FakeRedis) -> None:
    article = stored_article(ARTICLE, BODY)
    made = sentence_claims(article)
    inflight.watch(fake_redis, article_id=ARTICLE, until=1.0)
    _save(fake_redis, article, made)
    claims.save_claims(fake_redis, article=article, claims=made, stall_deadline=99.0, language="fr")
    assert fake_redis.zscore(keys.inflight(), ARTICLE) == 99.0
    assert claims.article_claim_ids(fake_redis, ARTICLE) == [c.claim_id for c in made]
    assert fake_redis.smembers(keys.article_pending(ARTICLE)) == {c.claim_id for c in made}
    stored = articles.get_article(fake_redis, ARTICLE)
    assert stored is not None and stored.detected_language == "fr" and stored.body == BODY


def test_every_field_reads_back_equal(fake_redis: fakeredis.FakeRedis) -> None:
    stories = [*sc.three_independent(), *sc.report_then_denial(), *sc.conflicting_numbers()]
    for story in stories:
        article = stored_article(story.claim.article_id, story.body)
        full = story.claim.model_copy(
            update={
                "claim_id": ids.claim_id(
                    article_id=article.article_id, kind="attribution", start=0, end=0
                ),
                "kind": ClaimKind.attribution,
                "parent_claim_id": story.claim.claim_id,
                "subject": "fire",
                "predicate": "force",
                "object": "residents",
                "modality": Modality(hedges=["reportedly"], negated=True),
                "language": "de",
                "source": "Another outlet",
            }
        )
        _save(fake_redis, article, [story.claim, full])
        assert claims.get_claims(fake_redis, [story.claim.claim_id, full.claim_id]) == [
            story.claim,
            full,
        ]
        assert ClaimCache(fake_redis).claims([full.claim_id]) == [full]


def test_a_claim_not_of_its_article_is_refused_before_anything_is_written(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    article = stored_article(ARTICLE, BODY)
    (first, *_) = sentence_claims(article)
    other = sentence_claims(stored_article("0123456789abcdef", BODY))[0]
    for wrong in (first.model_copy(update={"claim_id": "c1"}), other):
        with pytest.raises(InvalidInput):
            claims.save_claims(fake_redis, article=article, claims=[first, wrong])
    assert not list(fake_redis.scan_iter())


def test_claims_whose_article_is_gone_read_as_missing(fake_redis: fakeredis.FakeRedis) -> None:
    article, claim = article_and_first_claim(
        "The mayor said 40 homes flooded overnight. Rain is expected to continue.",
        article_id=ARTICLE,
        number="40",
    )
    _save(fake_redis, article, [claim])
    assert claims.get_claims(fake_redis, [claim.claim_id]) == [claim]
    # crosscheck never deletes an article, but a store restored in part could lack one:
    # its claims then read as missing, never as claims without their text.
    fake_redis.hdel(keys.article(ARTICLE), keys.ARTICLE_DOC)
    assert claims.get_claims(fake_redis, [claim.claim_id]) == []
    assert ClaimCache(fake_redis).claims([claim.claim_id]) == []


def test_a_frame_is_parsed_claim_by_claim_and_again_only_when_it_changed(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    article = stored_article(ARTICLE, BODY)
    made = sentence_claims(article)
    _save(fake_redis, article, made)
    cache = ClaimCache(fake_redis)
    first = cache.claims([made[0].claim_id])
    again = cache.claims([made[0].claim_id])
    assert first == again == [made[0]] and again[0] is first[0]  # from the cache
    # Only the claim asked for was parsed; the article's whole list parses the rest.
    assert cache.parsed_locals(ARTICLE) == [made[0].claim_id[-8:]]
    whole = cache.article_claims([ARTICLE])[ARTICLE]
    assert whole == made and whole[0] is first[0]
    # Re-extracted with another claim: the new frame is read, not the cached one.
    changed = [made[0].model_copy(update={"checkworthiness": 0.2}), *made[1:]]
    _save(fake_redis, article, changed)
    assert cache.claims([made[0].claim_id]) == [changed[0]]
