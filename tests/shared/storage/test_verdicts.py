"""Verdicts on fakeredis: one frame per article, versioned, read back whole; the article's
verification bookkeeping."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import fakeredis
import pytest
import redis

from shared import ids
from shared.errors import StoreContention
from shared.redis_client import raw_command
from shared.schemas import ArticleStatus, Claim, Verdict, VerdictDoc
from shared.settings import Settings
from shared.storage import articles, claims, codec, inflight, keys, verdicts
from shared.storage.listing import publish
from shared.storage.verdicts import ClaimDone, publish_and_mark_all, save_verdicts
from tests.shared.articles import sentence_claims, stored_article
from tests.shared.verdicts import assessed_verdict, verdict_for
from tests.verify import scenario_claims as sc

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
ARTICLE = "3fa2c1d07b9e4a65"
BODY = "Forty homes flooded. Rain will continue. The depot closed at noon."


def _stored(
    client: fakeredis.FakeRedis, *, status: ArticleStatus = ArticleStatus.verifying
) -> list[Claim]:
    """The article's three sentence claims, stored as the extract task leaves them."""
    article = stored_article(ARTICLE, BODY).model_copy(update={"status": status})
    articles.save_article(client, article)
    made = sentence_claims(article)
    claims.save_claims(client, article=article, claims=made)
    return made


def _store_stories(client: fakeredis.FakeRedis, stories: Sequence[sc.Sourced]) -> None:
    for story in stories:
        article = stored_article(story.claim.article_id, story.body)
        articles.save_article(client, article)
        claims.save_claims(client, article=article, claims=[story.claim])


def save_verdict(client: fakeredis.FakeRedis, doc: VerdictDoc) -> tuple[VerdictDoc, bool]:
    (saved,) = save_verdicts(client, [doc])
    return saved


def mark_verified(
    client: fakeredis.FakeRedis, settings: Settings, claim: Claim, evidence_ids: Sequence[str] = ()
) -> ClaimDone:
    """What the verify task does once a verdict on ``claim`` is saved."""
    ((_, done),) = publish_and_mark_all(
        client, settings=settings, verdicts=[(verdict_for(claim), evidence_ids)]
    )
    return done


def test_verdict_version_bumps_only_when_content_changes(fake_redis: fakeredis.FakeRedis) -> None:
    claim, *_ = _stored(fake_redis)
    doc, changed = save_verdict(fake_redis, verdict_for(claim, confidence=0.4, verified_at=NOW))
    assert (doc.version, changed) == (1, True)
    # A retried task computing the same verdict reuses its version and time.
    later = verdict_for(claim, confidence=0.4, verified_at=NOW.replace(year=2026))
    same, changed = save_verdict(fake_redis, later)
    assert (same.version, changed, same.verified_at) == (1, False, NOW)
    newer, changed = save_verdict(
        fake_redis, verdict_for(claim, confidence=0.8, verdict=Verdict.supported, verified_at=NOW)
    )
    assert (newer.version, changed) == (2, True)
    stored = verdicts.get_verdict(fake_redis, claim.claim_id)
    assert stored is not None and stored.version == 2 and stored.confidence == 0.8


def test_a_verdict_reads_back_whole_as_published(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    stories = sc.three_independent()
    _store_stories(fake_redis, stories)
    doc, _ = assessed_verdict(stories)
    assert [e.claim_id for e in doc.evidence if e.claim_id]  # it names claims of other articles
    saved, changed = save_verdict(fake_redis, doc)
    assert changed and saved.version == 1

    # One value per article, holding neither the claim nor the evidence's texts.
    article_id = stories[0].claim.article_id
    frame = codec.unpack(raw_command(fake_redis, "GET", keys.article_verdicts(article_id)))
    assert stories[0].claim.text not in frame and stories[1].claim.text not in frame

    # The API body and the stream entry are the whole document, byte for byte.
    assert publish(fake_redis, settings=settings, doc=saved) is not None
    ((_, fields),) = fake_redis.xrange(settings.stream_name)
    read = verdicts.get_verdict(fake_redis, doc.claim_id)
    assert read == saved and read.model_dump_json() == fields["claim"] == saved.model_dump_json()
    assert verdicts.get_verdicts(fake_redis, ["missing", "c1", doc.claim_id]) == [saved]

    # Extracting the article again rewrites its claims and keeps what was concluded.
    _store_stories(fake_redis, stories[:1])
    assert verdicts.get_verdict(fake_redis, doc.claim_id) == saved


def test_a_verdict_whose_evidence_claim_is_gone_reads_as_missing(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    stories = sc.three_independent()
    _store_stories(fake_redis, stories)
    doc, _ = assessed_verdict(stories)
    save_verdict(fake_redis, doc)
    evidence = next(e for e in doc.evidence if e.claim_id)
    fake_redis.hdel(keys.article(evidence.article_id or ""), keys.ARTICLE_CLAIMS)
    assert verdicts.get_verdict(fake_redis, doc.claim_id) is None


def test_concurrent_verdicts_on_one_article_lose_nothing(fake_redis: fakeredis.FakeRedis) -> None:
    """Each verify task rewrites its article's frame; one that read it before another's
    write reads it again rather than overwriting that write."""
    article = stored_article(ARTICLE, BODY)
    more = [
        c.model_copy(
            update={"claim_id": ids.claim_id(article_id=ARTICLE, kind="x", start=n, end=n)}
        )
        for n, c in enumerate(sentence_claims(article) * 10)
    ]
    articles.save_article(fake_redis, article)
    claims.save_claims(fake_redis, article=article, claims=more)
    errors: list[Exception] = []

    def work(part: list[Claim]) -> None:
        try:
            for claim in part:
                save_verdicts(fake_redis, [verdict_for(claim)])
        except Exception as error:  # noqa: BLE001  reported below: a thread fails silently
            errors.append(error)

    threads = [threading.Thread(target=work, args=(more[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    docs = verdicts.get_verdicts(fake_redis, [c.claim_id for c in more])
    assert [d.claim_id for d in docs] == [c.claim_id for c in more]
    assert all(d.version == 1 for d in docs)


def test_a_frame_that_keeps_changing_gives_up_with_a_retryable_error(
    fake_redis: fakeredis.FakeRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim, *_ = _stored(fake_redis)
    attempts: list[int] = []
    real_watch = redis.client.Pipeline.watch

    def watch_then_interfere(pipe: redis.client.Pipeline, *names: str) -> object:
        # Another writer changes the frame after every read.
        result = real_watch(pipe, *names)
        attempts.append(1)
        fake_redis.set(keys.article_verdicts(ARTICLE), codec.pack(f"x 1 0 {{}}{len(attempts)}"))
        return result

    monkeypatch.setattr(redis.client.Pipeline, "watch", watch_then_interfere)
    fake_redis.set(keys.article_verdicts(ARTICLE), codec.pack("x 1 0 {}"))
    with pytest.raises(StoreContention, match=ARTICLE):
        save_verdicts(fake_redis, [verdict_for(claim)])
    assert len(attempts) == verdicts.SAVE_ATTEMPTS


def test_last_verified_claim_finishes_the_article(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    first, second, third = _stored(fake_redis)
    assert not mark_verified(fake_redis, settings, first).article_finished
    assert not mark_verified(fake_redis, settings, second).article_finished
    assert mark_verified(fake_redis, settings, third).article_finished
    assert articles.get_statuses(fake_redis, [ARTICLE]) == {ARTICLE: ArticleStatus.done}
    # A redelivered verify task does not flip anything again.
    assert not mark_verified(fake_redis, settings, third).article_finished


def test_reverify_set_is_released_once_the_article_is_complete(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    first, second, third = _stored(fake_redis)
    assert mark_verified(fake_redis, settings, first, ["x", "y"]).reverify == []
    assert mark_verified(fake_redis, settings, second).reverify == []  # third still pending
    assert mark_verified(fake_redis, settings, third, ["y", "z"]).reverify == ["x", "y", "z"]
    # Until the scheduler forgets them, a redelivered task sees them again (crash safety).
    assert mark_verified(fake_redis, settings, third).reverify == ["x", "y", "z"]
    verdicts.forget_reverify(fake_redis, article_id=ARTICLE, claim_ids=["x", "y"])
    assert mark_verified(fake_redis, settings, third).reverify == ["z"]


def test_reverify_slot_holds_one_run(fake_redis: fakeredis.FakeRedis) -> None:
    take = verdicts.take_reverify_slots
    assert take(fake_redis, claim_ids=["c1"], hold_seconds=2) == ["c1"]
    assert take(fake_redis, claim_ids=["c1", "c2"], hold_seconds=2) == ["c2"]
    assert 0 < fake_redis.pttl(keys.reverify_lock("c1")) <= 2000
    verdicts.release_reverify_slots(fake_redis, claim_ids=["c1"])
    assert take(fake_redis, claim_ids=["c1", "c2"], hold_seconds=2) == ["c1"]


def test_a_batch_saves_and_publishes_in_order_and_its_last_claim_finishes_the_article(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    first, second, third = _stored(fake_redis)
    mark_verified(fake_redis, settings, first)
    save_verdict(fake_redis, verdict_for(second, confidence=0.4, verified_at=NOW))
    saved = save_verdicts(
        fake_redis,
        [
            verdict_for(second, confidence=0.4, verified_at=NOW),  # unchanged: keeps v1
            verdict_for(third, confidence=0.7, verified_at=NOW),  # new: v1
        ],
    )
    assert [(doc.claim_id, doc.version, changed) for doc, changed in saved] == [
        (second.claim_id, 1, False),
        (third.claim_id, 1, True),
    ]
    inflight.watch(fake_redis, article_id=ARTICLE, until=NOW.timestamp())
    results = publish_and_mark_all(
        fake_redis,
        settings=settings,
        verdicts=[(saved[0][0], ["x"]), (saved[1][0], ["y"])],
        stall_deadline=NOW.timestamp() + 60,
    )
    # The batch's progress pushes back its article's stall deadline in the same round trip.
    assert fake_redis.zscore(keys.inflight(), ARTICLE) == NOW.timestamp() + 60
    assert all(entry is not None for entry, _ in results)
    assert [e[1]["claim"] for e in fake_redis.xrange(settings.stream_name)][-2:] == [
        saved[0][0].model_dump_json(),
        saved[1][0].model_dump_json(),
    ]
    (_, done_first), (_, done_last) = results
    assert (done_first.article_finished, done_first.reverify) == (False, [])
    assert (done_last.article_finished, done_last.reverify) == (True, ["x", "y"])
    # A redelivered batch publishes nothing again.
    again = publish_and_mark_all(
        fake_redis, settings=settings, verdicts=[(saved[0][0], []), (saved[1][0], [])]
    )
    assert [entry for entry, _ in again] == [None, None]
