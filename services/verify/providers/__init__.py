"""External evidence providers, behind one Protocol, and the per-process registry."""

from __future__ import annotations

from collections.abc import Sequence

import requests

from services.verify.providers.base import EvidenceProvider, ProviderDisabled, gather
from services.verify.providers.breaker import CircuitBreaker, CircuitOpen
from services.verify.providers.factcheck import FactCheckProvider
from shared.schemas import Claim, EvidenceItem, ProviderCoverage
from shared.settings import Settings

__all__ = [
    "CircuitBreaker",
    "CircuitOpen",
    "EvidenceProvider",
    "FactCheckProvider",
    "ProviderDisabled",
    "build_providers",
    "gather",
    "gather_external",
]

# Built on first use, once per process and settings object: the breakers must outlive one
# task to be of any use, and nothing is built at import time.
_registry: dict[int, list[EvidenceProvider]] = {}


def build_providers(
    settings: Settings, *, session: requests.Session | None = None
) -> list[EvidenceProvider]:
    """The configured providers (a provider without an API key reports itself disabled)."""
    key = settings.factcheck_api_key.get_secret_value() if settings.factcheck_api_key else None
    return [
        FactCheckProvider(
            session=session or requests.Session(),
            url=settings.factcheck_url,
            api_key=key,
            breaker=CircuitBreaker(
                failures=settings.breaker_failures, reset_seconds=settings.breaker_reset_seconds
            ),
            timeout=settings.factcheck_timeout,
            language=settings.factcheck_language,
        )
    ]


def gather_external(
    *,
    claim: Claim,
    settings: Settings,
    providers: Sequence[EvidenceProvider] | None = None,
) -> tuple[list[EvidenceItem], list[ProviderCoverage]]:
    """External evidence for ``claim`` and how far each provider could be consulted."""
    if providers is None:
        if id(settings) not in _registry:
            _registry[id(settings)] = build_providers(settings)
        providers = _registry[id(settings)]
    return gather(providers, claim)
