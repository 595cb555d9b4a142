"""Assembles the ingest API. Routes live in ``routes/``; nothing here does work."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import redis
from celery import Celery
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.ingest.errors import install_error_handlers
from services.ingest.middleware import BodyLimitMiddleware, RequestContextMiddleware
from services.ingest.routes import articles, claims, health, pages
from shared.celery_app import make_celery
from shared.logging import configure_logging
from shared.redis_client import make_redis
from shared.settings import Settings, get_settings


def create_app(
    settings: Settings | None = None,
    *,
    redis_factory: Callable[[Settings], redis.Redis] = make_redis,
    celery_factory: Callable[[Settings], Celery] = make_celery,
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(level=settings.log_level, json=settings.log_json)
        app.state.settings = settings
        app.state.redis = redis_factory(settings)
        app.state.celery = celery_factory(settings)
        try:
            yield
        finally:
            app.state.redis.close()

    app = FastAPI(
        title="crosscheck ingest",
        version="0.1.0",
        summary="Post news articles; read claims and their verdicts.",
        lifespan=lifespan,
    )
    install_error_handlers(app, retry_after=settings.retry_after_seconds)
    app.include_router(health.router)
    app.include_router(articles.router)
    app.include_router(claims.router)
    app.include_router(pages.root_router)
    app.include_router(pages.router)
    app.mount("/ui/static", StaticFiles(directory=pages.STATIC_DIR), name="ui-static")
    # Outermost last: the body cap sits in front of the request context.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app


def app_factory() -> FastAPI:
    """Entry point for ``uvicorn --factory services.ingest.main:app_factory``."""
    return create_app()
