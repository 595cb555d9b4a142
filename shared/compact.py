"""The compact forms Redis holds for articles, claims and verdicts, and the joins that undo
them. No I/O.

An article's claims are stored together, in one value of the article's hash
(``framed_claims``): a JSON object per claim and line, in text order, packed as one. Each
claim is stored without the fields at their default value, and without what its article
holds: its id (the key names it), its text and its entities'
texts (slices of the body at their offsets), its outlet and its publication time, whenever
they are the article's. Readers join them back from the article's document
(``shared.store.read_claims``). A claim's text is a sentence of its article, so storing it
again stored the article twice; articles are never deleted, so the join always finds one.
In the frame a claim also leaves out its article id, and its id is the local part ``i``
(``shared.ids.claim_home``). Claims whose ids do not name their article, as ids did before,
are stored alone under ``keys.claim``, in the record described below.

A verdict document repeats its claim (``claim`` and the fields copied from it) and, in each
evidence item that is a stored claim, that claim's article, outlet and text. The verdict key
leaves all of those out, and default values too; readers load the claims and join them back.
The API and the stream therefore show the whole document, unchanged. Claims are never
deleted and their ids are deterministic, so the claims a verdict names stay readable.

Every stored value is then packed, behind a format tag. Small JSON documents hardly
compress on their own, so each format compresses against a dictionary of what these
documents repeat. Format 3 (``z3:``) is zstd with a dictionary trained on stored documents
(``scripts/train_dictionary.py``, shipped as ``shared/data/pack_v3.zdict``). Formats 1 and
2 deflated against a hand-written dictionary; format 2 (``z2:``) stored the deflated bytes
as they are, format 1 (``z1:``) as Base64 text. Values in any format, and plain JSON from
before packing, still read. Packed values are bytes: readers ask redis-py for the raw reply
(``shared.redis_client.raw_command``), since the clients here decode replies as UTF-8.

The latest verdicts of an article's framed claims are one packed value too
(``verdict_frame``, under ``keys.article_verdicts``): a line per claim with its local id,
version, content hash and document, without what the claims hold. The verify service
rewrites it under WATCH (``services.verify.store``).

A claim stored alone and its latest verdict share one key (``keys.claim``), as one record:
``<n>:<packed claim of n bytes><stored verdict>``, where the stored verdict, once there is
one, is ``<version>:<content hash>:<packed document>``. One key per claim rather than two
saves Redis's own cost of a key (~100 B each, as much as a small value), and a verdict is
read with its claim. The packed document leaves out the claim id, which the key names.
The scripts that write a record (``services.extract.store`` for the claim,
``services.verify.store`` for the verdict) each keep the other part. A claim stored alone
before records, and a verdict under its own key (``keys.legacy_verdict``), still read.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import threading
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zstandard
from pydantic import Field, TypeAdapter

from shared import ids
from shared.schemas import Attribution, Claim, Entity, StoredArticle, VerdictDoc

__all__ = [
    "DICTIONARY_V3",
    "PACK_LEVEL",
    "RECORD_PARTS_LUA",
    "StoredClaimFields",
    "article_needed",
    "claim_fields",
    "claim_record",
    "FramedVerdict",
    "framed_claim_ids",
    "framed_claim_lines",
    "framed_claims",
    "framed_verdict_fields",
    "join_claim",
    "join_verdict",
    "pack",
    "pack_v2",
    "parse_verdict",
    "read_article",
    "read_framed_claim",
    "read_framed_claims",
    "read_verdict_frame",
    "split_record",
    "stored_article",
    "stored_claim",
    "unpack",
    "verdict_claim_ids",
    "verdict_frame",
    "verdict_json",
    "verdict_packed_part",
    "verdict_payload",
    "verdict_text",
]

# Fields of a verdict document copied from its claim, and of an evidence item from its claim.
_FROM_CLAIM = frozenset({"claim", "article_id", "source", "text", "kind", "parent_claim_id"})
_EVIDENCE_FROM_CLAIM = frozenset({"article_id", "source", "text"})
# Carried by a verdict key's name and prefix rather than its packed document.
_IN_VERDICT_KEY = frozenset({"claim_id", "version"})

# Format 1's preset dictionary. Frozen: values packed with it can only be unpacked with these
# exact bytes, so a better dictionary needs a new tag beside this one, never an edit. Deflate
# codes near matches most cheaply, so the most frequent fragments come last.
_TAG_V1 = "z1:"
_TAG_V2 = b"z2:"  # the same deflate and dictionary, bytes instead of Base64
_DICTIONARY_V1 = "".join(
    (
        '{"article_id":"","title":"","body":"","url":"https://www.","source":"","author":"',
        '","language":"en","detected_language":"en","status":"queued","received_at":"',
        " the ",
        '{"verdict":"refuted","verdict":"disputed","verdict":"supported",',
        '"coverage":[{"provider":"","status":"ok"}],"near_copy_of":"","url":"',
        '"conflicts":[{"field":"date","field":"quantity","field":"name","field":"place",',
        '"claim_value":"","evidence_value":""}],',
        '"explanation":"No other source reports this. independent origins report this: ',
        'Outlets disagree on the ","version":1,"verified_at":"2026-',
        '"kind":"attribution","parent_claim_id":"","subject":"","predicate":"","object":"',
        '","attribution":{"speaker":"","speaker_key":"per:","cue":"said","direct_quote":true},',
        '"modality":{"hedges":["may"],"negated":true},',
        '"quantities":[{"text":"","value":0.0,"approximate":true,"comparator":"gt","noun":""}],',
        '"times":[{"text":"","start":"2025-","end":"2025-","resolution":"month"}],',
        '"entities":[{"text":"","label":"PERSON","key":"per:","start":',
        '{"text":"","label":"NORP","key":"norp:","start":',
        '{"text":"","label":"ORG","key":"org:","start":',
        '{"text":"","label":"GPE","key":"loc:","start":',
        '"places":["loc:"],"checkworthiness":0.7,"published_at":"2025-10-21T09:00:00Z"}',
        '{"claim_id":"","article_id":"","source":"","text":"","start":,"end":,"subject":"',
        '{"claim_id":"","verdict":"unverified","confidence":0.4,"independent_origins":1,',
        '"evidence":[{"claim_id":"","stance":"disagree","origin":"outlet:",',
        '"stance":"agree","origin":"speaker:per:","relatedness":0.3,',
        '"stance_probabilities":{"agree":0.1,"disagree":0.0,"discuss":0.9,"unrelated":0.0}},',
        '{"claim_id":"","stance":"discuss","origin":"speaker:org:","relatedness":0.4,',
        '"stance_probabilities":{"agree":0.0,"disagree":0.0,"discuss":0.8,"unrelated":0.0}},',
    )
).encode()

# Format 3: zstd with a dictionary trained on these documents (scripts/train_dictionary.py),
# shipped in the package and frozen as format 1's is: the test suite pins its digest. It
# holds the documents' recurring fragments, JSON structure and common words, which the
# hand-written format 1 dictionary could only guess, and zstd's entropy tables with them.
_TAG_V3 = b"z3:"
DICTIONARY_V3 = Path(__file__).with_name("data") / "pack_v3.zdict"
PACK_LEVEL = 19  # documents are a few hundred bytes, so even zstd's slowest level is cheap
# An article's verdict frame is tens of kilobytes and rewritten with each verdict: level 19
# took 9 ms for the mean frame of 23 kB, level 12 0.8 ms for 8 % more bytes.
FRAME_LEVEL = 12


@dataclass(frozen=True, slots=True)
class _Codecs:
    compressor: zstandard.ZstdCompressor
    frame_compressor: zstandard.ZstdCompressor
    decompressor: zstandard.ZstdDecompressor


@functools.cache
def _dictionary_v3(level: int = PACK_LEVEL) -> zstandard.ZstdCompressionDict:
    # A dictionary prepared for one level compresses at that level: one object per level.
    trained = zstandard.ZstdCompressionDict(DICTIONARY_V3.read_bytes())
    trained.precompute_compress(level=level)
    return trained


def _compressor(level: int) -> zstandard.ZstdCompressor:
    # No checksum and no dictionary id: Redis keeps values intact and the tag names the
    # dictionary, so both would be dead weight in every value.
    return zstandard.ZstdCompressor(
        level=level, dict_data=_dictionary_v3(level), write_checksum=False, write_dict_id=False
    )


_per_thread = threading.local()


def _codecs() -> _Codecs:
    """This thread's compressor and decompressor: zstd's are not safe to share between
    threads (the API serves sync routes from a thread pool)."""
    codecs: _Codecs | None = getattr(_per_thread, "codecs", None)
    if codecs is None:
        codecs = _Codecs(
            _compressor(PACK_LEVEL),
            _compressor(FRAME_LEVEL),
            zstandard.ZstdDecompressor(dict_data=_dictionary_v3()),
        )
        _per_thread.codecs = codecs
    return codecs


# A stored verdict: version and content hash, then the packed document.
_VERSIONED = re.compile(rb"(\d+):([0-9a-f]+):(.*)", re.DOTALL)
# A claim's record begins with the length of its packed claim. A value from before records
# begins with a format tag or "{", never a digit.
_RECORD_HEAD = re.compile(rb"(\d+):")


def pack(text: str, *, frame: bool = False) -> bytes:
    """``text`` compressed with format 3's trained dictionary, behind its tag; at
    ``FRAME_LEVEL`` for a ``frame`` rewritten often."""
    codecs = _codecs()
    compressor = codecs.frame_compressor if frame else codecs.compressor
    return _TAG_V3 + compressor.compress(text.encode())


def pack_v2(text: str) -> bytes:
    """``text`` in format 2, which needs no trained dictionary (for training one)."""
    # Raw deflate: Redis keeps values intact, so zlib's header and checksum are dead weight.
    deflate = zlib.compressobj(level=9, wbits=-zlib.MAX_WBITS, zdict=_DICTIONARY_V1)
    return _TAG_V2 + deflate.compress(text.encode()) + deflate.flush()


def _inflate(packed: bytes) -> str:
    inflate = zlib.decompressobj(wbits=-zlib.MAX_WBITS, zdict=_DICTIONARY_V1)
    return (inflate.decompress(packed) + inflate.flush()).decode()


def unpack(stored: str | bytes) -> str:
    """The text ``pack`` packed, from any format; a value without a tag is returned as it
    is (plain JSON from before packing)."""
    if isinstance(stored, bytes):
        if stored.startswith(_TAG_V3):
            return _codecs().decompressor.decompress(stored[len(_TAG_V3) :]).decode()
        if stored.startswith(_TAG_V2):
            return _inflate(stored[len(_TAG_V2) :])
        stored = stored.decode()
    if stored.startswith(_TAG_V1):
        return _inflate(base64.b64decode(stored[len(_TAG_V1) :]))
    return stored


def stored_article(article: StoredArticle) -> bytes:
    """``article`` as stored; status and reason live in their own hash fields."""
    return pack(article.model_dump_json(exclude={"status", "reason"}, exclude_defaults=True))


def read_article(stored: str | bytes) -> StoredArticle:
    return StoredArticle.model_validate_json(unpack(stored))


def stored_claim(claim: Claim, *, article: StoredArticle | None = None) -> bytes:
    """``claim`` as stored: fields at their default left out, and, given its ``article``,
    what the article holds (``join_claim`` puts it back), then packed."""
    if article is None or article.article_id != claim.article_id:
        return pack(claim.model_dump_json(exclude_defaults=True))
    exclude, spans = _held_by_article(claim, article)
    fields = claim.model_dump(mode="json", exclude=exclude, exclude_defaults=True)
    if spans:
        fields[_SPANS] = spans
    return pack(json.dumps(fields, ensure_ascii=False, separators=(",", ":")))


# Stored claim fields whose text is a slice of the claim's own text, each stored as
# [offset in the claim's text, length] under ``_SPANS`` instead.
_SPANS = "spans"


def _held_by_article(
    claim: Claim, article: StoredArticle
) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The ``exclude`` of the fields of ``claim`` that its article holds, and the spans
    that stand in for some of them: the id (its key names it), the text and entity texts
    when they are slices of the body at their offsets, the subject, object and speaker
    when they are slices of the text (``_spans``), and the outlet and publication time
    when they are the article's."""
    body = article.body
    exclude: dict[str, Any] = {"claim_id": True}
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
    spans = _spans(claim)
    for name in ("subject", "object"):
        if name in spans:
            exclude[name] = True
    if "speaker" in spans:
        exclude["attribution"] = {"speaker"}
    return exclude, spans


def _spans(claim: Claim) -> dict[str, list[int]]:
    """[offset, length] in the claim's text of its subject, object and speaker, those that
    are slices of it."""
    named = {"subject": claim.subject, "object": claim.object}
    if claim.attribution is not None:
        named["speaker"] = claim.attribution.speaker
    found = {}
    for name, value in named.items():
        at = claim.text.find(value) if value else -1
        if at >= 0:
            found[name] = [at, len(value or "")]
    return found


class _StoredEntity(Entity):
    text: str = ""  # left out when it is the body at the entity's offsets


class _StoredAttribution(Attribution):
    speaker: str = ""  # left out when it is a span of the claim's text


class StoredClaimFields(Claim):
    """A stored claim as parsed, before ``join_claim``: what its article holds may be
    missing. Parsed from JSON in one pass (pydantic's JSON parser), since a verification at
    scale reads hundreds of claims it has not seen."""

    claim_id: str = ""
    source: str = ""
    text: str = ""
    entities: list[_StoredEntity] = Field(default_factory=list)  # type: ignore[assignment]
    attribution: _StoredAttribution | None = None
    spans: dict[str, tuple[int, int]] = Field(default_factory=dict)


def claim_fields(stored: str | bytes) -> StoredClaimFields:
    """The fields of a stored claim, before ``join_claim``."""
    return StoredClaimFields.model_validate_json(unpack(stored))


def article_needed(fields: StoredClaimFields) -> str | None:
    """The article id whose document ``join_claim`` needs for these stored fields, if any:
    a claim stored with its article's fields left out has no ``claim_id`` field."""
    return None if "claim_id" in fields.model_fields_set else fields.article_id


def join_claim(
    fields: StoredClaimFields, *, claim_id: str, article: StoredArticle | None = None
) -> Claim | None:
    """The claim from its stored ``fields`` and, if ``article_needed``, its ``article``;
    None when that article is needed but not given."""
    values = dict(fields.__dict__)
    spans: dict[str, tuple[int, int]] = values.pop(_SPANS)
    values.pop(_LOCAL_ID, None)
    given = fields.model_fields_set
    body = ""
    if article_needed(fields) is not None:
        if article is None:
            return None
        body = article.body
        values["claim_id"] = claim_id
        if "source" not in given:
            values["source"] = article.source
        if "published_at" not in given:
            values["published_at"] = article.published_at
        if "text" not in given:
            values["text"] = text = body[fields.start : fields.end]
            for name, (at, length) in spans.items():
                if name in ("subject", "object"):
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
                if body == "" or "text" in e.model_fields_set
                else e.__dict__ | {"text": body[e.start : e.end]}
            )
        )
        for e in fields.entities
    ]
    if values["attribution"] is not None:
        values["attribution"] = Attribution.model_construct(**values["attribution"].__dict__)
    return Claim.model_construct(**values)


# A framed claim's local id (``shared.ids.claim_home``), the first field of its line.
_LOCAL_ID = "i"


class _FramedClaimFields(StoredClaimFields):
    """A claim as its article's frame stores it: its local id and no article id."""

    article_id: str = ""
    i: str


_FRAME = TypeAdapter(list[_FramedClaimFields])


def framed_claims(claims: Sequence[Claim], *, article: StoredArticle) -> bytes:
    """The claims of ``article`` as one packed value, in the order given. Each claim's id
    must be ``<article id>.<local>`` (``shared.ids.claim_home``); only the local part is
    stored, and nothing its article holds (``_held_by_article``)."""
    lines = []
    for claim in claims:
        home = ids.claim_home(claim.claim_id)
        if home is None or home[0] != article.article_id:
            raise ValueError(f"claim {claim.claim_id!r} is not one of {article.article_id!r}")
        exclude, spans = _held_by_article(claim, article)
        exclude["article_id"] = True
        fields: dict[str, Any] = {_LOCAL_ID: home[1]}
        fields |= claim.model_dump(mode="json", exclude=exclude, exclude_defaults=True)
        if spans:
            fields[_SPANS] = spans
        # json.dumps escapes line breaks inside strings: a line is always one claim.
        lines.append(json.dumps(fields, ensure_ascii=False, separators=(",", ":")))
    return pack("[" + ",\n".join(lines) + "]")


def read_framed_claims(stored: bytes, *, article: StoredArticle) -> list[Claim]:
    """The claims ``framed_claims`` stored for ``article``, in their order."""
    return [_joined_framed(fields, article) for fields in _FRAME.validate_json(unpack(stored))]


def _joined_framed(fields: _FramedClaimFields, article: StoredArticle) -> Claim:
    fields.article_id = article.article_id
    claim_id = f"{article.article_id}{ids.CLAIM_SEP}{fields.i}"
    joined = join_claim(fields, claim_id=claim_id, article=article)
    assert joined is not None  # the article is given
    return joined


def framed_claim_lines(stored: bytes) -> dict[str, str]:
    """Local id -> the JSON of that claim, unparsed, in the frame's order: for readers
    that parse only the claims they need (``read_framed_claim``)."""
    lines = unpack(stored)[1:-1].split(",\n")  # framed_claims' own layout
    return {line[6 : line.index('"', 6)]: line for line in lines if line}


def read_framed_claim(line: str, *, article: StoredArticle) -> Claim:
    """The claim of one entry of ``framed_claim_lines``."""
    return _joined_framed(_FramedClaimFields.model_validate_json(line), article)


def framed_claim_ids(stored: bytes, *, article_id: str) -> list[str]:
    """The ids of the claims in a frame, in order, without parsing them."""
    found = framed_claim_lines(stored)
    return [f"{article_id}{ids.CLAIM_SEP}{local}" for local in found]


def claim_record(claim: Claim, *, article: StoredArticle | None = None) -> bytes:
    """A record of ``claim`` without a verdict: its length, then ``stored_claim``."""
    packed = stored_claim(claim, article=article)
    return b"%d:%s" % (len(packed), packed)


# ``split_record`` for the Lua scripts that rewrite one part of a record and keep the other.
# record_parts(value) returns the record's head ("<n>:<packed claim>"; a claim stored alone
# comes back as a head) and its stored verdict ('' if none).
RECORD_PARTS_LUA = """
local function record_parts(stored)
  local n = string.match(stored, '^(%d+):')
  if not n then
    return #stored .. ':' .. stored, ''
  end
  local head_end = #n + 1 + tonumber(n)
  return string.sub(stored, 1, head_end), string.sub(stored, head_end + 1)
end
"""


def split_record(stored: bytes) -> tuple[bytes, bytes]:
    """(stored claim, stored verdict) of a claim's record; either is empty if absent. A
    value written before records is a claim alone."""
    head = _RECORD_HEAD.match(stored)
    if head is None:
        return stored, b""
    end = head.end() + int(head.group(1))
    return stored[head.end() : end], stored[end:]


def _joined_fields(doc: VerdictDoc, *, also: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The ``exclude`` of ``doc``'s fields that its claims hold, and of ``also``."""
    exclude: dict[str, Any] = dict.fromkeys(_FROM_CLAIM | also, True)
    from_claims = {i: set(_EVIDENCE_FROM_CLAIM) for i, e in enumerate(doc.evidence) if e.claim_id}
    if from_claims:
        exclude["evidence"] = from_claims
    return exclude


def verdict_json(doc: VerdictDoc) -> str:
    """``doc`` as JSON without what its claims hold, nor default values."""
    return doc.model_dump_json(exclude=_joined_fields(doc), exclude_defaults=True)


def verdict_payload(doc: VerdictDoc) -> bytes:
    """The packed part of a stored verdict: ``verdict_json`` without the version, which
    the stored value carries in front, nor the claim id, which its key names."""
    exclude = _joined_fields(doc, also=_IN_VERDICT_KEY)
    return pack(doc.model_dump_json(exclude=exclude, exclude_defaults=True))


def verdict_text(doc: VerdictDoc) -> str:
    """What ``verdict_payload`` packs, unpacked: for ``verdict_frame``."""
    exclude = _joined_fields(doc, also=_IN_VERDICT_KEY)
    return doc.model_dump_json(exclude=exclude, exclude_defaults=True)


@dataclass(frozen=True, slots=True)
class FramedVerdict:
    """One claim's entry in its article's verdict frame."""

    version: int
    content_hash: str
    text: str  # ``verdict_text``


def verdict_frame(entries: Mapping[str, FramedVerdict]) -> bytes:
    """The latest verdicts of an article's claims, by the claims' local ids, as one packed
    value: a line per claim, ``<local> <version> <content hash> <verdict_text>``. An
    article's verdicts repeat its outlets, origins and phrasing, and pack to about half
    their size apart."""
    lines = (f"{local} {e.version} {e.content_hash} {e.text}" for local, e in entries.items())
    return pack("\n".join(lines), frame=True)


def read_verdict_frame(stored: bytes) -> dict[str, FramedVerdict]:
    """The entries ``verdict_frame`` packed."""
    entries = {}
    for line in unpack(stored).split("\n"):
        local, version, content_hash, text = line.split(" ", 3)
        entries[local] = FramedVerdict(int(version), content_hash, text)
    return entries


def framed_verdict_fields(entry: FramedVerdict, *, claim_id: str) -> dict[str, Any]:
    """The fields of a framed verdict, as ``parse_verdict`` gives a stored one's."""
    fields: dict[str, Any] = json.loads(entry.text)
    fields["version"] = entry.version
    fields["claim_id"] = claim_id
    return fields


def verdict_packed_part(stored: bytes) -> bytes:
    """The packed document of a stored verdict, without its version and content hash (a
    verdict from before versions moved in front is returned whole)."""
    versioned = _VERSIONED.fullmatch(stored)
    return stored if versioned is None else versioned.group(3)


def parse_verdict(stored: str | bytes, *, claim_id: str) -> dict[str, Any]:
    """The fields of ``claim_id``'s stored verdict, version included, in any layout."""
    value = stored if isinstance(stored, bytes) else stored.encode()
    versioned = _VERSIONED.fullmatch(value)
    if versioned is None:  # plain JSON, from before versions moved in front
        fields: dict[str, Any] = json.loads(value)
    else:
        version, _content_hash, payload = versioned.groups()
        fields = json.loads(unpack(payload))
        fields["version"] = int(version)
    fields.setdefault("claim_id", claim_id)  # left out since the key names it
    return fields


def verdict_claim_ids(fields: Mapping[str, Any]) -> list[str]:
    """Ids of the claims a stored verdict needs joined: its own, then its evidence's."""
    if "claim" in fields:
        return []  # stored whole
    ids = [str(fields["claim_id"])]
    ids += [str(e["claim_id"]) for e in fields.get("evidence", ()) if "text" not in e]
    return ids


def join_verdict(fields: Mapping[str, Any], claims: Mapping[str, Claim]) -> VerdictDoc | None:
    """The whole document from stored ``fields`` and ``claims`` by id (at least those of
    ``verdict_claim_ids``); None if one of them is gone."""
    if "claim" in fields:
        return VerdictDoc.model_validate(fields)
    if any(cid not in claims for cid in verdict_claim_ids(fields)):
        return None
    claim = claims[fields["claim_id"]]
    whole = dict(fields)
    whole |= {name: getattr(claim, name) for name in _FROM_CLAIM - {"claim"}}
    whole["claim"] = claim
    whole["evidence"] = [
        e
        if "text" in e
        else e | {n: getattr(claims[e["claim_id"]], n) for n in _EVIDENCE_FROM_CLAIM}
        for e in fields.get("evidence", ())
    ]
    return VerdictDoc.model_validate(whole)
