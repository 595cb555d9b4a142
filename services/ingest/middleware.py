"""ASGI middleware: request ids in the log context, and a body cap enforced while reading."""

from __future__ import annotations

import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bind_contextvars, clear_contextvars

from services.ingest.errors import ApiError, MalformedBody, PayloadTooLarge, error_response
from shared.logging import get_logger

log = get_logger("crosscheck.api")


class RequestContextMiddleware:
    """Binds ``request_id`` for every log line of a request and logs one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        clear_contextvars()
        bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "http_request",
                method=scope.get("method"),
                path=scope.get("path"),
                status=status_holder["status"],
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            clear_contextvars()


class _BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuses bodies over ``max_bytes`` with 413 without reading them whole.

    A declared Content-Length over the cap is refused before any byte is read; a chunked
    body is counted as it arrives and refused at the first chunk past the cap.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_error(
                        scope, receive, send, MalformedBody, "Content-Length is not a number"
                    )
                    return
                if declared > self.max_bytes:
                    await _send_too_large(scope, receive, send, self.max_bytes)
                    return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await _send_too_large(scope, receive, send, self.max_bytes)


async def _send_too_large(scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
    detail = f"request body exceeds the limit of {max_bytes} bytes"
    await _send_error(scope, receive, send, PayloadTooLarge, detail)


async def _send_error(
    scope: Scope, receive: Receive, send: Send, error: type[ApiError], detail: str
) -> None:
    # Sent from the middleware: the body is refused before FastAPI's handlers could see an
    # exception. The same JSON as every other error, and the connection is not reused.
    response = error_response(error.status, error.code, detail, {"connection": "close"})
    await response(scope, receive, send)
