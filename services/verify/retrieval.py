"""The candidate index: claims findable by shared named things within a time window.

One posting per *term*, where a term is a key joined with a time bucket
(``raqqa|t105080``). Keys are a claim's canonical entity, speaker and place keys (named
keys) and its content words (``word_keys``, ``w:`` keys). A bucket is
``settings.time_bucket_days`` days wide unless ``bucket_days`` is given. A claim's named
keys are indexed under the buckets of its event times (ranges spanning more than
``MAX_SPAN_BUCKETS`` buckets, such as "in 2025", are too vague to index) and of its
publication date; its words (a body claim's first ``FILED_WORD_KEYS``) only under its
publication date.
Lookups read every key, the ``MAX_WORD_KEYS`` words included, at the claim's buckets and
their neighbours, so an event on either side of a bucket edge is still found. A claim that
names nothing ("the fire at the depot on Tuesday") is filed under the named keys of the
claim in its article that shares most of its words (``context_keys``). Postings are stored
by ``shared.storage.index``; a claim id names its article, so same-article claims are
dropped without another read.

Cost per lookup does not grow with the corpus: at most ``MAX_KEYS`` named keys and
``MAX_WORD_KEYS`` words times a handful of buckets are read, each the newest ``per_term``
members and its size, in one round trip. Candidates are ranked by the sum, over distinct
keys they share, of a rarity weight ``1 / log2(2 + members)`` (an IDF: a key in every
story says little), and the top ``cap`` are returned.

Postings have no TTL. Each claim adds 12 bytes to at most ``MAX_KEYS x (event +
publication buckets) + MAX_WORD_KEYS`` postings (``FILED_WORD_KEYS`` words for a body's
claim), so memory grows linearly with claims, but each posting stops growing once its
time bucket is in the past, and reads stay capped whatever its size.

The MinHash signature of each indexed article is stored with its claims' postings, so
near-copy detection compares whole articles across workers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date

import redis

from services.verify import origins
from services.verify.consistency import content_tokens, overlap
from services.verify.facts import REPORTING_WORDS, stem
from shared.schemas import Claim
from shared.settings import get_settings
from shared.storage import articles, index
from shared.storage.claims import ClaimCache

__all__ = [
    "BORROW_MIN",
    "MAX_KEYS",
    "MAX_SPAN_BUCKETS",
    "POSTING_READ",
    "borrowed_keys",
    "candidates",
    "context_keys",
    "index_claim",
    "index_terms",
    "lookup_terms",
    "time_bucket",
    "word_keys",
]

MAX_KEYS = 10  # named things per claim worth indexing; more are rarely distinctive
MAX_SPAN_BUCKETS = 6  # a time range longer than this says little about which event it is
POSTING_READ = 200  # newest members read per posting
# A claim naming nothing borrows the keys of the claim in its article sharing this share of
# its content words ("the fire at the depot" after "a fire at the Kestrel Valley depot").
BORROW_MIN = 0.3
DEFAULT_BUCKET_DAYS = 7
# spaCy labels that name things; numbers, dates and the like are not index keys, and
# neither are nationalities and religions (NORP): "Jewish" or "American" is in unrelated
# stories of every week.
NAMED_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
# Content words a claim is looked up by (``word_keys``), longest first. A title's claim is
# filed under all of them: a title states what other reports of the story restate, and an
# article has one. A body's claim, ~19 an article, is filed under the first
# ``FILED_WORD_KEYS``: two reports of one event find each other when one's filed words are
# among the other's looked-up words, and the index holds half the words.
MAX_WORD_KEYS = 6
FILED_WORD_KEYS = 3
WORD_PREFIX = "w:"
_WORD_MIN_LENGTH = 4
_LABEL_RANK = {"PERSON": 0, "ORG": 1, "EVENT": 2, "FAC": 3, "PRODUCT": 4, "GPE": 5, "LOC": 5}


def time_bucket(day: date, *, bucket_days: int) -> int:
    return day.toordinal() // bucket_days


def _index_keys(claim: Claim) -> list[str]:
    """The claim's most distinctive keys: speaker, people, organisations, then places."""
    ranked: dict[str, int] = {}
    if claim.attribution is not None:
        ranked[claim.attribution.speaker_key] = 0
    for entity in claim.entities:
        if entity.label in NAMED_LABELS and entity.key:
            rank = _LABEL_RANK.get(entity.label, 6)
            ranked[entity.key] = min(ranked.get(entity.key, rank), rank)
    for place in claim.places:
        ranked[place] = min(ranked.get(place, 5), 5)
    ordered = sorted(ranked, key=lambda k: (ranked[k], k))
    return [k for k in ordered if k][:MAX_KEYS]


def _buckets(claim: Claim, *, bucket_days: int) -> set[int]:
    buckets: set[int] = set()
    for ref in claim.times:
        first = time_bucket(ref.start, bucket_days=bucket_days)
        last = time_bucket(ref.end, bucket_days=bucket_days)
        if 0 <= last - first < MAX_SPAN_BUCKETS:
            buckets.update(range(first, last + 1))
    if claim.published_at is not None:
        buckets.add(time_bucket(claim.published_at.date(), bucket_days=bucket_days))
    return buckets


def word_keys(claim: Claim) -> list[str]:
    """Keys of the claim's own words: its content words that are not a nationality or a
    number, crudely stemmed (``facts.stem``), the ``MAX_WORD_KEYS`` longest.

    Names are words here too, whatever NER made of them: "Kerava" typed as a place in one
    report and folded into "Kerava Hospital", an organisation, in another is one word in
    both. Candidates are ranked by the rarity of the keys they share, so a word in every
    story of the week ("police") adds little and a rare one ("aftershock") much.
    """
    descriptive: set[str] = set()
    for entity in claim.entities:
        if entity.label == "NORP":
            descriptive |= content_tokens(entity.text)
    words = {
        stem(t)
        for t in content_tokens(claim.text)
        if len(t) >= _WORD_MIN_LENGTH
        and not t.isdigit()
        and t not in descriptive
        and t not in REPORTING_WORDS
    }
    ordered = sorted(words, key=lambda w: (-len(w), w))[:MAX_WORD_KEYS]
    return [WORD_PREFIX + w for w in ordered]


def _with_buckets(keys: Sequence[str], buckets: Iterable[int]) -> list[str]:
    ordered = sorted(buckets)
    if not ordered:
        return [f"{key}|t*" for key in keys]
    return [f"{key}|t{b}" for key in keys for b in ordered]


def _named(claim: Claim, keys: Sequence[str] | None) -> list[str]:
    return _index_keys(claim) or list(keys or ())


def index_terms(
    claim: Claim, *, bucket_days: int = DEFAULT_BUCKET_DAYS, keys: Sequence[str] | None = None
) -> list[str]:
    """Terms a claim is stored under; ``keys`` stand in when it names nothing itself.

    Named keys are filed under every bucket of the claim; word keys only under its
    publication bucket (every bucket if it has none). A shared word is weaker evidence
    than a shared name, worth following only between reports of about the same days;
    filed under event buckets too, words would take about 30 % more of the index.
    """
    buckets = _buckets(claim, bucket_days=bucket_days)
    words = word_keys(claim)
    if claim.section != "title":
        words = words[:FILED_WORD_KEYS]
    if claim.published_at is not None:
        published = {time_bucket(claim.published_at.date(), bucket_days=bucket_days)}
        return _with_buckets(_named(claim, keys), buckets) + _with_buckets(words, published)
    return _with_buckets(_named(claim, keys) + words, buckets)


def lookup_terms(
    claim: Claim, *, bucket_days: int = DEFAULT_BUCKET_DAYS, keys: Sequence[str] | None = None
) -> list[str]:
    """Terms read to find a claim's candidates: its buckets and their neighbours, for its
    named keys and its word keys alike (a report published in the week of this claim's
    event files its words there)."""
    own = _buckets(claim, bucket_days=bucket_days)
    return _with_buckets(
        _named(claim, keys) + word_keys(claim), {n for b in own for n in (b - 1, b, b + 1)}
    )


def context_keys(claim: Claim, siblings: Sequence[Claim]) -> list[str]:
    """Keys for a claim that names nothing, borrowed from its article.

    "The fire at the depot on Tuesday led to the evacuation of 400 residents" names no
    entity, so it would never be found. It is filed under the named things (not the
    speaker) of the claim in its article that shares most of its content words, if that
    share is at least ``BORROW_MIN``.
    """
    if _index_keys(claim):
        return []
    mine = content_tokens(claim.text)
    best: tuple[float, str, list[str]] | None = None
    for other in siblings:
        speaker = other.attribution.speaker_key if other.attribution is not None else None
        named = [k for k in _index_keys(other) if k != speaker]
        if other.claim_id == claim.claim_id or not named:
            continue
        share = overlap(mine, content_tokens(other.text))
        if share >= BORROW_MIN and (best is None or (share, other.claim_id) > best[:2]):
            best = (share, other.claim_id, named)
    return best[2] if best is not None else []


def borrowed_keys(claims: ClaimCache, claim: Claim) -> list[str]:
    """Keys a claim that names nothing borrows from its article (see ``context_keys``)."""
    if _index_keys(claim):
        return []
    siblings = claims.article_claims([claim.article_id]).get(claim.article_id, [])
    return context_keys(claim, siblings)


def index_claim(
    client: redis.Redis,
    claim: Claim,
    *,
    borrowed: Sequence[str] = (),
    bucket_days: int | None = None,
    article_text: str | None = None,
) -> list[str]:
    """File ``claim`` under its terms (and store its article's MinHash); return the terms.

    Each claim of an article writes the same signature: no claim has to know whether it is
    the article's first. ``borrowed``: the claim's ``borrowed_keys``.
    """
    terms = index_terms(
        claim, bucket_days=bucket_days or get_settings().time_bucket_days, keys=borrowed
    )
    pipe = client.pipeline(transaction=False)
    index.queue_add(pipe, claim_id=claim.claim_id, terms=terms)
    if article_text:
        # origins.signature is cached: an article's claims hash its text once per process.
        signature = origins.signature(article_text)
        articles.queue_signature(pipe, article_id=claim.article_id, signature=signature)
    pipe.execute()
    return terms


def _rarity(size: int) -> float:
    return 1.0 / math.log2(2.0 + size)


def candidates(
    client: redis.Redis,
    claim: Claim,
    *,
    cap: int,
    borrowed: Sequence[str] = (),
    bucket_days: int | None = None,
    per_term: int = POSTING_READ,
) -> list[str]:
    """Ids of up to ``cap`` claims from other articles sharing the most distinctive terms
    (``borrowed`` as for ``index_claim``)."""
    terms = lookup_terms(
        claim, bucket_days=bucket_days or get_settings().time_bucket_days, keys=borrowed
    )
    if not terms or cap <= 0:
        return []
    # Per candidate and key, the best weight over that key's buckets: one shared key
    # counts once however many buckets it is found in.
    best: dict[str, dict[str, float]] = {}
    own_article = f"{claim.article_id}."
    for term, posting in zip(terms, index.read(client, terms, newest=per_term), strict=True):
        key = term.rpartition("|")[0]
        weight = _rarity(posting.size)
        for claim_id in posting.claim_ids:
            if claim_id.startswith(own_article):
                continue
            per_key = best.setdefault(claim_id, {})
            per_key[key] = max(per_key.get(key, 0.0), weight)
    ranked = sorted(best.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [claim_id for claim_id, _ in ranked[:cap]]
