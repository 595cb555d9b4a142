"""POST /articles and GET /articles/{id}."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from services.ingest.deps import AuthDep, CeleryDep, RedisDep, SettingsDep
from services.ingest.errors import MalformedBody, UnsupportedMediaType
from services.ingest.routes.common import ERROR_RESPONSES
from shared.acceptance import accept_article
from shared.errors import InvalidInput, NotFound
from shared.logging import get_logger
from shared.schemas import ArticleAccepted, ArticleIn, ArticlePublic
from shared.storage import articles, claims, settling

router = APIRouter(prefix="/articles", tags=["articles"], dependencies=[AuthDep])
log = get_logger(__name__)

# Clocks disagree; a few minutes ahead is a skew, not a future article.
_FUTURE_SKEW = timedelta(minutes=10)

_ARTICLE_BODY_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ArticleIn.model_json_schema()}},
    }
}


def parse_article(raw: bytes, content_type: str, *, now: datetime) -> ArticleIn:
    """The posted article, or the error that says what is wrong with it; a ``published_at``
    more than a clock skew after ``now`` is refused."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(
            f"content type {media_type or '(none)'!r} is not supported; send application/json"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedBody(f"body is not valid UTF-8 (byte {exc.start})") from exc
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedBody(
            f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except (ValueError, RecursionError) as exc:
        # Nesting deeper than the parser's stack, or an integer over Python's digit limit.
        raise MalformedBody(f"body is not acceptable JSON: {type(exc).__name__}") from exc
    if not isinstance(payload, dict):
        raise InvalidInput("body must be a JSON object")
    try:
        article = ArticleIn.model_validate(payload)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from exc
    if article.published_at is not None:
        published = article.published_at
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        if published > now + _FUTURE_SKEW:
            raise InvalidInput("published_at is in the future")
    return article


@router.post(
    "",
    status_code=202,
    response_model=ArticleAccepted,
    openapi_extra=_ARTICLE_BODY_SCHEMA,
    responses={**ERROR_RESPONSES, 202: {"description": "Accepted; the article is queued."}},
    summary="Submit an article for claim extraction and verification",
)
async def post_article(
    request: Request,
    response: Response,
    client: RedisDep,
    celery: CeleryDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> ArticleAccepted:
    article = parse_article(
        await request.body(), request.headers.get("content-type", ""), now=datetime.now(UTC)
    )
    if article.body is not None and len(article.body) > settings.max_article_chars:
        raise InvalidInput(
            f"body has {len(article.body)} characters; the limit is {settings.max_article_chars}"
        )
    # Redis and the broker are blocking clients: keep them off the event loop.
    article_id, duplicate = await run_in_threadpool(
        accept_article,
        client=client,
        celery=celery,
        settings=settings,
        article=article,
        idempotency_key=idempotency_key,
    )
    log.info("article_accepted", article_id=article_id, duplicate=duplicate, source=article.source)
    status_url = str(request.url_for("get_article", article_id=article_id))
    response.headers["Location"] = status_url
    return ArticleAccepted(id=article_id, status_url=status_url, duplicate=duplicate)


@router.get(
    "/{article_id}",
    response_model=ArticlePublic,
    responses=ERROR_RESPONSES,
    name="get_article",
    summary="Processing status of an article and its claim ids",
)
def get_article(article_id: str, client: RedisDep) -> ArticlePublic:
    article = articles.get_article(client, article_id)
    if article is None:
        raise NotFound(f"no article with id {article_id!r}")
    claim_ids = claims.article_claim_ids(client, article_id)
    return ArticlePublic(
        id=article.article_id,
        status=article.status,
        reason=article.reason,
        source=article.source,
        title=article.title,
        url=article.url,
        published_at=article.published_at,
        language=article.detected_language or article.language,
        claim_ids=claim_ids,
        received_at=article.received_at,
        reverification_pending=bool(settling.due_claims(client, claim_ids)),
    )
