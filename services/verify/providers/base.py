"""The external evidence provider interface, and gathering evidence from several."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from services.verify.providers.breaker import CircuitOpen
from shared.errors import PermanentError, UpstreamError
from shared.logging import get_logger
from shared.schemas import Claim, EvidenceItem, ProviderCoverage

__all__ = ["EvidenceProvider", "ProviderDisabled", "gather"]

log = get_logger(__name__)


class ProviderDisabled(PermanentError):
    """The provider is not configured (for example, no API key)."""


@runtime_checkable
class EvidenceProvider(Protocol):
    """A source of evidence outside the corpus, such as published fact-checks."""

    @property
    def name(self) -> str: ...

    def search(self, claim: Claim) -> list[EvidenceItem]:
        """Evidence about ``claim``.

        Raises ``ProviderDisabled``, ``CircuitOpen`` or another ``UpstreamError``; never
        anything else for a failure of the remote side.
        """
        ...


def gather(
    providers: Sequence[EvidenceProvider], claim: Claim
) -> tuple[list[EvidenceItem], list[ProviderCoverage]]:
    """Ask every provider; a provider that fails degrades coverage and never the caller."""
    evidence: list[EvidenceItem] = []
    coverage: list[ProviderCoverage] = []
    for provider in providers:
        try:
            found = provider.search(claim)
        except ProviderDisabled as exc:
            coverage.append(
                ProviderCoverage(provider=provider.name, status="disabled", detail=str(exc))
            )
        except CircuitOpen as exc:
            coverage.append(
                ProviderCoverage(provider=provider.name, status="circuit_open", detail=str(exc))
            )
        except UpstreamError as exc:
            log.warning("provider_unavailable", provider=provider.name, error=str(exc))
            coverage.append(
                ProviderCoverage(provider=provider.name, status="unavailable", detail=str(exc))
            )
        else:
            evidence.extend(found)
            coverage.append(ProviderCoverage(provider=provider.name, status="ok"))
    return evidence, coverage
