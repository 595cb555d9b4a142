"""Claims whose ids name their article live in the article's hash, in one frame, and their
verdicts in one value beside it. Claims stored alone, as every claim was before, still read
and write beside them."""

from __future__ import annotations

import threading

import fakeredis
import pytest

from services.extract.store import save_claims
from services.verify import retrieval
from services.verify.store import save_verdicts
from shared import compact, ids, keys, store
from shared.redis_client import raw_command
from shared.schemas import ArticleStatus, Claim, StoredArticle, VerdictDoc
from tests.shared.articles import PUBLISHED, sentence_claims, stored_article
from tests.shared.verdicts import assessed_verdict, verdict_for
from tests.verify import scenario_claims as sc

ARTICLE = "3fa2c1d07b9e4a65"  # as ingest names articles: 16 hex digits
BODY = (
    "The council said 40 homes flooded overnight in Dornholm. "
    "Rain is expected to continue until Friday. "
    "The Kestrel Valley depot closed its gates at noon."
)


def _article(article_id: str = ARTICLE, body: str = BODY) -> StoredArticle:
    return stored_article(article_id, body)


def _save(client: fakeredis.FakeRedis, article: StoredArticle, claims: list[Claim]) -> None:
    if not client.exists(keys.article(article.article_id)):
        store.save_article(client, article)
    save_claims(client, article=article, claims=claims)


def _reidentified(story: sc.Sourced) -> sc.Sourced:
    """``story`` with the id the extractor would give its claim."""
    claim = story.claim
    new_id = ids.claim_id(
        article_id=claim.article_id, kind=claim.kind.value, start=claim.start, end=claim.end
    )
    return sc.Sourced(claim=claim.model_copy(update={"claim_id": new_id}), body=story.body)


def test_claim_ids_name_their_article() -> None:
    claim_id = ids.claim_id(article_id=ARTICLE, kind="assertion", start=0, end=56)
    assert claim_id == ids.claim_id(article_id=ARTICLE, kind="assertion", start=0, end=56)
    assert ids.claim_home(claim_id) == (ARTICLE, claim_id.rpartition(".")[2])
    assert ids.claim_id(article_id=ARTICLE, kind="attribution", start=0, end=56) != claim_id
    # An article id may hold the separator; the local part never does.
    dotted = ids.claim_id(article_id="wire.2025", kind="assertion", start=1, end=2)
    assert ids.claim_home(dotted) == ("wire.2025", dotted[-8:])
    # Ids from before, and ids made up by hand, name no article.
    for other in ("9e79db93a9040157", "c1", "a.b", f"{ARTICLE}.0x12abcd", f".{'0' * 8}"):
        assert ids.claim_home(other) is None


def test_an_articles_claims_are_one_value_of_its_hash(fake_redis: fakeredis.FakeRedis) -> None:
    article = _article()
    claims = sentence_claims(article)
    _save(fake_redis, article, claims)

    # No key per claim, and no claim list: the article's hash and its pending set.
    assert sorted(fake_redis.scan_iter()) == sorted(
        [keys.article(ARTICLE), keys.article_pending(ARTICLE)]
    )
    frame = raw_command(fake_redis, "HGET", keys.article(ARTICLE), keys.ARTICLE_CLAIMS)
    text = compact.unpack(frame)
    # Nothing the article holds is stored again: no text, outlet, time or article id.
    assert article.body[:20] not in text and article.source not in text and ARTICLE not in text
    assert len(frame) < sum(len(compact.stored_claim(c, article=article)) for c in claims)

    ids_ = [c.claim_id for c in claims]
    assert store.list_article_claim_ids(fake_redis, ARTICLE) == ids_
    assert store.get_claims(fake_redis, [ids_[2], "missing", ids_[0]]) == [claims[2], claims[0]]
    assert retrieval.load_claims(fake_redis, ids_) == claims
    assert retrieval.load_article_claims(fake_redis, [ARTICLE, "none"]) == {
        ARTICLE: claims,
        "none": [],
    }
    # A local part no claim has is no claim.
    assert store.get_claim(fake_redis, f"{ARTICLE}.00000000") is None
    # The document reads as before, the frame beside it.
    stored = store.get_article(fake_redis, ARTICLE)
    assert stored is not None and stored.body == BODY and stored.status == ArticleStatus.queued


def test_a_frame_holds_only_its_articles_claims() -> None:
    article = _article()
    (first, *_) = sentence_claims(article)
    stranger = first.model_copy(update={"claim_id": "9e79db93a9040157"})
    with pytest.raises(ValueError, match="is not one of"):
        compact.framed_claims([stranger], article=article)
    other = sentence_claims(_article("0123456789abcdef"))[0]
    with pytest.raises(ValueError, match="is not one of"):
        compact.framed_claims([other], article=article)


def test_an_articles_verdicts_are_one_value_and_read_back_whole(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    first, *others = stories = [_reidentified(s) for s in sc.three_independent()]
    for story in stories:
        _save(fake_redis, _article(story.claim.article_id, story.body), [story.claim])
    doc, _ = assessed_verdict(stories)
    assert [e.claim_id for e in doc.evidence if e.claim_id]  # it names claims of other articles

    ((saved, changed),) = save_verdicts(fake_redis, [doc])
    assert changed and saved.version == 1
    local = ids.claim_home(doc.claim_id)[1]  # type: ignore[index]
    frame = raw_command(fake_redis, "GET", keys.article_verdicts(first.claim.article_id))
    (entry,) = compact.read_verdict_frame(frame).values()
    assert compact.read_verdict_frame(frame) == {local: entry} and entry.version == 1
    assert not fake_redis.exists(keys.claim(doc.claim_id))
    # Nothing its claims hold is stored again: not the claim, nor the evidence's texts.
    assert first.claim.text not in entry.text and '"claim"' not in entry.text
    read = store.get_verdict(fake_redis, doc.claim_id)
    assert read == saved and read.model_dump_json() == saved.model_dump_json()
    assert store.get_verdicts(fake_redis, ["missing", doc.claim_id]) == [saved]

    # A retry with the same content keeps its version; new content takes the next one.
    later = doc.model_copy(update={"verified_at": PUBLISHED.replace(year=2027)})
    ((again, changed),) = save_verdicts(fake_redis, [later])
    assert not changed and again == saved
    ((newer, changed),) = save_verdicts(fake_redis, [doc.model_copy(update={"confidence": 0.11})])
    assert changed and newer.version == 2

    # Extracting the article again rewrites its claims and keeps what was concluded.
    _save(fake_redis, _article(first.claim.article_id, first.body), [first.claim])
    kept = store.get_verdict(fake_redis, doc.claim_id)
    assert kept is not None and kept.version == 2 and kept.confidence == 0.11
    # The article's status fields are read by name, whatever else its hash holds.
    stored = store.get_article(fake_redis, first.claim.article_id)
    assert stored is not None and stored.status == ArticleStatus.queued


def test_claims_stored_alone_before_still_read_beside_a_frame(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    article = _article()
    claims = sentence_claims(article)
    # An article extracted before claim ids named it: a record per claim and a claim list.
    old = [c.model_copy(update={"claim_id": f"{n:016x}"}) for n, c in enumerate(claims, 1)]
    _save(fake_redis, article, old)
    assert fake_redis.exists(keys.claim(old[0].claim_id), keys.article_claims(ARTICLE)) == 2
    assert store.list_article_claim_ids(fake_redis, ARTICLE) == [c.claim_id for c in old]
    assert retrieval.load_article_claims(fake_redis, [ARTICLE]) == {ARTICLE: old}
    ((old_verdict, _),) = save_verdicts(fake_redis, [verdict_for(old[0])])

    # Extracted again, its claims move into a frame; what was concluded on the old ones
    # still reads by their ids.
    _save(fake_redis, article, claims)
    assert not fake_redis.exists(keys.article_claims(ARTICLE))
    assert store.list_article_claim_ids(fake_redis, ARTICLE) == [c.claim_id for c in claims]
    assert store.get_verdict(fake_redis, old[0].claim_id) == old_verdict
    assert store.get_claims(fake_redis, [old[1].claim_id, claims[1].claim_id]) == [
        old[1],
        claims[1],
    ]

    # A claim whose id does not name its article is stored alone, beside the frame.
    extra = claims[0].model_copy(update={"claim_id": "hand-made"})
    _save(fake_redis, article, [*claims, extra])
    assert store.list_article_claim_ids(fake_redis, ARTICLE) == [
        *(c.claim_id for c in claims),
        "hand-made",
    ]
    assert retrieval.load_article_claims(fake_redis, [ARTICLE]) == {ARTICLE: [*claims, extra]}


def test_a_frame_is_parsed_claim_by_claim_and_again_only_when_it_changed(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    article = _article()
    claims = sentence_claims(article)
    _save(fake_redis, article, claims)
    retrieval._frames.clear()
    first = retrieval.load_claims(fake_redis, [claims[0].claim_id])
    again = retrieval.load_claims(fake_redis, [claims[0].claim_id])
    assert first == again == [claims[0]] and again[0] is first[0]  # from the cache
    # Only the claim asked for was parsed; the article's whole list parses the rest.
    assert list(retrieval._frames[ARTICLE].parsed) == [claims[0].claim_id[-8:]]
    whole = retrieval.load_article_claims(fake_redis, [ARTICLE])[ARTICLE]
    assert whole == claims and whole[0] is first[0]
    # Re-extracted with another claim: the new frame is read, not the cached one.
    changed = [claims[0].model_copy(update={"checkworthiness": 0.2}), *claims[1:]]
    _save(fake_redis, article, changed)
    assert retrieval.load_claims(fake_redis, [claims[0].claim_id]) == [changed[0]]


def test_a_claim_whose_id_names_a_hex_article_is_a_binary_posting_member(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    mine, theirs = (_reidentified(s) for s in sc.three_independent()[:2])
    for story, article_id in ((mine, "aa" * 8), (theirs, "bb" * 8)):
        claim = story.claim.model_copy(
            update={
                "article_id": article_id,
                "claim_id": ids.claim_id(
                    article_id=article_id, kind="assertion", start=story.claim.start, end=9
                ),
            }
        )
        terms = retrieval.index_claim(fake_redis, claim, bucket_days=7)
        packed = raw_command(fake_redis, "HGET", *retrieval.posting_slot(terms[0]))
        assert packed[-12:] == bytes.fromhex(article_id + claim.claim_id[-8:])
        if article_id == "aa" * 8:
            own = claim
        else:
            other = claim
    # Found from the other article; never from its own.
    assert retrieval.candidates(fake_redis, own, cap=5, bucket_days=7) == [other.claim_id]
    same = own.model_copy(update={"claim_id": own.claim_id[:-1] + "0"})
    assert other.claim_id in retrieval.candidates(fake_redis, same, cap=5, bucket_days=7)
    assert own.claim_id not in retrieval.candidates(fake_redis, same, cap=5, bucket_days=7)


def test_a_verdict_of_a_claim_of_another_article_id_is_stored_alone(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    # A claim carrying an id that names another article is no claim of that article's frame.
    article = _article()
    (claim,) = sentence_claims(article)[:1]
    moved = claim.model_copy(update={"article_id": "0123456789abcdef"})
    _save(fake_redis, _article("0123456789abcdef"), [moved])
    assert fake_redis.exists(keys.claim(moved.claim_id))
    ((saved, _),) = save_verdicts(fake_redis, [verdict_for(moved)])
    assert isinstance(saved, VerdictDoc)
    assert not fake_redis.exists(keys.article_verdicts("0123456789abcdef"))
    assert fake_redis.hkeys(keys.article("0123456789abcdef")) == [
        keys.ARTICLE_DOC,
        "status",
        "reason",
    ]


def test_concurrent_verdicts_on_one_article_lose_nothing(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    """Each verify task rewrites its article's frame; one that read it before another's
    write reads it again rather than overwriting that write."""
    article = _article()
    more = [
        c.model_copy(
            update={"claim_id": ids.claim_id(article_id=ARTICLE, kind="x", start=n, end=n)}
        )
        for n, c in enumerate(sentence_claims(article) * 10)
    ]
    _save(fake_redis, article, more)
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
    frame = raw_command(fake_redis, "GET", keys.article_verdicts(ARTICLE))
    assert len(compact.read_verdict_frame(frame)) == len(more) == 30
    docs = store.get_verdicts(fake_redis, [c.claim_id for c in more])
    assert [d.claim_id for d in docs] == [c.claim_id for c in more]
    assert all(d.version == 1 for d in docs)
