"""The crosscheck error tree.

::

    CrosscheckError
    ├── RetryableError              transient: the task is retried with backoff
    │   ├── StoreUnavailable        Redis down, timing out, or loading its AOF
    │   ├── StoreContention         a watched key kept changing under a read-modify-write
    │   └── UpstreamError           a remote server (fetch, evidence provider) failed
    │       └── UpstreamTimeout
    └── PermanentError              retrying cannot help: dead-letter at once
        ├── InvalidInput            the caller sent something we cannot use
        │   ├── ArticleTooLarge
        │   └── UnsupportedContent
        ├── FetchRefused            the URL points somewhere we will not go
        ├── NotFound
        └── ModelUnavailable        a configured model cannot be loaded

Catch a branch, not ``Exception``: tasks retry ``RetryableError`` only.
"""

from __future__ import annotations

__all__ = [
    "ArticleTooLarge",
    "CrosscheckError",
    "FetchRefused",
    "InvalidInput",
    "ModelUnavailable",
    "NotFound",
    "PermanentError",
    "RetryableError",
    "StoreContention",
    "StoreUnavailable",
    "UnsupportedContent",
    "UpstreamError",
    "UpstreamTimeout",
]


class CrosscheckError(Exception):
    """Base of every error this project raises on purpose."""


class RetryableError(CrosscheckError):
    """The same call may succeed later."""


class StoreUnavailable(RetryableError):
    """Redis could not be reached or answered with a transient error."""


class StoreContention(RetryableError):
    """Other writers changed a watched key on every attempt of a read-modify-write."""


class UpstreamError(RetryableError):
    """A remote HTTP server answered badly."""


class UpstreamTimeout(UpstreamError):
    """A remote HTTP server did not answer in time."""


class PermanentError(CrosscheckError):
    """The same call will fail again."""


class InvalidInput(PermanentError):
    """The input cannot be processed."""


class ArticleTooLarge(InvalidInput):
    """The article or fetched page is over the configured size cap."""


class UnsupportedContent(InvalidInput):
    """The content type or encoding is not one we read."""


class FetchRefused(PermanentError):
    """The URL resolves to an address we refuse to contact (SSRF guard)."""


class NotFound(PermanentError):
    """The requested document does not exist."""


class ModelUnavailable(PermanentError):
    """A configured NLP or stance model cannot be loaded."""
