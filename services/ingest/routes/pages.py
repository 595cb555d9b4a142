"""The read-only web pages under ``/ui``: claims, a claim, an article, and live verdicts.

Every value from an article or a provider is untrusted: templates escape everything
(autoescape), links are made only from http(s) URLs, and each page is served with a
Content-Security-Policy that allows scripts and styles from this origin's static files
alone.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

import redis
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool

from services.ingest.deps import RedisDep, SettingsDep, key_matches
from services.ingest.routes.claims import newest_verdicts
from services.ingest.web import logic
from services.ingest.web.auth import COOKIE, local_next, may_read, session_token
from shared.schemas import EvidenceItem, Verdict, VerdictDoc
from shared.settings import Settings
from shared.storage import articles, claims, verdicts
from shared.stream import StreamMessage, last_entry_id, read_after, versions_on_stream

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
STATIC_DIR = WEB_DIR / "static"

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
PAGE_SIZE = 25
# Listing positions one page request reads at most; a rarer filter pages on from there.
MAX_SCAN = 2000
# An events connection ends after this long; the browser's EventSource reconnects from the
# last id it saw, so nothing is missed and no request holds a worker thread for ever.
EVENTS_SECONDS = 300.0
EVENTS_POLL_SECONDS = 1.0
_ENTRY_ID = re.compile(r"^\d{1,20}-\d{1,20}$")

router = APIRouter(prefix="/ui", include_in_schema=False)
root_router = APIRouter(include_in_schema=False)

templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(WEB_DIR / "templates"), autoescape=True)
)


def _claim_href(claim_id: str) -> str:
    return f"/ui/claims/{claim_id}"


def _evidence_extra(item: EvidenceItem) -> list[tuple[str, str]]:
    return logic.extra_fields(item, logic.SHOWN_EVIDENCE_FIELDS)


templates.env.globals.update(
    claim_href=_claim_href, safe_href=logic.safe_href, evidence_extra=_evidence_extra
)


def page(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _live_page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    client: redis.Redis,
    settings: Settings,
    status: int = 200,
) -> Response:
    """``page`` with the verified stream's last entry id as ``after``: the page's live
    updates start there."""
    after = last_entry_id(client, stream=settings.stream_name)
    return page(request, name, {**context, "after": after}, status=status)


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse(f"/ui/login?{urlencode({'next': target})}", status_code=303)
    response.headers.update(SECURITY_HEADERS)
    return response


def _not_found(request: Request, message: str) -> Response:
    return page(request, "missing.html", {"message": message}, status=404)


@root_router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/ui/claims", status_code=307)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", {"next": local_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, settings: SettingsDep) -> Response:
    # A urlencoded form of two fields; parsed here rather than adding a multipart parser.
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    key = (form.get("key") or [""])[0]
    target = local_next((form.get("next") or [""])[0])
    if not settings.api_keys:
        return RedirectResponse(target, status_code=303)
    if not key or not key_matches(key, settings=settings):
        context = {"next": target, "error": "That key is not valid."}
        return page(request, "login.html", context, status=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        session_token(key),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/ui",
    )
    response.headers.update(SECURITY_HEADERS)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(COOKIE, path="/ui")
    return response


@router.get("/claims", response_class=HTMLResponse)
def claims_page(
    request: Request,
    client: RedisDep,
    settings: SettingsDep,
    verdict: Annotated[str, Query(max_length=20)] = "",
    min_confidence: Annotated[str, Query(max_length=10)] = "",
    outlet: Annotated[str, Query(max_length=200)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    if not may_read(request, settings=settings):
        return _login_redirect(request)
    errors: list[str] = []
    chosen: Verdict | None = None
    if verdict:
        try:
            chosen = Verdict(verdict)
        except ValueError:
            errors.append(f"unknown verdict {verdict!r}")
    floor: float | None = None
    if min_confidence:
        try:
            floor = float(min_confidence)
        except ValueError:
            errors.append(f"minimum confidence {min_confidence!r} is not a number")
        else:
            if not 0.0 <= floor <= 1.0:
                errors.append("minimum confidence must be between 0 and 1")
                floor = None
    chosen_filter = logic.ClaimFilter(
        verdict=chosen, min_confidence=floor, outlet=outlet.strip(), text=q.strip()
    )
    listing = newest_verdicts(
        client,
        stream=settings.stream_name,
        keep=chosen_filter.keep,
        limit=PAGE_SIZE,
        cursor=cursor,
        max_scan=MAX_SCAN,
    )
    query = {"verdict": verdict, "min_confidence": min_confidence, "outlet": outlet, "q": q}
    kept_query = {k: v for k, v in query.items() if v}
    next_href = (
        f"/ui/claims?{urlencode({**kept_query, 'cursor': listing.next_cursor})}"
        if listing.next_cursor is not None
        else None
    )
    context = {
        "items": listing.items,
        "filter": chosen_filter,
        "query": query,
        "errors": errors,
        "verdicts": [v.value for v in Verdict],
        "next_href": next_href,
        "first_page": cursor == 0,
        "first_href": f"/ui/claims?{urlencode(kept_query)}" if kept_query else "/ui/claims",
    }
    status = 422 if errors else 200
    return _live_page(
        request, "claims.html", context, client=client, settings=settings, status=status
    )


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(
    request: Request, claim_id: str, client: RedisDep, settings: SettingsDep
) -> Response:
    if not may_read(request, settings=settings):
        return _login_redirect(request)
    doc = verdicts.get_verdict(client, claim_id)
    if doc is None:
        found = claims.get_claims(client, [claim_id])
        if not found:
            return _not_found(request, f"No claim with id {claim_id}.")
        return page(request, "pending.html", {"claim": found[0]}, status=404)
    versions = versions_on_stream(client, stream=settings.stream_name, claim_id=claim_id)
    context = {
        "doc": doc,
        "groups": logic.group_by_origin(doc.evidence),
        "graph": logic.origin_graph(doc, claim_href=_claim_href),
        "extra": logic.extra_fields(doc, logic.SHOWN_VERDICT_FIELDS),
        "versions": versions,
    }
    return _live_page(request, "claim.html", context, client=client, settings=settings)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(
    request: Request, article_id: str, client: RedisDep, settings: SettingsDep
) -> Response:
    if not may_read(request, settings=settings):
        return _login_redirect(request)
    article = articles.get_article(client, article_id)
    if article is None:
        return _not_found(request, f"No article with id {article_id}.")
    claim_ids = claims.article_claim_ids(client, article_id)
    article_claims = claims.get_claims(client, claim_ids)
    docs = verdicts.get_verdicts(client, claim_ids)
    context = {
        "article": article,
        "segments": logic.mark_claims(
            article.body, article_claims, {d.claim_id: d.verdict for d in docs}
        ),
        "claims": article_claims,
        "docs": {d.claim_id: d for d in docs},
    }
    return _live_page(request, "article.html", context, client=client, settings=settings)


def _event(message: StreamMessage) -> str:
    doc: VerdictDoc = message.doc
    summary = {
        "claim_id": doc.claim_id,
        "article_id": doc.article_id,
        "verdict": doc.verdict.value,
        "confidence": doc.confidence,
        "independent_origins": doc.independent_origins,
        "source": doc.source,
        "text": doc.text[:500],
        "version": doc.version,
    }
    return f"id: {message.entry_id}\nevent: verdict\ndata: {json.dumps(summary)}\n\n"


@router.get("/events")
async def events(
    request: Request,
    client: RedisDep,
    settings: SettingsDep,
    after: Annotated[str, Query(max_length=45)] = "$",
) -> Response:
    """New verdicts as Server-Sent Events, from the verified stream."""
    if not may_read(request, settings=settings):
        return Response("login required", status_code=401, headers=SECURITY_HEADERS)
    resume = request.headers.get("last-event-id", "") or after
    start = resume if _ENTRY_ID.match(resume) else "$"

    async def stream() -> AsyncIterator[str]:
        position = start
        if position == "$":
            # Pin "$" to an id now: a reconnect then resumes from where this one began.
            position = await run_in_threadpool(last_entry_id, client, stream=settings.stream_name)
        yield "retry: 2000\n\n"
        ends = time.monotonic() + EVENTS_SECONDS
        quiet = 0.0
        while time.monotonic() < ends and not await request.is_disconnected():
            # A read that answers at once, then a sleep on the event loop: an open page
            # never holds one of the threads the API's other requests run on.
            messages = await run_in_threadpool(
                read_after, client, stream=settings.stream_name, after=position, count=50
            )
            for message in messages:
                position = message.entry_id
                yield _event(message)
            if messages:
                quiet = 0.0
                continue
            quiet += EVENTS_POLL_SECONDS
            if quiet >= 15.0:
                # A comment line keeps proxies from closing an idle connection.
                yield ": idle\n\n"
                quiet = 0.0
            await asyncio.sleep(EVENTS_POLL_SECONDS)

    headers = {**SECURITY_HEADERS, "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
