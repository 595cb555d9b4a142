"""Who may read the pages: with API keys set, a bearer key or the login cookie.

The cookie never holds a key: it holds an HMAC of one (``session_token``), so a stolen
cookie opens the pages and nothing else, and it is HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from services.ingest.deps import key_matches
from shared.settings import Settings

COOKIE = "crosscheck_session"
_PURPOSE = b"crosscheck web pages"


def session_token(key: str) -> str:
    return hmac.new(key.encode(), _PURPOSE, hashlib.sha256).hexdigest()


def token_matches(token: str, *, settings: Settings) -> bool:
    matched = False
    for key in settings.api_keys:
        matched |= hmac.compare_digest(
            token.encode(), session_token(key.get_secret_value()).encode()
        )
    return matched


def may_read(request: Request, *, settings: Settings) -> bool:
    """Whether the request may see the pages."""
    if not settings.api_keys:
        return True
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and presented and key_matches(presented, settings=settings):
        return True
    token = request.cookies.get(COOKIE, "")
    return bool(token) and token_matches(token, settings=settings)


def local_next(target: str | None) -> str:
    """Where to go after logging in: a path of the pages only, never another site."""
    if target and target.startswith("/ui/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/ui/claims"
