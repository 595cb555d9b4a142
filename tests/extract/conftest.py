"""Fixtures for extraction tests: one spaCy pipeline per session, article factories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from spacy.language import Language

from services.extract.nlp import load_nlp
from shared.schemas import StoredArticle
from shared.settings import get_settings

ArticleFactory = Callable[..., StoredArticle]


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp(get_settings().spacy_model)


@pytest.fixture(scope="session")
def make_article() -> ArticleFactory:
    def make(
        body: str,
        *,
        article_id: str = "a1",
        source: str = "Test Wire",
        published_at: datetime | None = datetime(2017, 6, 16, 12, tzinfo=UTC),
    ) -> StoredArticle:
        return StoredArticle(
            article_id=article_id,
            body=body,
            source=source,
            published_at=published_at,
            received_at=datetime(2017, 6, 16, 12, tzinfo=UTC),
        )

    return make
