"""Celery entry point of the verify worker: ``celery -A services.verify.worker worker -Q verify``."""

from __future__ import annotations

from shared.celery_app import make_celery
from shared.runtime import install_worker_signals
from shared.settings import get_settings

app = make_celery(get_settings(), name="crosscheck-verify")
install_worker_signals(app)

from services.verify import tasks  # noqa: E402,F401  (registers the tasks on `app`)
