"""Google Fact Check Tools ``claims:search``: published ClaimReview ratings as evidence.

One search is at most ``1 + retries`` GET requests, each bounded by ``timeout``, with
exponential backoff between them (``backoff * 2**attempt``, capped at ``MAX_BACKOFF``), so
the worst case is about ``(1 + retries) * timeout + backoff sum``. The whole search runs
inside the provider's circuit breaker: once open, a search fails at once with
``CircuitOpen``.

The rating text is free-form; it is mapped to a stance by keywords (``rating_stance``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from services.verify.origins import normalise_outlet
from services.verify.providers.base import ProviderDisabled
from services.verify.providers.breaker import CircuitBreaker
from shared.errors import UpstreamError, UpstreamTimeout
from shared.schemas import Claim, EvidenceItem, Stance

__all__ = ["NAME", "FactCheckProvider", "parse_response", "rating_stance"]

NAME = "factcheck"
MAX_BACKOFF = 2.0
PAGE_SIZE = 5  # the top reviews are the relevant ones; more only adds noise
MAX_QUERY_CHARS = 300

# Checked in this order: "half true" is mixed before it is true, "not true" is false.
_MIXED = ("half", "mixed", "mixture", "partly", "partially", "unproven", "unverified", "context")
_FALSE = (
    "false",
    "pants on fire",
    "misleading",
    "incorrect",
    "inaccurate",
    "fake",
    "fabricated",
    "not true",
    "untrue",
    "wrong",
    "no evidence",
    "baseless",
    "hoax",
    "debunked",
    "distorts",
)
_TRUE = ("true", "correct", "accurate", "confirmed")

_PROBABILITIES = {
    Stance.agree: {Stance.agree: 0.9, Stance.disagree: 0.02, Stance.discuss: 0.08},
    Stance.disagree: {Stance.agree: 0.02, Stance.disagree: 0.9, Stance.discuss: 0.08},
    Stance.discuss: {Stance.agree: 0.1, Stance.disagree: 0.1, Stance.discuss: 0.8},
}


def rating_stance(rating: str) -> Stance:
    text = rating.strip().lower()
    if any(word in text for word in _MIXED):
        return Stance.discuss
    if any(word in text for word in _FALSE):
        return Stance.disagree
    if any(word in text for word in _TRUE):
        return Stance.agree
    return Stance.discuss


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_response(payload: Mapping[str, Any]) -> list[EvidenceItem]:
    """EvidenceItems from a ``claims:search`` response body; malformed entries are skipped."""
    items: list[EvidenceItem] = []
    claims = payload.get("claims")
    for entry in claims if isinstance(claims, list) else []:
        if not isinstance(entry, dict):
            continue
        reviewed = _str(entry.get("text"))
        reviews = entry.get("claimReview")
        for review in reviews if isinstance(reviews, list) else []:
            if not isinstance(review, dict):
                continue
            rating = _str(review.get("textualRating"))
            raw_publisher = review.get("publisher")
            publisher: dict[str, Any] = raw_publisher if isinstance(raw_publisher, dict) else {}
            name = _str(publisher.get("name")) or _str(publisher.get("site"))
            if not rating or not name:
                continue
            stance = rating_stance(rating)
            site = _str(publisher.get("site")) or name
            items.append(
                EvidenceItem(
                    source=name,
                    stance=stance,
                    text=f"{reviewed} (rated '{rating}')" if reviewed else f"Rated '{rating}'",
                    origin=f"factcheck:{normalise_outlet(site)}",
                    stance_probabilities=_PROBABILITIES[stance],
                    url=_str(review.get("url")) or None,
                    provider=NAME,
                )
            )
    return items


class FactCheckProvider:
    """Published fact-checks about a claim, through an injected ``requests.Session``."""

    def __init__(
        self,
        *,
        session: requests.Session,
        url: str,
        api_key: str | None,
        breaker: CircuitBreaker,
        timeout: float = 3.0,
        language: str = "en",
        retries: int = 2,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._session = session
        self._url = url
        self._key = api_key
        self._breaker = breaker
        self._timeout = timeout
        self._language = language
        self._retries = max(0, retries)
        self._backoff = backoff
        self._sleep = sleep

    @property
    def name(self) -> str:
        return NAME

    def search(self, claim: Claim) -> list[EvidenceItem]:
        if not self._key:
            raise ProviderDisabled("no API key configured")
        params = {
            "query": claim.text[:MAX_QUERY_CHARS],
            "languageCode": claim.language or self._language,
            "pageSize": str(PAGE_SIZE),
            "key": self._key,
        }
        payload = self._breaker.call(lambda: self._get_with_retries(params))
        return parse_response(payload)

    def _get_with_retries(self, params: Mapping[str, str]) -> Mapping[str, Any]:
        attempt = 0
        while True:
            try:
                return self._get(params)
            except UpstreamError:
                if attempt >= self._retries:
                    raise
                self._sleep(min(MAX_BACKOFF, self._backoff * 2**attempt))
                attempt += 1

    def _get(self, params: Mapping[str, str]) -> Mapping[str, Any]:
        try:
            response = self._session.get(self._url, params=params, timeout=self._timeout)
        except requests.Timeout as exc:
            raise UpstreamTimeout(f"fact-check search timed out after {self._timeout}s") from exc
        except requests.RequestException as exc:
            # The message of a connection error may carry the URL with the key: keep it out.
            raise UpstreamError(f"fact-check search failed: {type(exc).__name__}") from exc
        with response:
            if response.status_code != 200:
                raise UpstreamError(f"fact-check search answered HTTP {response.status_code}")
            try:
                payload = response.json()
            except ValueError as exc:
                raise UpstreamError("fact-check search answered with invalid JSON") from exc
        if not isinstance(payload, dict):
            raise UpstreamError("fact-check search answered with an unexpected shape")
        return payload
