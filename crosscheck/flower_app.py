"""A Celery app for Flower: it needs the broker, not the task code."""

from __future__ import annotations

from shared.celery_app import make_celery
from shared.settings import get_settings

app = make_celery(get_settings(), name="crosscheck-flower")
