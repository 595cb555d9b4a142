"""One Celery worker for every stage: ``celery -A crosscheck.worker worker -Q fetch,extract,verify``.

On a small machine a pool per stage leaves a core idle whenever one stage has no work (the
extract process waits while an article's claims are verified). One pool over all queues
keeps every process busy with whatever is queued; docker-compose still runs a worker per
service so each can be scaled on its own. Both services register on the same app
(``shared.celery_app.worker_app``), so importing both entry points is all it takes.
"""

from __future__ import annotations

from services.extract.worker import app
from services.verify import worker as _verify_worker  # noqa: F401  (registers the verify task)

__all__ = ["app"]
