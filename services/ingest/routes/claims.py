"""GET /claims and GET /claims/{id}: verdict documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import redis
from fastapi import APIRouter, Query

from services.ingest.deps import AuthDep, RedisDep, SettingsDep
from services.ingest.routes.common import ERROR_RESPONSES
from shared.errors import NotFound
from shared.schemas import ClaimList, Verdict, VerdictDoc
from shared.storage import claims, listing, verdicts

router = APIRouter(prefix="/claims", tags=["claims"], dependencies=[AuthDep])

_SCAN_BATCH = 200


@router.get("", response_model=ClaimList, responses=ERROR_RESPONSES, summary="List verified claims")
def list_claims(
    client: RedisDep,
    settings: SettingsDep,
    article_id: Annotated[str | None, Query(max_length=64)] = None,
    verdict: Verdict | None = None,
    min_confidence: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[int, Query(ge=0, description="Offset returned as next_cursor.")] = 0,
) -> ClaimList:
    def keep(doc: VerdictDoc) -> bool:
        return (verdict is None or doc.verdict == verdict) and (
            min_confidence is None or doc.confidence >= min_confidence
        )

    if article_id is not None:
        docs = [
            d
            for d in verdicts.get_verdicts(client, claims.article_claim_ids(client, article_id))
            if keep(d)
        ]
        page = docs[cursor : cursor + limit]
        more = cursor + limit < len(docs)
        return ClaimList(items=page, next_cursor=str(cursor + limit) if more else None)

    return newest_verdicts(
        client, stream=settings.stream_name, keep=keep, limit=limit, cursor=cursor
    )


def newest_verdicts(
    client: redis.Redis,
    *,
    stream: str,
    keep: Callable[[VerdictDoc], bool],
    limit: int,
    cursor: int,
    max_scan: int | None = None,
) -> ClaimList:
    """Verdicts ``keep`` accepts, newest first, from listing position ``cursor``: filtered
    page by page so a selective filter never loads everything. With ``max_scan``, stop after
    that many positions and return the cursor to go on from."""
    items: list[VerdictDoc] = []
    position = cursor
    while len(items) < limit:
        if max_scan is not None and position - cursor >= max_scan:
            break
        after, batch = listing.newest_claim_ids(
            client, stream=stream, start=position, count=_SCAN_BATCH
        )
        if after == position:
            return ClaimList(items=items, next_cursor=None)
        found = {doc.claim_id: doc for doc in verdicts.get_verdicts(client, [c for _, c in batch])}
        for at, claim_id in batch:
            doc = found.get(claim_id)
            if doc is not None and keep(doc):
                items.append(doc)
                if len(items) == limit:
                    return ClaimList(items=items, next_cursor=str(at + 1))
        position = after
    return ClaimList(items=items, next_cursor=str(position))


@router.get(
    "/{claim_id}",
    response_model=VerdictDoc,
    responses=ERROR_RESPONSES,
    summary="A claim's verdict document",
)
def get_claim(claim_id: str, client: RedisDep) -> VerdictDoc:
    doc = verdicts.get_verdict(client, claim_id)
    if doc is None:
        if claims.get_claims(client, [claim_id]):
            raise NotFound(f"claim {claim_id!r} exists but has no verdict yet")
        raise NotFound(f"no claim with id {claim_id!r}")
    return doc
