"""Store adapters on fakeredis: articles, claims, verdict versions, dedupe, article completion."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import fakeredis

from services.extract.store import save_claims
from services.ingest.store import claim_fingerprints, is_enqueued, mark_enqueued
from services.verify import retrieval
from services.verify.store import (
    ClaimDone,
    content_hash,
    forget_reverify,
    publish_and_mark_all,
    release_reverify_slots,
    save_verdicts,
    take_reverify_slots,
)
from shared import compact, keys, recovery, store
from shared.redis_client import raw_command
from shared.schemas import (
    ArticleStatus,
    Claim,
    ClaimKind,
    Modality,
    StoredArticle,
    Verdict,
    VerdictDoc,
)
from shared.settings import Settings
from shared.stream import publish
from tests.shared.articles import article_and_first_claim
from tests.shared.verdicts import assessed_verdict, verdict_for
from tests.verify import scenario_claims as sc

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)


def _save_claims(client: fakeredis.FakeRedis, *, article: StoredArticle, **kwargs: Any) -> None:
    """``save_claims`` as the extract task calls it: its article is in the store first (a
    stored claim leaves out what its article holds)."""
    if not client.exists(keys.article(article.article_id)):
        store.save_article(client, article)
    save_claims(client, article=article, **kwargs)


def save_verdict(client: fakeredis.FakeRedis, doc: VerdictDoc) -> tuple[VerdictDoc, bool]:
    (saved,) = save_verdicts(client, [doc])
    return saved


def publish_and_mark(
    client: fakeredis.FakeRedis, settings: Settings, doc: VerdictDoc, evidence_ids: Sequence[str]
) -> tuple[str | None, ClaimDone]:
    (result,) = publish_and_mark_all(client, settings=settings, verdicts=[(doc, evidence_ids)])
    return result


def mark_verified(
    client: fakeredis.FakeRedis, settings: Settings, claim_id: str, evidence_ids: Sequence[str] = ()
) -> ClaimDone:
    """What the verify task does once a verdict on ``claim_id`` of article a1 is saved."""
    return publish_and_mark(client, settings, verdict_for(_claim(claim_id)), evidence_ids)[1]


def _article(article_id: str = "a1") -> StoredArticle:
    return StoredArticle(article_id=article_id, body="Text.", source="Outlet", received_at=NOW)


def _claim(claim_id: str, article_id: str = "a1") -> Claim:
    return Claim(
        claim_id=claim_id,
        article_id=article_id,
        source="Outlet",
        text="Text.",
        start=0,
        end=5,
        checkworthiness=0.9,
    )


def test_article_round_trip_and_status(fake_redis: fakeredis.FakeRedis) -> None:
    store.save_article(fake_redis, _article())
    store.set_article_status(
        fake_redis, article_id="a1", status=ArticleStatus.failed, reason="boom"
    )
    loaded = store.get_article(fake_redis, "a1")
    assert loaded is not None and loaded.status is ArticleStatus.failed and loaded.reason == "boom"
    assert loaded.body == "Text."
    assert store.get_article(fake_redis, "missing") is None
    _save_claims(fake_redis, article=_article(), claims=[_claim("c1")], language="fr")
    relabelled = store.get_article(fake_redis, "a1")
    assert relabelled is not None and relabelled.detected_language == "fr"
    assert relabelled.body == "Text." and relabelled.status is ArticleStatus.failed


def test_promote_only_from_the_expected_state(fake_redis: fakeredis.FakeRedis) -> None:
    store.save_article(fake_redis, _article())
    store.set_article_status(fake_redis, article_id="a1", status=ArticleStatus.done)
    moved = store.promote_article_status(
        fake_redis,
        article_id="a1",
        expected=ArticleStatus.extracting,
        status=ArticleStatus.verifying,
    )
    assert not moved
    assert store.get_article(fake_redis, "a1").status is ArticleStatus.done  # type: ignore[union-attr]


def test_fingerprints_map_every_identity_to_one_id(fake_redis: fakeredis.FakeRedis) -> None:
    first, seen = claim_fingerprints(
        fake_redis, fingerprints=["url:1", "text:1"], candidate_id="a1"
    )
    assert (first, seen) == ("a1", False)
    # A new identity arriving with a known one joins the known article.
    again, seen = claim_fingerprints(
        fake_redis, fingerprints=["idem:9", "text:1"], candidate_id="a2"
    )
    assert (again, seen) == ("a1", True)
    by_key, _ = claim_fingerprints(fake_redis, fingerprints=["idem:9"], candidate_id="a3")
    assert by_key == "a1"
    # Fields of a few hashes, not a key per fingerprint.
    assert fake_redis.hget(keys.dedupe_hash("idem:9"), "idem:9") == "a1"
    assert not fake_redis.exists(*(keys.dedupe(f) for f in ("url:1", "text:1", "idem:9")))
    assert not is_enqueued(fake_redis, article_id="a1")
    mark_enqueued(fake_redis, article_id="a1")
    assert is_enqueued(fake_redis, article_id="a1")


def test_fingerprints_filed_as_keys_before_hashes_still_count(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    fake_redis.set(keys.dedupe("url:old"), "a-old")
    found, seen = claim_fingerprints(
        fake_redis, fingerprints=["text:new", "url:old"], candidate_id="a9"
    )
    assert (found, seen) == ("a-old", True)
    # The new identity joins the old article; the old one stays where it was filed.
    assert fake_redis.hget(keys.dedupe_hash("text:new"), "text:new") == "a-old"
    assert fake_redis.hget(keys.dedupe_hash("url:old"), "url:old") is None
    assert claim_fingerprints(fake_redis, fingerprints=["text:new"], candidate_id="b") == (
        "a-old",
        True,
    )


def test_saving_claims_twice_is_idempotent(fake_redis: fakeredis.FakeRedis) -> None:
    article = _article()
    claims = [_claim("c1"), _claim("c2")]
    recovery.watch(fake_redis, article_id="a1", until=1.0)
    _save_claims(fake_redis, article=article, claims=claims)
    _save_claims(fake_redis, article=article, claims=claims, stall_deadline=99.0)
    assert fake_redis.zscore(keys.inflight(), "a1") == 99.0
    assert store.list_article_claim_ids(fake_redis, "a1") == ["c1", "c2"]
    assert [c.claim_id for c in store.get_claims(fake_redis, ["c1", "c2", "nope"])] == ["c1", "c2"]


def test_verdict_version_bumps_only_when_content_changes(fake_redis: fakeredis.FakeRedis) -> None:
    claim = _claim("c1")
    _save_claims(fake_redis, article=_article(), claims=[claim])
    doc, changed = save_verdict(fake_redis, verdict_for(claim, confidence=0.4, verified_at=NOW))
    assert (doc.version, changed) == (1, True)
    # A retried task computing the same verdict reuses its version.
    same, changed = save_verdict(fake_redis, verdict_for(claim, confidence=0.4, verified_at=NOW))
    assert (same.version, changed) == (1, False)
    newer, changed = save_verdict(
        fake_redis, verdict_for(claim, confidence=0.8, verdict=Verdict.supported, verified_at=NOW)
    )
    assert (newer.version, changed) == (2, True)
    stored = store.get_verdict(fake_redis, "c1")
    assert stored is not None and stored.version == 2 and stored.confidence == 0.8


def test_last_verified_claim_finishes_the_article(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    _save_claims(fake_redis, article=_article(), claims=[_claim("c1"), _claim("c2")])
    store.save_article(
        fake_redis, _article().model_copy(update={"status": ArticleStatus.verifying})
    )
    assert not mark_verified(fake_redis, settings, "c1").article_finished
    assert mark_verified(fake_redis, settings, "c2").article_finished
    assert store.get_article(fake_redis, "a1").status is ArticleStatus.done  # type: ignore[union-attr]
    # A redelivered verify task does not flip anything again.
    assert not mark_verified(fake_redis, settings, "c2").article_finished


def test_reverify_set_is_released_once_the_article_is_complete(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    _save_claims(fake_redis, article=_article(), claims=[_claim("c1"), _claim("c2")])
    first = mark_verified(fake_redis, settings, "c1", ["x", "y"])
    assert first.reverify == []  # c2 is still pending: wait for the whole article
    last = mark_verified(fake_redis, settings, "c2", ["y", "z"])
    assert last.reverify == ["x", "y", "z"]  # each once
    # Until the scheduler forgets them, a redelivered task sees them again (crash safety).
    again = mark_verified(fake_redis, settings, "c2")
    assert again.reverify == ["x", "y", "z"]
    forget_reverify(fake_redis, article_id="a1", claim_ids=["x", "y"])
    assert mark_verified(fake_redis, settings, "c2").reverify == ["z"]


def test_reverify_slot_holds_one_run(fake_redis: fakeredis.FakeRedis) -> None:
    assert take_reverify_slots(fake_redis, claim_ids=["c1"], hold_seconds=2) == ["c1"]
    assert take_reverify_slots(fake_redis, claim_ids=["c1", "c2"], hold_seconds=2) == ["c2"]
    assert 0 < fake_redis.pttl(keys.reverify_lock("c1")) <= 2000
    release_reverify_slots(fake_redis, claim_ids=["c1"])
    assert take_reverify_slots(fake_redis, claim_ids=["c1", "c2"], hold_seconds=2) == ["c1"]


def test_a_stored_verdict_leaves_out_its_claims_and_reads_back_whole(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    doc, claims = assessed_verdict()
    _save_claims(fake_redis, article=_article(doc.article_id), claims=claims)
    saved, changed = save_verdict(fake_redis, doc)
    assert changed and saved.version == 1

    # One key per claim: its record holds the claim, then the verdict.
    record = raw_command(fake_redis, "GET", keys.claim(doc.claim_id))
    claim_part, raw = compact.split_record(record)
    article = store.get_article(fake_redis, doc.article_id)
    joined = compact.join_claim(
        compact.claim_fields(claim_part), claim_id=doc.claim_id, article=article
    )
    assert joined == doc.claim
    assert not fake_redis.exists(keys.legacy_verdict(doc.claim_id))
    assert raw.startswith(f"1:{content_hash(doc)}:z3:".encode())
    assert len(raw) < len(compact.verdict_json(doc))  # packed
    assert len(content_hash(doc)) == 16
    stored = compact.parse_verdict(raw, claim_id=doc.claim_id)
    assert not {"claim", "text", "source", "article_id"} & set(stored)
    assert stored["version"] == 1 and stored["claim_id"] == doc.claim_id
    assert [e.get("text") for e in stored["evidence"]] == [
        None if e.claim_id else e.text for e in doc.evidence
    ]

    # The API body and the stream entry are the whole document, byte for byte.
    entry_id = publish(fake_redis, settings=settings, doc=saved)
    assert entry_id is not None
    ((_, fields),) = fake_redis.xrange(settings.stream_name)
    read = store.get_verdict(fake_redis, doc.claim_id)
    assert read == saved and read.model_dump_json() == fields["claim"] == saved.model_dump_json()
    assert store.get_verdicts(fake_redis, ["missing", doc.claim_id, doc.claim_id]) == [saved] * 2

    # A retry with the same content gets back the stored version and time.
    later = doc.model_copy(update={"verified_at": NOW.replace(year=2026)})
    again, changed = save_verdict(fake_redis, later)
    assert not changed and again == saved

    # Extracting the article again rewrites its claims and keeps what was concluded.
    _save_claims(fake_redis, article=_article(doc.article_id), claims=claims)
    assert store.get_verdict(fake_redis, doc.claim_id) == saved
    assert compact.split_record(raw_command(fake_redis, "GET", keys.claim(doc.claim_id)))[1] == raw


def test_stored_claims_leave_out_defaults_and_read_back_equal(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    stories = [*sc.three_independent(), *sc.report_then_denial(), *sc.conflicting_numbers()]
    bare = _claim("c-bare")
    full = stories[0].claim.model_copy(
        update={
            "claim_id": "c-full",
            "kind": ClaimKind.attribution,
            "parent_claim_id": "ti-1",
            "subject": "fire",
            "predicate": "force",
            "object": "residents",
            "modality": Modality(hedges=["reportedly"], negated=True),
            "language": "de",
        }
    )
    claims = [s.claim for s in stories] + [bare, full]
    _save_claims(fake_redis, article=_article(), claims=claims)
    ids = [c.claim_id for c in claims]
    assert store.get_claims(fake_redis, ids) == claims
    assert retrieval.load_claims(fake_redis, ids) == claims
    assert store.get_claim(fake_redis, "c-full") == full

    record = raw_command(fake_redis, "GET", keys.claim("c-bare"))
    stored = json.loads(compact.unpack(compact.split_record(record)[0]))
    # Its article holds the id's owner, the text (a slice of the body) and the outlet.
    assert set(stored) == {"article_id", "start", "end", "checkworthiness"}
    assert len(compact.stored_claim(full)) < len(full.model_dump_json())


def test_claims_are_joined_with_their_article_on_every_read(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    article, claim = article_and_first_claim(
        "The mayor said 40 homes flooded overnight. Rain is expected to continue.",
        article_id="a9",
        claim_id="k1",
        number="40",
    )
    _save_claims(fake_redis, article=article, claims=[claim])
    record = raw_command(fake_redis, "GET", keys.claim("k1"))
    assert "text" not in json.loads(compact.unpack(compact.split_record(record)[0]))
    assert store.get_claims(fake_redis, ["k1", "gone"]) == [claim]
    assert retrieval.load_claims(fake_redis, ["k1"]) == [claim]
    saved, _ = save_verdict(fake_redis, verdict_for(claim))
    assert store.get_verdict(fake_redis, "k1") == saved and saved.text == claim.text

    # crosscheck never deletes an article, but a store restored in part could lack one:
    # its claims then read as missing, never as claims without their text.
    fake_redis.delete(keys.article("a9"))
    retrieval._parsed.clear()
    assert store.get_claims(fake_redis, ["k1"]) == []
    assert retrieval.load_claims(fake_redis, ["k1"]) == []
    assert store.get_verdict(fake_redis, "k1") is None


def test_articles_are_stored_packed_and_read_back_equal(fake_redis: fakeredis.FakeRedis) -> None:
    article = _article().model_copy(
        update={
            "title": "Depot fire",
            "body": "A fire broke out at the Dornholm depot on Monday, officials said. " * 8,
            "status": ArticleStatus.verifying,
        }
    )
    store.save_article(fake_redis, article)
    raw = raw_command(fake_redis, "HGET", keys.article("a1"), "doc")
    assert raw.startswith(b"z3:") and len(raw) < len(article.model_dump_json())
    assert store.get_article(fake_redis, "a1") == article
    assert store.get_bodies(fake_redis, ["a1", "gone"]) == {"a1": article.body}


def test_values_stored_before_packing_still_read(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    """Plain JSON values, with the verdict's version and hash in their own key, as the
    layout before this one wrote them."""
    doc, claims = assessed_verdict()
    article = _article(doc.article_id)
    fake_redis.hset(
        keys.article(article.article_id),
        mapping={"doc": article.model_dump_json(), "status": "verifying", "reason": ""},
    )
    for claim in claims:
        fake_redis.set(keys.claim(claim.claim_id), claim.model_dump_json(exclude_defaults=True))
    fake_redis.set(
        keys.legacy_verdict(doc.claim_id),
        compact.verdict_json(doc.model_copy(update={"version": 3})),
    )
    fake_redis.hset(
        keys.legacy_verdict_version(doc.claim_id), mapping={"version": 3, "hash": content_hash(doc)}
    )
    got = store.get_article(fake_redis, article.article_id)
    assert got is not None and got.body == article.body and got.status is ArticleStatus.verifying
    assert store.get_claims(fake_redis, [c.claim_id for c in claims]) == claims
    assert retrieval.load_claims(fake_redis, [claims[0].claim_id]) == claims[:1]
    assert store.get_verdict(fake_redis, doc.claim_id) == doc.model_copy(update={"version": 3})

    # The same content keeps its version; new content takes the next one and drops the
    # old version key.
    same, changed = save_verdict(fake_redis, doc)
    assert (same.version, changed) == (3, False)
    newer, changed = save_verdict(fake_redis, doc.model_copy(update={"confidence": 0.11}))
    assert (newer.version, changed) == (4, True)
    assert not fake_redis.exists(keys.legacy_verdict_version(doc.claim_id))
    assert not fake_redis.exists(keys.legacy_verdict(doc.claim_id))
    assert store.get_verdict(fake_redis, doc.claim_id) == newer
    # The claim stored alone is now the head of its record, unchanged.
    record = raw_command(fake_redis, "GET", keys.claim(doc.claim_id))
    assert (
        compact.split_record(record)[0] == doc.claim.model_dump_json(exclude_defaults=True).encode()
    )
    assert store.get_claims(fake_redis, [c.claim_id for c in claims]) == claims


def _full_content_hash(doc: VerdictDoc) -> str:
    """The 32-digit content hash verdict keys held before hashes were cut to 16 digits."""
    stable = doc.model_dump_json(exclude={"version", "verified_at"})
    return hashlib.blake2b(stable.encode(), digest_size=16).hexdigest()


def _as_format_1(packed: bytes) -> str:
    """What format 1 wrote for the document ``packed`` holds."""
    return "z1:" + base64.b64encode(compact.pack_v2(compact.unpack(packed))[len(b"z2:") :]).decode()


def test_values_packed_as_base64_text_still_read(fake_redis: fakeredis.FakeRedis) -> None:
    """Format 1 wrote the same packed bytes as Base64 text; a client that decodes replies
    could read those keys, and the readers, which now ask for bytes, still can."""
    doc, claims = assessed_verdict()
    article = _article(doc.article_id)
    fake_redis.hset(
        keys.article(article.article_id),
        mapping={"doc": _as_format_1(compact.stored_article(article)), "status": "done"},
    )
    for claim in claims:
        fake_redis.set(keys.claim(claim.claim_id), _as_format_1(compact.stored_claim(claim)))
    packed = _as_format_1(compact.verdict_payload(doc))
    # Content hashes were 32 digits then; an unchanged verdict must still keep its version.
    fake_redis.set(keys.legacy_verdict(doc.claim_id), f"2:{_full_content_hash(doc)}:{packed}")

    assert store.get_article(fake_redis, article.article_id) == article.model_copy(
        update={"status": ArticleStatus.done}
    )
    assert store.get_bodies(fake_redis, [article.article_id]) == {article.article_id: article.body}
    assert store.get_claims(fake_redis, [c.claim_id for c in claims]) == claims
    assert retrieval.load_claims(fake_redis, [c.claim_id for c in claims]) == claims
    assert store.get_verdict(fake_redis, doc.claim_id) == doc.model_copy(update={"version": 2})
    same, changed = save_verdict(fake_redis, doc)
    assert (same.version, changed) == (2, False)


def test_publish_and_mark_publishes_each_version_once_then_marks(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    doc, claims = assessed_verdict()
    article = _article(doc.article_id)
    _save_claims(fake_redis, article=article, claims=claims)
    store.save_article(fake_redis, article.model_copy(update={"status": ArticleStatus.verifying}))
    saved, _ = save_verdict(fake_redis, doc)

    entry, done = publish_and_mark(fake_redis, settings, saved, ["elsewhere"])
    assert entry is not None and fake_redis.xlen(settings.stream_name) == 1
    assert done.article_id == doc.article_id
    assert doc.claim_id not in fake_redis.smembers(keys.article_pending(doc.article_id))
    # A redelivered task repeats both steps: nothing new on the stream, the mark holds.
    again, done_again = publish_and_mark(fake_redis, settings, saved, [])
    assert again is None and fake_redis.xlen(settings.stream_name) == 1
    assert done_again.reverify == done.reverify


def test_a_batch_saves_and_publishes_in_order_and_its_last_claim_finishes_the_article(
    fake_redis: fakeredis.FakeRedis, settings: Settings
) -> None:
    claims = [_claim("c1"), _claim("c2")]
    article = _article()
    _save_claims(fake_redis, article=article, claims=claims)
    store.save_article(fake_redis, article.model_copy(update={"status": ArticleStatus.verifying}))
    save_verdict(fake_redis, verdict_for(claims[0], confidence=0.4, verified_at=NOW))

    saved = save_verdicts(
        fake_redis,
        [
            verdict_for(claims[0], confidence=0.4, verified_at=NOW),  # unchanged: keeps v1
            verdict_for(claims[1], confidence=0.7, verified_at=NOW),  # new: v1
        ],
    )
    assert [(doc.claim_id, doc.version, changed) for doc, changed in saved] == [
        ("c1", 1, False),
        ("c2", 1, True),
    ]
    recovery.watch(fake_redis, article_id="a1", until=NOW.timestamp())
    results = publish_and_mark_all(
        fake_redis,
        settings=settings,
        verdicts=[(saved[0][0], ["x"]), (saved[1][0], ["y"])],
        stall_deadline=NOW.timestamp() + 60,
    )
    # The batch's progress pushes back its article's stall deadline in the same round trip.
    assert fake_redis.zscore(keys.inflight(), "a1") == NOW.timestamp() + 60
    assert all(entry is not None for entry, _ in results)
    assert [e[1]["claim"] for e in fake_redis.xrange(settings.stream_name)] == [
        saved[0][0].model_dump_json(),
        saved[1][0].model_dump_json(),
    ]
    (_, first), (_, last) = results
    assert (first.article_finished, first.reverify) == (False, [])
    assert (last.article_finished, last.reverify) == (True, ["x", "y"])
    assert store.get_article(fake_redis, "a1").status is ArticleStatus.done  # type: ignore[union-attr]
