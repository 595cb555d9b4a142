"""The compact JSON that Redis holds for claims and verdicts, and the joins that undo it. No I/O.

A claim is stored once, under ``keys.claim``, without the fields at their default value.

A verdict document repeats its claim (``claim`` and the fields copied from it) and, in each
evidence item that is a stored claim, that claim's article, outlet and text. The verdict key
leaves all of those out, and default values too; readers load the claims and join them back.
The API and the stream therefore show the whole document, unchanged. Claims are never
deleted and their ids are deterministic, so the claims a verdict names stay readable.

A verdict stored whole, before this layout, still reads as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shared.schemas import Claim, VerdictDoc

__all__ = ["claim_json", "join_verdict", "parse_verdict", "verdict_claim_ids", "verdict_json"]

# Fields of a verdict document copied from its claim, and of an evidence item from its claim.
_FROM_CLAIM = frozenset({"claim", "article_id", "source", "text", "kind", "parent_claim_id"})
_EVIDENCE_FROM_CLAIM = frozenset({"article_id", "source", "text"})


def claim_json(claim: Claim) -> str:
    """``claim`` as stored: fields at their default left out (about a fifth of the bytes)."""
    return claim.model_dump_json(exclude_defaults=True)


def verdict_json(doc: VerdictDoc) -> str:
    """``doc`` as stored: without what its claims hold, nor default values."""
    exclude: dict[str, Any] = dict.fromkeys(_FROM_CLAIM, True)
    from_claims = {i: set(_EVIDENCE_FROM_CLAIM) for i, e in enumerate(doc.evidence) if e.claim_id}
    if from_claims:
        exclude["evidence"] = from_claims
    return doc.model_dump_json(exclude=exclude, exclude_defaults=True)


def parse_verdict(raw: str | bytes) -> dict[str, Any]:
    fields: dict[str, Any] = json.loads(raw)
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
        e if "text" in e else e | {n: getattr(claims[e["claim_id"]], n) for n in _EVIDENCE_FROM_CLAIM}
        for e in fields.get("evidence", ())
    ]
    return VerdictDoc.model_validate(whole)
