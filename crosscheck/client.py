"""A small HTTP client of the ingest API, used by ``crosscheck ingest`` and ``crosscheck run``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import requests


def article_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


def post_article(
    *,
    base_url: str,
    article: dict[str, Any],
    api_key: str | None = None,
    session: requests.Session | None = None,
) -> dict[str, Any]:
    http = session or requests.Session()
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    response = http.post(f"{base_url}/articles", json=article, headers=headers, timeout=30)
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


def post_article_files(
    *, base_url: str, paths: Iterable[Path], api_key: str | None = None
) -> Iterator[tuple[Path, dict[str, Any]]]:
    with requests.Session() as session:
        for path in article_files(paths):
            article = json.loads(path.read_text(encoding="utf-8"))
            yield (
                path,
                post_article(base_url=base_url, article=article, api_key=api_key, session=session),
            )
