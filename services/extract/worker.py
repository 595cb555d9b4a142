"""Celery entry point of the extract worker: ``celery -A services.extract.worker worker -Q fetch,extract``."""

from __future__ import annotations

from services.extract.feed_schedule import install_feed_schedule
from shared.celery_app import worker_app
from shared.recovery import install_recovery
from shared.runtime import install_worker_signals

app = worker_app()
install_worker_signals()
install_recovery(app)
install_feed_schedule(app)

from services.extract import tasks  # noqa: E402,F401  (registers the tasks on `app`)
