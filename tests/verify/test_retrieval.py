"""The candidate index on fakeredis: what a claim finds, and at what cost."""

from __future__ import annotations

import threading
from collections.abc import Callable

import fakeredis
import pytest

from services.verify import retrieval
from services.verify.origins import CopyProbe, Signature, group_near_copies, signature
from shared.schemas import Claim, Entity, StoredArticle
from shared.storage import articles, claims, index
from shared.storage.claims import ClaimCache
from tests.verify import scenario_claims as sc
from tests.verify.factories import claim, claim_id_for, day, entity


def dated(name: str, *keys_: str, source: str = "N", on: str = "2025-05-03") -> Claim:
    """A claim about ``keys_`` on ``on`` (3 May 2025 by default), published that morning."""
    return claim(
        name,
        text="x",
        source=source,
        entities=[entity(k) for k in keys_],
        times=[day(on)],
        published=f"{on}T09:00:00",
    )


@pytest.fixture
def client() -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis(decode_responses=True)


def ids_of(*stories: sc.Sourced) -> set[str]:
    return {s.claim.claim_id for s in stories}


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
    assert set(found[:2]) == ids_of(*fire[1:])
    assert council.claim.claim_id in found  # shares Dornholm and the day: a candidate
    assert sibling.claim_id not in found and fire[0].claim.claim_id not in found
    assert not ids_of(*ferry) & set(found)


def test_an_event_across_a_bucket_edge_is_found(client: fakeredis.FakeRedis) -> None:
    # 7-day buckets: day ordinals 739379 // 7 and 739380 // 7 differ.
    a = dated("a", "acme", source="A")
    b = dated("b", "acme", source="B", on="2025-05-04")
    assert retrieval.index_terms(a, bucket_days=7) != retrieval.index_terms(b, bucket_days=7)
    retrieval.index_claim(client, a, bucket_days=7)
    assert retrieval.candidates(client, b, cap=5, bucket_days=7) == [a.claim_id]


def test_rare_keys_outrank_common_ones(client: fakeredis.FakeRedis) -> None:
    for i in range(30):
        retrieval.index_claim(client, dated(f"noise{i}", "government"), bucket_days=7)
    retrieval.index_claim(client, dated("rare", "zorvat_mine"), bucket_days=7)
    found = retrieval.candidates(
        client, dated("p", "government", "zorvat_mine"), cap=5, bucket_days=7
    )
    assert found[0] == claim_id_for("rare") and len(found) == 5


def test_posting_reads_keep_the_newest_members(client: fakeredis.FakeRedis) -> None:
    made = [dated(f"c{i:02}", "acme") for i in range(50)]
    for item in made:
        retrieval.index_claim(client, item, bucket_days=7)
    probe = dated("p", "acme")
    found = retrieval.candidates(client, probe, cap=100, bucket_days=7, per_term=10)
    assert set(found) == {c.claim_id for c in made[-10:]}
    # An indexed claim is filed once, however often it is indexed again (a retried task).
    retrieval.index_claim(client, made[0], bucket_days=7)
    assert len(retrieval.candidates(client, probe, cap=100, bucket_days=7)) == 50


def test_lookup_is_one_round_trip_of_one_command_per_term(
    client: fakeredis.FakeRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = sc.seeds()
    for item in seeds.values():
        retrieval.index_claim(client, item.claim, bucket_days=7)
    commands: list[int] = []
    real = client.pipeline

    def counting_pipeline(*args: object, **kw: object) -> object:
        pipe = real(*args, **kw)  # type: ignore[arg-type]
        execute = pipe.execute

        def counted() -> list[object]:
            commands.append(len(pipe.command_stack))
            return execute()

        pipe.execute = counted  # type: ignore[method-assign]
        return pipe

    monkeypatch.setattr(client, "pipeline", counting_pipeline)
    monkeypatch.setattr(client, "execute_command", lambda *a, **k: pytest.fail("unpipelined call"))
    subject = seeds["ap_assertion"].claim
    found = retrieval.candidates(client, subject, cap=5, bucket_days=7)
    assert commands == [len(retrieval.lookup_terms(subject, bucket_days=7))]
    assert set(found) == ids_of(seeds["blog_assertion"], seeds["blog_attribution"])


def test_concurrent_indexing_loses_nothing(client: fakeredis.FakeRedis) -> None:
    made = [dated(f"c{i:03}", "acme") for i in range(120)]

    def work(part: list[Claim]) -> None:
        for item in part:
            retrieval.index_claim(client, item, bucket_days=7)

    threads = [threading.Thread(target=work, args=(made[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    term = retrieval.index_terms(made[0], bucket_days=7)[0]
    (posting,) = index.read(client, [term], newest=500)
    assert posting.size == 120 and set(posting.claim_ids) == {c.claim_id for c in made}


def test_stored_signatures_make_the_same_near_copy_decisions(client: fakeredis.FakeRedis) -> None:
    stories = [*sc.wire_republished(), *sc.three_independent()]
    for item in stories:
        retrieval.index_claim(client, item.claim, bucket_days=7, article_text=item.body)
    loaded = articles.load_signatures(client, [s.claim.article_id for s in stories])

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
    order = [s.claim.claim_id for s in stories]
    decided = group_near_copies(stored, order=order, threshold=0.6)
    assert decided == group_near_copies(fresh, order=order, threshold=0.6)
    wire = [s.claim.claim_id for s in sc.wire_republished()]
    assert decided[wire[1]] == decided[wire[2]] == wire[0]  # the wire copies are one story
    assert all(decided[s.claim.claim_id] == s.claim.claim_id for s in sc.three_independent())


def test_a_claim_naming_nothing_is_found_through_its_article(client: fakeredis.FakeRedis) -> None:
    depot = entity("depot", "FAC", "Kestrel Valley chemical depot")
    tuesday = day("2025-03-11", "Tuesday")
    sentences = [
        "The agency found no pollutants after Tuesday's fire at the Kestrel Valley depot.",
        "The fire at the depot on Tuesday led to the evacuation of 400 residents.",
        "Shops reopened.",
    ]
    text = " ".join(sentences)
    common = dict(source="Dornholm Daily", article_id="daily", times=[tuesday])
    named = claim(
        "n1", text=sentences[0], entities=[depot], speaker=("agency", "the agency"), **common
    )  # type: ignore[arg-type]
    bare = claim("n2", text=sentences[1], start=text.index(sentences[1]), **common)  # type: ignore[arg-type]
    unrelated = claim("n3", text=sentences[2], start=text.index(sentences[2]), **common)  # type: ignore[arg-type]
    assert retrieval.context_keys(bare, [named, bare, unrelated]) == ["depot"]  # not the speaker
    assert retrieval.context_keys(unrelated, [named, bare, unrelated]) == []
    assert retrieval.context_keys(named, [named, bare]) == []  # it names things itself

    article = StoredArticle(
        article_id=bare.article_id, body=text, source="Dornholm Daily", received_at=tuesday.start
    )
    articles.save_article(client, article)
    claims.save_claims(client, article=article, claims=[named, bare, unrelated])
    cache = ClaimCache(client)
    retrieval.index_claim(
        client, bare, bucket_days=7, borrowed=retrieval.borrowed_keys(cache, bare)
    )
    ledger = claim(
        "l1",
        text="A fire broke out at the Kestrel Valley depot on Tuesday",
        source="Northern Ledger",
        entities=[depot],
        times=[tuesday],
    )
    assert retrieval.candidates(client, ledger, cap=10, bucket_days=7) == [bare.claim_id]


def _report(n: int, text: str, *entities: Entity) -> Claim:
    """Report ``n`` of a day: outlet A, B, ... and an article of its own, each an hour
    after the one before."""
    return claim(
        f"q-{n}",
        text=text,
        source="ABCD"[n - 1],
        article_id=f"art-q{n}",
        entities=entities,
        published=f"2025-05-03T{8 + n:02}:00:00",
    )


def test_one_event_in_different_words_and_entity_types_is_found(
    client: fakeredis.FakeRedis,
) -> None:
    """Reports sharing only the town's name, typed differently by NER, and the event's
    words: found through their word keys."""
    kerava = entity("loc:kerava", "GPE", "Kerava")
    jewish = entity("norp:jewish", "NORP", "Jewish")
    institute = _report(
        1,
        "A magnitude 6.1 earthquake struck Kerava, killing 14, the seismology institute said",
        kerava,
        entity("org:institute", "ORG", "x"),
    )
    hospital = _report(
        2,
        "Kerava Hospital treated dozens injured in the earthquake, and 14 people died",
        entity("org:kerava_hospital", "ORG", "Kerava Hospital"),
    )
    unrelated = _report(
        3,
        "The Jewish community of Lisbon opened a new museum",
        jewish,
        entity("loc:lisbon", "GPE", "Lisbon"),
    )
    also_jewish = _report(
        4,
        "Jewish leaders condemned the vandalism of a cemetery in Leeds",
        jewish,
        entity("loc:leeds", "GPE", "Leeds"),
    )
    for c in (institute, hospital, unrelated, also_jewish):
        retrieval.index_claim(client, c)
    assert "w:kerava" in retrieval.word_keys(hospital)
    assert retrieval.candidates(client, hospital, cap=5) == [institute.claim_id]
    # A nationality is neither a key nor a word key: it links nothing.
    assert "w:jewish" not in retrieval.word_keys(unrelated)
    assert retrieval.candidates(client, unrelated, cap=5) == []


def test_a_claim_is_filed_under_its_longest_words_and_finds_by_more(
    client: fakeredis.FakeRedis,
) -> None:
    """Filed under its ``FILED_WORD_KEYS`` longest words, a body's claim is found by a
    report reading any of its ``MAX_WORD_KEYS`` words: the report finds it through a word
    the report itself is not filed under. A title's claim is filed under all of them."""
    first = _report(1, "Seismologists recorded an aftershock near Tolvik")
    second = _report(
        2, "Neighbourhoods suffered electricity interruptions following the aftershock"
    )
    for c in (first, second):
        retrieval.index_claim(client, c)
    assert "w:aftershock" in retrieval.word_keys(second)[retrieval.FILED_WORD_KEYS :]
    assert retrieval.candidates(client, second, cap=5) == [first.claim_id]
    assert retrieval.candidates(client, first, cap=5) == []
    # A title's claim is filed under every word it is looked up by.
    title = _report(3, second.text).model_copy(update={"section": "title"})
    retrieval.index_claim(client, title)
    assert retrieval.candidates(client, first, cap=5) == [title.claim_id]


def test_words_are_filed_in_the_publication_week_and_read_in_every_week(
    client: fakeredis.FakeRedis,
) -> None:
    """A claim's words are filed under the week it was published, its lookups read them in
    every week it is about: of two reports sharing only words, the later one, looking back
    at the event's week, finds the one published then."""
    early = claim(
        "w-1",
        text="Floodwaters breached the embankment overnight",
        source="A",
        times=[day("2025-05-03")],
        published="2025-05-03T09:00:00",
    )
    late = claim(
        "w-2",
        text="The embankment that floodwaters breached in May is rebuilt",
        source="B",
        times=[day("2025-05-03")],
        published="2025-06-20T09:00:00",
    )
    published = retrieval.time_bucket(day("2025-06-20").start, bucket_days=7)
    filed = [t for t in retrieval.index_terms(late, bucket_days=7) if t.startswith("w:")]
    assert filed and {t.rpartition("|")[2] for t in filed} == {f"t{published}"}
    for c in (early, late):
        retrieval.index_claim(client, c, bucket_days=7)
    assert retrieval.candidates(client, late, cap=5, bucket_days=7) == [early.claim_id]
    assert retrieval.candidates(client, early, cap=5, bucket_days=7) == []
