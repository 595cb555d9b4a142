"""Celery entry point of the verify worker: ``celery -A services.verify.worker worker -Q verify``."""

from __future__ import annotations

from shared.celery_app import worker_app
from shared.recovery import install_recovery
from shared.runtime import install_worker_signals

app = worker_app()
install_worker_signals()
install_recovery(app)

from services.verify import tasks  # noqa: E402,F401  (registers the tasks on `app`)
