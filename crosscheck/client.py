"""A small HTTP client of the ingest API, used by ``crosscheck ingest`` and ``crosscheck run``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from crosscheck.inputs import Item


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


@dataclass(frozen=True, slots=True)
class Outcome:
    label: str
    status: str  # "accepted", "duplicate", "refused", "failed"
    article_id: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        found = {"input": self.label, "status": self.status}
        if self.article_id is not None:
            found["id"] = self.article_id
        if self.reason is not None:
            found["reason"] = self.reason
        return found


class Unauthorized(Exception):
    """The API refused the key: nothing else will be accepted either."""


def _where(error: object) -> str:
    if not isinstance(error, dict):
        return str(error)
    loc = [str(p) for p in error.get("loc", [])]
    loc = loc[1:] if loc[:1] == ["body"] else loc
    return f"{'.'.join(loc) or 'body'}: {error.get('msg')}"


def _reason(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code}: {response.text[:300]}"
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):  # validation errors: where, and what
        detail = "; ".join(_where(e) for e in detail)
    error = body.get("error", "error") if isinstance(body, dict) else "error"
    return f"{response.status_code} {error}: {detail}"


def post_items(
    *,
    base_url: str,
    items: Iterable[Item],
    api_key: str | None = None,
    attempts: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Outcome]:
    """Post each item; a 503 or a lost connection is tried again (``attempts`` in all,
    waiting as ``Retry-After`` says, at most 10 s), a refusal is reported with its reason."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    with requests.Session() as http:
        for item in items:
            if item.article is None:
                yield Outcome(item.label, "refused", reason=item.problem)
                continue
            for attempt in range(1, attempts + 1):
                try:
                    response = http.post(
                        f"{base_url}/articles", json=item.article, headers=headers, timeout=30
                    )
                except requests.RequestException as exc:
                    failure = f"could not reach {base_url}: {type(exc).__name__}"
                    wait = 1.0
                else:
                    if response.status_code == 202:
                        answer = response.json()
                        status = "duplicate" if answer.get("duplicate") else "accepted"
                        yield Outcome(item.label, status, article_id=answer["id"])
                        break
                    if response.status_code == 401:
                        raise Unauthorized(_reason(response))
                    if response.status_code < 500:
                        yield Outcome(item.label, "refused", reason=_reason(response))
                        break
                    failure = _reason(response)
                    retry_after = response.headers.get("retry-after", "1")
                    wait = float(retry_after) if retry_after.isdigit() else 1.0
                if attempt == attempts:
                    yield Outcome(item.label, "failed", reason=failure)
                    break
                sleep(min(wait, 10.0))
