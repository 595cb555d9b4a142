"""Whether a claim's verdict is settled: the marks of re-verifications still due.

A claim is *due* for re-verification from the moment a first verdict of another article
finds it as evidence (that article's claims are new evidence for it) until a verification
run of the claim that started after that moment has saved and published its verdict.
While any claim of an article is due, a newer version of its verdict may still come.

The mark (``keys.reverify_due``) is a counter: every new piece of evidence increments it,
in the same pipeline that hands the evidence to its article and *before* that article can
be marked done, so no client sees every article done while a re-verification is yet to be
scheduled. A run reads its claims' marks when it starts and, once its verdicts are out,
deletes each mark it read unless the mark changed meanwhile: evidence that arrived during
the run keeps the claim due for the run it schedules. Marks expire after ``due_ttl``, so a
run that is lost for good (dead-lettered) does not leave a claim due forever.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import redis

from shared.settings import Settings
from shared.storage import keys
from shared.storage._lua import script

__all__ = ["clear_marks", "due_claims", "due_ttl", "queue_mark_due", "read_marks"]


def due_ttl(settings: Settings) -> int:
    """Seconds a mark lives: the longest a due run can legitimately take to finish (the
    article that found the evidence stalls at most ``stall_seconds``, a lost message comes
    back after ``visibility_timeout``, and the run waits out the debounce)."""
    return (
        int(
            settings.stall_seconds
            + settings.visibility_timeout
            + settings.reverify_debounce_seconds
        )
        + 1
    )


def queue_mark_due(
    pipe: redis.client.Pipeline, *, claim_ids: Sequence[str], ttl_seconds: int
) -> int:
    """Queue on ``pipe`` a mark for each of ``claim_ids``; the number of replies queued."""
    for claim_id in claim_ids:
        pipe.incr(keys.reverify_due(claim_id))
        pipe.expire(keys.reverify_due(claim_id), ttl_seconds)
    return 2 * len(claim_ids)


def read_marks(client: redis.Redis, claim_ids: Sequence[str]) -> dict[str, str]:
    """The current mark of each of ``claim_ids`` that has one."""
    if not claim_ids:
        return {}
    pipe = client.pipeline(transaction=False)
    for claim_id in claim_ids:
        pipe.get(keys.reverify_due(claim_id))
    return {
        claim_id: value.decode() if isinstance(value, bytes) else str(value)
        for claim_id, value in zip(claim_ids, pipe.execute(), strict=True)
        if value is not None
    }


def clear_marks(client: redis.Redis, marks: Mapping[str, str]) -> None:
    """Delete each mark of ``marks`` that still holds the value read."""
    if not marks:
        return
    # One script per key: the marks sit in different cluster slots.
    pipe = client.pipeline(transaction=False)
    for claim_id, value in marks.items():
        pipe.eval(script("clear_if_unchanged"), 1, keys.reverify_due(claim_id), value)
    pipe.execute()


def due_claims(client: redis.Redis, claim_ids: Sequence[str]) -> list[str]:
    """The claims of ``claim_ids`` with a re-verification due."""
    if not claim_ids:
        return []
    pipe = client.pipeline(transaction=False)
    for claim_id in claim_ids:
        pipe.exists(keys.reverify_due(claim_id))
    return [c for c, n in zip(claim_ids, pipe.execute(), strict=True) if n]
