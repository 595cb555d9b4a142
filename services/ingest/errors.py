"""HTTP errors of the ingest API and the handlers that turn every failure into JSON."""

from __future__ import annotations

import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from kombu.exceptions import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import CrosscheckError, InvalidInput, NotFound, StoreUnavailable
from shared.logging import get_logger

log = get_logger(__name__)


class ApiError(CrosscheckError):
    status = 400
    code = "bad_request"
    headers: dict[str, str] | None = None

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"
    headers = {"WWW-Authenticate": "Bearer"}


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"


class MalformedBody(ApiError):
    status = 400
    code = "malformed_body"


def error_response(
    status: int, code: str, detail: object, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": code, "detail": detail}, headers=headers
    )


def install_error_handlers(app: FastAPI, *, retry_after: int) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.detail, exc.headers)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(InvalidInput)
    async def _invalid(_: Request, exc: InvalidInput) -> JSONResponse:
        return error_response(422, "invalid_input", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": list(err.get("loc", ())),
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
            for err in exc.errors()
        ]
        return error_response(422, "validation_error", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, "http_error", str(exc.detail))

    async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
        # Never a 500 and never a 202 when the store cannot take the write.
        log.warning("store_unavailable", error_type=type(exc).__name__)
        return error_response(
            503,
            "store_unavailable",
            "the store is unavailable; retry later",
            {"Retry-After": str(retry_after)},
        )

    for exc_type in (
        StoreUnavailable,
        redis.ConnectionError,
        redis.TimeoutError,
        redis.BusyLoadingError,
        OperationalError,
    ):
        app.add_exception_handler(exc_type, _unavailable)
