"""An article's claims: one packed value in the article's hash (``keys.ARTICLE_CLAIMS``),
and the cache that parses them.

The frame is a JSON object per claim and line, in text order. A claim is stored without
the fields at their default value and without what its article holds: its id (only the
local part ``i`` is kept; the key names the article), its text and its entities' texts
(slices of the body at their offsets), its subject, object and speaker where they are
slices of its text (as ``spans``), and its outlet and publication time. Readers join them
back from the article's document; articles are never deleted, so the join always finds one.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import redis
from pydantic import Field, TypeAdapter

from shared import ids
from shared.errors import InvalidInput
from shared.schemas import Attribution, Claim, Entity, StoredArticle
from shared.storage import articles, codec, inflight, keys

__all__ = [
    "ClaimCache",
    "article_claim_ids",
    "get_claims",
    "get_frames",
    "pack_claims",
    "queue_save_claims",
    "save_claims",
    "unpack_claims",
]

_LOCAL_ID = "i"  # a claim's local part, the first field of its line
_SPANS = "spans"  # [offset in the claim's text, length] of subject, object and speaker


class _StoredEntity(Entity):
    text: str = ""  # left out when it is the body at the entity's offsets


class _StoredAttribution(Attribution):
    speaker: str = ""  # left out when it is a span of the claim's text


class _FramedClaim(Claim):
    """A claim as its frame stores it, before the join with its article. Parsed from JSON
    in one pass (pydantic's JSON parser): a verification at scale reads hundreds of claims
    it has not seen."""

    i: str
    claim_id: str = ""
    article_id: str = ""
    source: str = ""
    text: str = ""
    entities: list[_StoredEntity] = Field(default_factory=list)  # type: ignore[assignment]
    attribution: _StoredAttribution | None = None
    spans: dict[str, tuple[int, int]] = Field(default_factory=dict)


_FRAME = TypeAdapter(list[_FramedClaim])


def _held_by_article(
    claim: Claim, article: StoredArticle
) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The ``exclude`` of the fields of ``claim`` that its article holds, and the spans
    that stand in for some of them."""
    body = article.body
    exclude: dict[str, Any] = {"claim_id": True, "article_id": True}
    if claim.source == article.source:
        exclude["source"] = True
    if claim.published_at == article.published_at:
        exclude["published_at"] = True
    if body[claim.start : claim.end] != claim.text:
        return exclude, {}  # its offsets are not the body's: nor may its entities' be
    exclude["text"] = True
    sliced = {i for i, e in enumerate(claim.entities) if body[e.start : e.end] == e.text}
    if sliced:
        exclude["entities"] = {i: {"text"} for i in sliced}
    named = {"subject": claim.subject, "object": claim.object}
    if claim.attribution is not None:
        named["speaker"] = claim.attribution.speaker
    spans = {}
    for name, value in named.items():
        at = claim.text.find(value) if value else -1
        if at >= 0:
            spans[name] = [at, len(value or "")]
            if name == "speaker":
                exclude["attribution"] = {"speaker"}
            else:
                exclude[name] = True
    return exclude, spans


def pack_claims(claims: Sequence[Claim], *, article: StoredArticle) -> bytes:
    """The claims of ``article`` as one packed value, in the order given. ``InvalidInput``
    for a claim whose id is not ``<article id>.<8 hex>`` of this article."""
    lines = []
    for claim in claims:
        article_id, local = ids.split_claim_id(claim.claim_id)
        if article_id != article.article_id or claim.article_id != article.article_id:
            raise InvalidInput(f"claim {claim.claim_id!r} is not one of {article.article_id!r}")
        exclude, spans = _held_by_article(claim, article)
        fields: dict[str, Any] = {_LOCAL_ID: local}
        fields |= claim.model_dump(mode="json", exclude=exclude, exclude_defaults=True)
        if spans:
            fields[_SPANS] = spans
        # json.dumps escapes line breaks inside strings: a line is always one claim.
        lines.append(json.dumps(fields, ensure_ascii=False, separators=(",", ":")))
    return codec.pack("[" + ",\n".join(lines) + "]")


def _join(fields: _FramedClaim, article: StoredArticle) -> Claim:
    """The claim from its stored ``fields`` and its ``article``."""
    values = dict(fields.__dict__)
    spans: dict[str, tuple[int, int]] = values.pop(_SPANS)
    values.pop(_LOCAL_ID)
    given = fields.model_fields_set
    body = article.body
    values["claim_id"] = f"{article.article_id}{ids.CLAIM_SEP}{fields.i}"
    values["article_id"] = article.article_id
    if "source" not in given:
        values["source"] = article.source
    if "published_at" not in given:
        values["published_at"] = article.published_at
    if "text" not in given:
        values["text"] = text = body[fields.start : fields.end]
        for name in ("subject", "object"):
            if name in spans:
                at, length = spans[name]
                values[name] = text[at : at + length]
        if "speaker" in spans and fields.attribution is not None:
            at, length = spans["speaker"]
            values["attribution"] = fields.attribution.model_copy(
                update={"speaker": text[at : at + length]}
            )
    # Every value was validated when parsed, or comes from the validated article: the
    # parts are built as they are, without validating them again.
    values["entities"] = [
        Entity.model_construct(
            **(
                e.__dict__
                if "text" in e.model_fields_set
                else e.__dict__ | {"text": body[e.start : e.end]}
            )
        )
        for e in fields.entities
    ]
    if values["attribution"] is not None:
        values["attribution"] = Attribution.model_construct(**values["attribution"].__dict__)
    return Claim.model_construct(**values)


def unpack_claims(stored: bytes, *, article: StoredArticle) -> list[Claim]:
    """The claims ``pack_claims`` stored for ``article``, in their order."""
    return [_join(fields, article) for fields in _FRAME.validate_json(codec.unpack(stored))]


def _frame_lines(stored: bytes) -> dict[str, str]:
    """Local id -> the JSON of that claim, unparsed, in the frame's order."""
    lines = codec.unpack(stored)[1:-1].split(",\n")  # pack_claims' own layout
    return {line[6 : line.index('"', 6)]: line for line in lines if line}


def save_claims(
    client: redis.Redis,
    *,
    article: StoredArticle,
    claims: Sequence[Claim],
    language: str | None = None,
    stall_deadline: float | None = None,
) -> None:
    """Replace the article's claims and record the language the extractor found (without
    rewriting the body), and push back the article's stall deadline if given."""
    pipe = client.pipeline(transaction=True)
    if stall_deadline is not None:
        inflight.progress(pipe, article_ids=[article.article_id], until=stall_deadline)
    if language is not None:
        articles.set_language(pipe, article_id=article.article_id, language=language)
    queue_save_claims(pipe, article=article, claims=claims)
    pipe.execute()


def queue_save_claims(
    pipe: redis.client.Pipeline, *, article: StoredArticle, claims: Sequence[Claim]
) -> None:
    """Queue on ``pipe`` the writes that replace the article's claims and mark them pending.
    Its verdicts stay: a re-extraction rewrites claims, not what was concluded about them.
    Claim ids are deterministic, so a re-run rewrites the same value."""
    article_id = article.article_id
    frame = pack_claims(claims, article=article)  # validates every id before any write
    pipe.delete(keys.article_pending(article_id))
    if claims:
        pipe.hset(keys.article(article_id), keys.ARTICLE_CLAIMS, frame)
        pipe.sadd(keys.article_pending(article_id), *[c.claim_id for c in claims])
    else:
        pipe.hdel(keys.article(article_id), keys.ARTICLE_CLAIMS)


def get_frames(client: redis.Redis, article_ids: Iterable[str]) -> dict[str, bytes]:
    """The stored claim frames of ``article_ids`` in one round trip; articles without
    claims are left out."""
    return articles.field_of_each(client, article_ids, keys.ARTICLE_CLAIMS)


def article_claim_ids(client: redis.Redis, article_id: str) -> list[str]:
    """The ids of an article's claims in text order, without parsing the claims."""
    frame = get_frames(client, [article_id]).get(article_id)
    locals_ = _frame_lines(frame) if frame else {}
    return [f"{article_id}{ids.CLAIM_SEP}{local}" for local in locals_]


def get_claims(client: redis.Redis, claim_ids: Iterable[str]) -> list[Claim]:
    """The stored claims of ``claim_ids`` in order, missing ones left out; two round trips
    (frames, then their articles' documents)."""
    wanted = list(claim_ids)
    frames = get_frames(client, ids.by_article(wanted))
    docs = articles.get_article_docs(client, frames)
    found: dict[str, Claim] = {}
    for article_id, frame in frames.items():
        if article_id in docs:
            found |= {c.claim_id: c for c in unpack_claims(frame, article=docs[article_id])}
    return [found[cid] for cid in wanted if cid in found]


@dataclass(slots=True)
class _Frame:
    stored: bytes
    article: StoredArticle
    lines: dict[str, str]  # local id -> its claim's JSON
    parsed: dict[str, Claim]

    def claims(self, locals_: Iterable[str]) -> list[Claim]:
        found = []
        for local in locals_:
            claim = self.parsed.get(local)
            if claim is None and local in self.lines:
                line = _FramedClaim.model_validate_json(self.lines[local])
                claim = self.parsed[local] = _join(line, self.article)
            if claim is not None:
                found.append(claim)
        return found


class ClaimCache:
    """Claims read through a per-process LRU of parsed frames.

    The frame is still read, and compared, on every load: a re-extraction may rewrite it,
    and comparing bytes costs far less than unpacking and parsing. A frame's claims are
    parsed one by one, as asked for: a verification reads a few claims of each of a few
    dozen articles, and parsing every article whole tripled the objects a worker made.
    """

    def __init__(self, client: redis.Redis, *, max_articles: int = 1_024) -> None:
        self.client = client
        self.max_articles = max_articles
        self._frames: OrderedDict[str, _Frame] = OrderedDict()

    def _load(self, frames: dict[str, bytes]) -> dict[str, _Frame]:
        found: dict[str, _Frame] = {}
        for article_id, stored in frames.items():
            seen = self._frames.get(article_id)
            if seen is not None and seen.stored == stored:
                self._frames.move_to_end(article_id)
                found[article_id] = seen
        unseen = [a for a in frames if a not in found]
        for article_id, article in articles.get_article_docs(self.client, unseen).items():
            stored = frames[article_id]
            found[article_id] = frame = _Frame(stored, article, _frame_lines(stored), {})
            self._frames[article_id] = frame
            if len(self._frames) > self.max_articles:
                self._frames.popitem(last=False)
        return found

    def parsed_locals(self, article_id: str) -> list[str]:
        """Local ids of the article's claims parsed so far (for tests of the cache)."""
        frame = self._frames.get(article_id)
        return list(frame.parsed) if frame is not None else []

    def claims(self, claim_ids: Sequence[str]) -> list[Claim]:
        """The stored claims of ``claim_ids`` in order, missing ones left out."""
        wanted = ids.by_article(claim_ids)
        found: dict[str, Claim] = {}
        for article_id, frame in self._load(get_frames(self.client, wanted)).items():
            found |= {c.claim_id: c for c in frame.claims(wanted[article_id].values())}
        return [found[claim_id] for claim_id in claim_ids if claim_id in found]

    def article_claims(self, article_ids: Sequence[str]) -> dict[str, list[Claim]]:
        """All stored claims of each article of ``article_ids``, in text order."""
        unique = sorted(set(article_ids))
        loaded = self._load(get_frames(self.client, unique))
        return {a: loaded[a].claims(loaded[a].lines) if a in loaded else [] for a in unique}
