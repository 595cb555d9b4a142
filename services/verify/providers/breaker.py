"""A small circuit breaker for external evidence providers.

State is in-process, one breaker per provider per worker process. That is enough: each worker
stops calling a dead provider after ``failures`` consecutive failures and probes it again
after ``reset_seconds``, and an outage costs each process at most ``failures`` slow calls per
reset window. A cluster-wide breaker (state in Redis) would save those calls
at the price of a Redis round trip on every lookup; it is not needed at this scale.

States: *closed* (calls pass, failures are counted), *open* (calls are refused at once until
``reset_seconds`` have passed), *half-open* (one trial call: success closes, failure re-opens).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal, TypeVar

from shared.errors import UpstreamError

__all__ = ["CircuitBreaker", "CircuitOpen"]

T = TypeVar("T")
State = Literal["closed", "open", "half_open"]


class CircuitOpen(UpstreamError):
    """The provider failed repeatedly; calls are refused until the reset time."""


class CircuitBreaker:
    def __init__(
        self,
        *,
        failures: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failures
        self._reset = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> State:
        with self._lock:
            return self._state()

    def _state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._reset:
            return "half_open"
        return "open"

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` unless the circuit is open; ``UpstreamError`` counts as a failure."""
        with self._lock:
            state = self._state()
            if state == "open" or (state == "half_open" and self._trial):
                raise CircuitOpen("circuit open")
            self._trial = state == "half_open"
        try:
            result = fn()
        except UpstreamError:
            self._record(success=False)
            raise
        self._record(success=True)
        return result

    def _record(self, *, success: bool) -> None:
        with self._lock:
            self._trial = False
            if success:
                self._failures = 0
                self._opened_at = None
                return
            self._failures += 1
            if self._opened_at is not None or self._failures >= self._threshold:
                # A failed trial re-opens for a full reset period.
                self._opened_at = self._clock()
