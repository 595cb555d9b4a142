"""The candidate index on fakeredis."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable

import fakeredis
import pytest

from services.verify import retrieval
from services.verify.origins import (
    NUM_PERM,
    CopyProbe,
    Signature,
    group_near_copies,
    signature,
    signature_bytes,
)
from shared import ids, keys, store
from shared.redis_client import raw_command
from shared.schemas import Claim
from tests.verify import scenario_claims as sc
from tests.verify.factories import claim, day, entity


def dated(claim_id: str, *keys_: str, source: str = "N", on: str = "2025-05-03") -> Claim:
    """A claim about ``keys_`` on ``on`` (3 May 2025 by default), published that morning."""
    return claim(
        claim_id,
        text="x",
        source=source,
        entities=[entity(k) for k in keys_],
        times=[day(on)],
        published=f"{on}T09:00:00",
    )


@pytest.fixture
def client() -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis(decode_responses=True)


def test_scenario_claims_find_each_other_and_not_their_own_article(
    client: fakeredis.FakeRedis,
) -> None:
    fire = sc.three_independent()
    council = sc.unrelated_same_place_date()
    ferry = sc.conflicting_numbers()
    sibling = claim(
        "ti-1b",
        text="x",
        source="Northern Ledger",
        article_id=fire[0].claim.article_id,
        entities=[sc.DEPOT],
        places=["dornholm"],
        times=[sc.TUESDAY],
        published="2025-03-11T18:20:00+00:00",
    )
    for item in [*fire, council, *ferry]:
        retrieval.index_claim(client, item.claim, bucket_days=7)
    retrieval.index_claim(client, sibling, bucket_days=7)

    found = retrieval.candidates(client, fire[0].claim, cap=10, bucket_days=7)
    assert set(found[:2]) == {"ti-2", "ti-3"}
    assert "un-1" in found  # shares Dornholm and the day: a candidate, not evidence
    assert "ti-1b" not in found and "ti-1" not in found
    assert not {"cn-1", "cn-2"} & set(found)


def test_members_name_their_article_by_a_short_tag_and_full_ids_still_filter(
    client: fakeredis.FakeRedis,
) -> None:
    fire = sc.three_independent()
    first = fire[0].claim
    for item in fire:
        retrieval.index_claim(client, item.claim, bucket_days=7)
    term = retrieval.index_terms(first, bucket_days=7)[0]
    members = client.zrange(keys.posting(term), 0, -1)
    tag = retrieval.article_tag(first.article_id)
    assert f"{first.claim_id}@{tag}" in members and len(tag) == 8
    # A sibling indexed before tags, under its article's full id, is still its own article's.
    client.zadd(keys.posting(term), {f"old-sibling@{first.article_id}": 1.0})
    found = retrieval.candidates(client, first, cap=10, bucket_days=7)
    assert "old-sibling" not in found
    assert {"ti-2", "ti-3"} <= set(found)


def test_an_event_across_a_bucket_edge_is_found(client: fakeredis.FakeRedis) -> None:
    # 7-day buckets: day ordinals 739379 // 7 and 739380 // 7 differ.
    a = dated("a", "acme", source="A")
    b = dated("b", "acme", source="B", on="2025-05-04")
    assert retrieval.index_terms(a, bucket_days=7) != retrieval.index_terms(b, bucket_days=7)
    retrieval.index_claim(client, a, bucket_days=7)
    assert retrieval.candidates(client, b, cap=5, bucket_days=7) == ["a"]


def test_rare_keys_outrank_common_ones(client: fakeredis.FakeRedis) -> None:
    for i in range(30):
        retrieval.index_claim(client, dated(f"noise{i}", "government"), bucket_days=7)
    retrieval.index_claim(client, dated("rare", "zorvat_mine"), bucket_days=7)
    found = retrieval.candidates(
        client, dated("p", "government", "zorvat_mine"), cap=5, bucket_days=7
    )
    assert found[0] == "rare" and len(found) == 5


def test_posting_reads_are_capped(client: fakeredis.FakeRedis) -> None:
    for i in range(50):
        retrieval.index_claim(client, dated(f"c{i:02}", "acme"), bucket_days=7)
    found = retrieval.candidates(client, dated("p", "acme"), cap=100, bucket_days=7, per_term=10)
    assert len(found) == 10


def test_lookup_is_one_round_trip(
    client: fakeredis.FakeRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = sc.seeds()
    for item in seeds.values():
        retrieval.index_claim(client, item.claim, bucket_days=7)
    calls: list[int] = []
    real = client.pipeline

    def counting_pipeline(*args: object, **kw: object) -> object:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(client, "pipeline", counting_pipeline)
    monkeypatch.setattr(client, "execute_command", lambda *a, **k: pytest.fail("unpipelined call"))
    found = retrieval.candidates(client, seeds["ap_assertion"].claim, cap=5, bucket_days=7)
    assert calls == [1]
    assert set(found) == {"seed-blog-a", "seed-blog-s"}


def index_on_four_threads(client: fakeredis.FakeRedis, claims: list[Claim]) -> None:
    def work(part: list[Claim]) -> None:
        for item in part:
            retrieval.index_claim(client, item, bucket_days=7)

    threads = [threading.Thread(target=work, args=(claims[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_concurrent_indexing_loses_nothing(client: fakeredis.FakeRedis) -> None:
    claims = [dated(f"c{i:03}", "acme") for i in range(200)]
    index_on_four_threads(client, claims)
    term = retrieval.index_terms(claims[0], bucket_days=7)[0]
    assert client.zcard(keys.posting(term)) == 200


def test_an_article_signature_is_stored_once_for_all_its_claims(
    client: fakeredis.FakeRedis,
) -> None:
    first = sc.wire_republished()[0]
    sibling = first.claim.model_copy(update={"claim_id": "wr-1b"})
    for item in (first.claim, sibling):
        retrieval.index_claim(client, item, bucket_days=7, article_text=first.body)
    article_id = first.claim.article_id
    # A field of the article's own hash: no key of its own.
    assert [k for k in client.scan_iter() if ":idx:" not in k] == [keys.article(article_id)]
    assert client.hkeys(keys.article(article_id)) == [keys.ARTICLE_MINHASH]
    loaded = retrieval.load_signatures(client, [article_id, "missing", article_id])
    assert list(loaded) == [article_id]
    assert loaded[article_id].shape == (NUM_PERM,)
    # Stored as raw bytes (2 per slot), not text.
    assert client.hstrlen(keys.article(article_id), keys.ARTICLE_MINHASH) == 2 * NUM_PERM
    # Signatures stored before, under a key of their own, still read: raw, or Base64 earlier.
    moved_id = "moved-article"
    client.set(keys.article_minhash(moved_id), signature_bytes(loaded[article_id]))
    moved = retrieval.load_signatures(client, [moved_id])[moved_id]
    assert (moved == loaded[article_id]).all()
    legacy_id = "legacy-article"
    client.set(
        keys.article_minhash(legacy_id), base64.b64encode(signature_bytes(loaded[article_id]))
    )
    legacy = retrieval.load_signatures(client, [legacy_id])[legacy_id]
    assert (legacy == loaded[article_id]).all()


def test_stored_signatures_make_the_same_near_copy_decisions(client: fakeredis.FakeRedis) -> None:
    stories = [*sc.wire_republished(), *sc.three_independent()]
    for item in stories:
        retrieval.index_claim(client, item.claim, bucket_days=7, article_text=item.body)
    loaded = retrieval.load_signatures(client, [s.claim.article_id for s in stories])

    def probes(article_sig: Callable[[sc.Sourced], Signature]) -> dict[str, CopyProbe]:
        return {
            s.claim.claim_id: CopyProbe(
                window=signature(s.claim.text),
                article=article_sig(s),
                article_id=s.claim.article_id,
            )
            for s in stories
        }

    fresh = probes(lambda s: signature(s.body))
    stored = probes(lambda s: loaded[s.claim.article_id])
    for claim_id, probe in fresh.items():
        assert probe.article is not None and stored[claim_id].article is not None
        assert stored[claim_id].article.dtype == probe.article.dtype
        # What is stored is each slot's low 16 bits, the part compared.
        assert (stored[claim_id].article == probe.article & 0xFFFF).all()
    order = [s.claim.claim_id for s in stories]
    decided = group_near_copies(stored, order=order, threshold=0.6)
    assert decided == group_near_copies(fresh, order=order, threshold=0.6)
    assert decided["wr-2"] == decided["wr-3"] == "wr-1"  # the wire copies are one story
    assert all(decided[s.claim.claim_id] == s.claim.claim_id for s in sc.three_independent())


def test_a_claim_naming_nothing_is_found_through_its_article(client: fakeredis.FakeRedis) -> None:
    depot = entity("depot", "FAC", "Kestrel Valley chemical depot")
    tuesday = day("2025-03-11", "Tuesday")
    named = claim(
        "n1",
        text="the agency found no pollutants after Tuesday's fire at the Kestrel Valley depot",
        source="Dornholm Daily",
        article_id="daily",
        entities=[depot],
        times=[tuesday],
        speaker=("agency", "the agency"),
    )
    bare = claim(
        "n2",
        text="The fire at the depot on Tuesday led to the evacuation of 400 residents.",
        source="Dornholm Daily",
        article_id="daily",
        times=[tuesday],
    )
    unrelated = claim(
        "n3", text="Shops reopened.", source="Dornholm Daily", article_id="daily", times=[tuesday]
    )
    assert retrieval.context_keys(bare, [named, bare, unrelated]) == ["depot"]  # not the speaker
    assert retrieval.context_keys(unrelated, [named, bare, unrelated]) == []
    assert retrieval.context_keys(named, [named, bare]) == []  # it names things itself
    client.rpush(keys.article_claims("daily"), "n1", "n2", "n3")
    for item in (named, bare, unrelated):
        client.set(keys.claim(item.claim_id), item.model_dump_json())
    retrieval.index_claim(client, bare, bucket_days=7)
    ledger = claim(
        "l1",
        text="A fire broke out at the Kestrel Valley depot on Tuesday",
        source="Northern Ledger",
        entities=[depot],
        times=[tuesday],
    )
    assert retrieval.candidates(client, ledger, cap=10, bucket_days=7) == ["n2"]
    loaded = retrieval.load_article_claims(client, ["daily", "none"])
    assert [c.claim_id for c in loaded["daily"]] == ["n1", "n2", "n3"] and loaded["none"] == []


def test_loaded_claims_match_the_store_and_follow_a_rewrite(client: fakeredis.FakeRedis) -> None:
    first = claim("c-first", text="Rebels shelled the port of Kestrel.", source="a.example")
    other = claim("c-other", text="The ministry denied it.", source="b.example")
    for c in (first, other):
        client.set(keys.claim(c.claim_id), c.model_dump_json())
    ids = [first.claim_id, "missing", other.claim_id]
    assert retrieval.load_claims(client, ids) == store.get_claims(client, ids)
    again = retrieval.load_claims(client, ids)
    assert again == [first, other]
    assert again[0] is retrieval.load_claims(client, ids)[0]  # parsed once
    rewritten = first.model_copy(update={"text": "Rebels shelled the port of Kestrel twice."})
    client.set(keys.claim(first.claim_id), rewritten.model_dump_json())
    assert retrieval.load_claims(client, [first.claim_id]) == [rewritten]


def test_members_of_extractor_ids_are_13_bytes_and_text_members_still_read(
    client: fakeredis.FakeRedis,
) -> None:
    fire = [item.claim for item in sc.three_independent()]
    # Ids as the extractor makes them: 16 hex digits.
    claims = [c.model_copy(update={"claim_id": f"{i:016x}"}) for i, c in enumerate(fire, 1)]
    for item in claims:
        retrieval.index_claim(client, item, bucket_days=7)
    term = retrieval.index_terms(claims[0], bucket_days=7)[0]
    members = raw_command(client, "ZRANGE", keys.posting(term), 0, -1)
    assert members and all(len(m) == 13 and m[:1] == retrieval.PACKED_MEMBER for m in members)
    # A text member, as written before, of another article and of the claim's own.
    elsewhere = "e" * 16
    client.zadd(
        keys.posting(term),
        {
            f"{elsewhere}@{retrieval.article_tag('elsewhere')}": 1.0,
            f"{'f' * 16}@{retrieval.article_tag(claims[0].article_id)}": 1.0,
        },
    )
    found = retrieval.candidates(client, claims[0], cap=10, bucket_days=7)
    assert set(found) == {c.claim_id for c in claims[1:]} | {elsewhere}


def packed_dated(article: int, *keys_: str, on: str = "2025-05-03", start: int = 0) -> Claim:
    """``dated``, with an id as the extractor gives claims of an article ingest named."""
    article_id = f"{article:016x}"
    made = dated("x", *keys_, on=on)
    claim_id = ids.claim_id(article_id=article_id, kind="assertion", start=start, end=start + 1)
    return made.model_copy(update={"claim_id": claim_id, "article_id": article_id})


def posting_value(client: fakeredis.FakeRedis, term: str) -> bytes | None:
    value: bytes | None = raw_command(client, "HGET", *retrieval.posting_slot(term))
    return value


def test_a_term_is_a_field_of_its_bucket_group_and_shard() -> None:
    key, field = retrieval.posting_slot("org:acme|t105648")
    assert (key, field) == (keys.posting_hash("26412", int(key.rpartition(":")[2])), "org:acme|0")
    # The group's other buckets share the hash; the next group does not.
    assert retrieval.posting_slot("org:acme|t105651") == (key, "org:acme|3")
    assert retrieval.posting_slot("org:acme|t105652")[0] != key
    assert retrieval.posting_slot("org:acme|t*") == (
        keys.posting_hash("*", int(key.rpartition(":")[2])),
        "org:acme|*",
    )
    # Keys spread over the shards: 400 keys of one bucket fill every shard.
    shards = {retrieval.posting_slot(f"org:n{n}|t105648")[0] for n in range(400)}
    assert len(shards) == retrieval.POSTING_SHARDS


def test_packed_members_are_appended_to_one_field_once(client: fakeredis.FakeRedis) -> None:
    claims = [packed_dated(n, "acme") for n in range(1, 4)]
    for item in [*claims, claims[0]]:  # the first indexed again, as a retried task does
        retrieval.index_claim(client, item, bucket_days=7)
    term = retrieval.index_terms(claims[0], bucket_days=7)[0]
    value = posting_value(client, term)
    # Packed ids without the lead byte every member of a posting hash shares.
    assert value == b"".join(ids.pack_claim_id(c.claim_id)[1:] for c in claims)
    assert not client.exists(keys.posting(term), keys.packed_posting(term))
    # A member's bytes found across a boundary between two others is not that member.
    straddling = value[7:19]
    client.hset("straddle", "term", value)
    script = retrieval._APPEND_MEMBER
    assert client.eval(script, 1, "straddle", "term", straddling) == 1
    assert client.eval(script, 1, "straddle", "term", straddling) == 0
    assert raw_command(client, "HGET", "straddle", "term") == value + straddling

    found = retrieval.candidates(client, claims[0], cap=10, bucket_days=7)
    assert found == [claims[1].claim_id, claims[2].claim_id]
    # Another claim of the first claim's article: its siblings are never its candidates.
    sibling = packed_dated(1, "acme", start=50)
    assert retrieval.candidates(client, sibling, cap=10, bucket_days=7) == found


def test_the_tail_script_reads_the_newest_members_and_the_length() -> None:
    client = fakeredis.FakeRedis()
    value = bytes(range(65))
    client.hset("h", "f", value)
    script = retrieval._POSTING_TAIL
    assert client.eval(script, 1, "h", "f", 26) == [value[-26:], 65]
    assert client.eval(script, 1, "h", "f", 650) == [value, 65]
    assert client.eval(script, 1, "h", "f", 0) == [b"", 65]
    assert client.eval(script, 1, "h", "missing", 26) == [b"", 0]


def test_packed_strings_from_before_posting_hashes_are_read_beside_them(
    client: fakeredis.FakeRedis,
) -> None:
    before = [packed_dated(n, "acme") for n in range(1, 21)]
    after = [packed_dated(n, "acme") for n in range(21, 31)]
    term = retrieval.index_terms(before[0], bucket_days=7)[0]
    # As session-10 workers wrote them: one string per term.
    client.set(keys.packed_posting(term), b"".join(ids.pack_claim_id(c.claim_id) for c in before))
    for item in after:
        retrieval.index_claim(client, item, bucket_days=7)
    probe = packed_dated(99, "acme", "zorvat_mine")
    retrieval.index_claim(client, dated("rare", "zorvat_mine"), bucket_days=7)
    found = retrieval.candidates(client, probe, cap=100, bucket_days=7)
    assert set(found) == {c.claim_id for c in [*before, *after]} | {"rare"}
    # Both forms' members count towards the rarity weight: 30 share acme, one zorvat_mine.
    assert found[0] == "rare"
    # Capped reads keep the newest: the hash's members, then the string's newest.
    capped = retrieval.candidates(client, probe, cap=100, bucket_days=7, per_term=15)
    assert set(capped) - {"rare"} == {c.claim_id for c in [*before[-5:], *after]}


def test_packed_and_older_sorted_set_postings_are_read_together(
    client: fakeredis.FakeRedis,
) -> None:
    packed = [packed_dated(n, "acme") for n in range(1, 31)]
    older = [dated(f"old{n:02}", "acme") for n in range(30)]
    for item in [*older, *packed]:
        retrieval.index_claim(client, item, bucket_days=7)
    probe = dated("p", "acme", "zorvat_mine")
    retrieval.index_claim(client, dated("rare", "zorvat_mine"), bucket_days=7)
    found = retrieval.candidates(client, probe, cap=100, bucket_days=7)
    assert set(found) == {c.claim_id for c in [*packed, *older]} | {"rare"}
    # The rarity weight counts the members of both forms: 60 share acme, one zorvat_mine.
    assert found[0] == "rare"
    # Reads stay capped: the newest packed members first, then the sorted set's.
    capped = retrieval.candidates(client, probe, cap=100, bucket_days=7, per_term=40)
    assert set(capped) - {"rare"} == {c.claim_id for c in packed[-30:]} | {
        c.claim_id for c in older[-10:]
    }
    newest = retrieval.candidates(client, probe, cap=100, bucket_days=7, per_term=5)
    assert set(newest) - {"rare"} == {c.claim_id for c in packed[-5:]}


def test_concurrent_packed_indexing_loses_nothing(client: fakeredis.FakeRedis) -> None:
    claims = [packed_dated(n, "acme") for n in range(1, 121)]
    index_on_four_threads(client, claims)
    term = retrieval.index_terms(claims[0], bucket_days=7)[0]
    value = posting_value(client, term)
    assert value is not None
    members = {value[at : at + 12] for at in range(0, len(value), 12)}
    assert len(value) == 12 * 120
    assert members == {ids.pack_claim_id(c.claim_id)[1:] for c in claims}


def test_one_event_in_different_words_and_entity_types_is_found(
    client: fakeredis.FakeRedis,
) -> None:
    """Reports sharing only the town's name, typed differently by NER, and the event's
    words: found through their word keys."""
    institute = claim(
        "q-1",
        text="A magnitude 6.1 earthquake struck Kerava, killing 14, the seismology institute said",
        source="A",
        article_id="art-q1",
        entities=[entity("loc:kerava", "GPE", "Kerava"), entity("org:institute", "ORG", "x")],
        published="2025-05-03T09:00:00",
    )
    hospital = claim(
        "q-2",
        text="Kerava Hospital treated dozens injured in the earthquake, and 14 people died",
        source="B",
        article_id="art-q2",
        entities=[entity("org:kerava_hospital", "ORG", "Kerava Hospital")],
        published="2025-05-03T10:00:00",
    )
    unrelated = claim(
        "q-3",
        text="The Jewish community of Lisbon opened a new museum",
        source="C",
        article_id="art-q3",
        entities=[entity("norp:jewish", "NORP", "Jewish"), entity("loc:lisbon", "GPE", "Lisbon")],
        published="2025-05-03T11:00:00",
    )
    also_jewish = claim(
        "q-4",
        text="Jewish leaders condemned the vandalism of a cemetery in Leeds",
        source="D",
        article_id="art-q4",
        entities=[entity("norp:jewish", "NORP", "Jewish"), entity("loc:leeds", "GPE", "Leeds")],
        published="2025-05-03T12:00:00",
    )
    for c in (institute, hospital, unrelated, also_jewish):
        retrieval.index_claim(client, c)
    assert "w:kerava" in retrieval.word_keys(hospital)
    assert retrieval.candidates(client, hospital, cap=5) == ["q-1"]
    # A nationality is neither a key nor a word key: it links nothing.
    assert "w:jewish" not in retrieval.word_keys(unrelated)
    assert retrieval.candidates(client, unrelated, cap=5) == []
