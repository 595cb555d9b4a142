"""Fixtures for extraction tests: one spaCy pipeline per session, article factories."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pytest
from spacy.language import Language

from services.extract.checkworthy import CheckworthyModel
from services.extract.checkworthy.features import WORD_BITS, FeatureSpace
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


def constant_checkworthy_model(probability: float) -> CheckworthyModel:
    """A model that gives every sentence the same calibrated score."""
    space = FeatureSpace(word_idf=np.ones(2**WORD_BITS))
    return CheckworthyModel(
        space=space,
        coef=np.zeros(space.width),
        intercept=math.log(probability / (1 - probability)),
        platt_scale=1.0,
        platt_shift=0.0,
    )
