"""Celery entry point of the extract worker: ``celery -A services.extract.worker worker -Q fetch,extract``."""

from __future__ import annotations

from shared.celery_app import make_celery
from shared.runtime import install_worker_signals
from shared.settings import get_settings

app = make_celery(get_settings(), name="crosscheck-extract")
install_worker_signals(app)

from services.extract import tasks  # noqa: E402,F401  (registers the tasks on `app`)
