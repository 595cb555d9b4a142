"""Error responses every route may return, so the OpenAPI schema documents them."""

from __future__ import annotations

from typing import Any

from shared.schemas import ErrorBody

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed request (invalid JSON or UTF-8)."},
    401: {"model": ErrorBody, "description": "Missing or invalid API key."},
    404: {"model": ErrorBody, "description": "No such resource."},
    413: {"model": ErrorBody, "description": "Request body over the configured limit."},
    415: {"model": ErrorBody, "description": "Content type is not application/json."},
    422: {"model": ErrorBody, "description": "The request is well-formed but invalid."},
    503: {"model": ErrorBody, "description": "The store is unavailable; see Retry-After."},
}
