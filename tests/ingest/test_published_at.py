"""A posted ``published_at`` against the receiving server's clock, passed in."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from services.ingest.routes.articles import parse_article
from shared.errors import InvalidInput

NOW = datetime(2025, 3, 11, 12, 0, tzinfo=UTC)


def _body(published: datetime) -> bytes:
    return json.dumps({"source": "x", "body": "t", "published_at": published.isoformat()}).encode()


@pytest.mark.parametrize("ahead", [timedelta(days=-400), timedelta(0), timedelta(minutes=3)])
def test_a_past_or_slightly_skewed_date_is_accepted(ahead: timedelta) -> None:
    article = parse_article(_body(NOW + ahead), "application/json", now=NOW)
    assert article.published_at == NOW + ahead


@pytest.mark.parametrize("ahead", [timedelta(minutes=11), timedelta(days=3)])
def test_a_date_past_the_skew_is_refused(ahead: timedelta) -> None:
    with pytest.raises(InvalidInput, match="published_at is in the future"):
        parse_article(_body(NOW + ahead), "application/json", now=NOW)


def test_a_date_without_a_zone_is_read_as_utc() -> None:
    naive = (NOW + timedelta(days=3)).replace(tzinfo=None).isoformat()
    body = json.dumps({"source": "x", "body": "t", "published_at": naive}).encode()
    with pytest.raises(InvalidInput):
        parse_article(body, "application/json", now=NOW)
