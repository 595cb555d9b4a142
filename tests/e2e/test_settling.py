"""A client can tell a first verdict from a settled one, and an article without claims says why.

Real redis-server, Celery workers and uvicorn. Re-verification waits a few seconds
(``CROSSCHECK_REVERIFY_DEBOUNCE_SECONDS``) so the moment between "every article is done"
and "every verdict is final" is wide enough to be seen.
"""

from __future__ import annotations

import time

import pytest
import requests

from crosscheck.stack import Stack
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import StackFactory
from tests.e2e.helpers import StreamWatcher, article_status, load_article, post, wait_done

pytestmark = pytest.mark.e2e

SCENARIO = REPO_ROOT / "examples" / "scenarios" / "three_independent"
_DEBOUNCE = 4.0


@pytest.fixture(scope="module")
def slow_stack(make_stack: StackFactory) -> Stack:
    return make_stack(env={"CROSSCHECK_REVERIFY_DEBOUNCE_SECONDS": str(_DEBOUNCE)})


def _versions(api_url: str, claim_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for claim_id in claim_ids:
        response = requests.get(f"{api_url}/claims/{claim_id}", timeout=10)
        response.raise_for_status()
        found[claim_id] = int(response.json()["version"])
    return found


def _wait_settled(api_url: str, article_id: str, *, timeout: float = 120.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = article_status(api_url, article_id)
        if not status["reverification_pending"]:
            return status
        time.sleep(0.3)
    raise TimeoutError(f"article {article_id} still has re-verification pending")


def test_pending_reverification_is_shown_until_verdicts_are_final(slow_stack: Stack) -> None:
    api = slow_stack.api_url
    watcher = StreamWatcher(slow_stack.redis_url, group="settling")
    try:
        paths = sorted(SCENARIO.glob("*.json"))
        first = post(api, load_article(paths[0]))
        wait_done(api, [first])
        alone = article_status(api, first)
        assert alone["claim_ids"]
        assert alone["reverification_pending"] is False  # nothing else is known yet

        second = post(api, load_article(paths[1]))
        wait_done(api, [second])
        # The second report is new evidence for the first one's claims: their re-verification
        # waits out the debounce, and the first article says so although both are done.
        assert article_status(api, first)["reverification_pending"] is True

        settled = _wait_settled(api, first)
        _wait_settled(api, second)
        claim_ids = [str(c) for c in settled["claim_ids"]]  # type: ignore[attr-defined]
        versions = _versions(api, claim_ids)
        assert max(versions.values()) >= 2  # the re-verification did publish a new verdict
        latest = watcher.settle(quiet=_DEBOUNCE + 2.0)
        # Once no re-verification is pending, the verdicts read are the final ones.
        assert {c: latest[c].version for c in claim_ids} == versions
    finally:
        watcher.close()


def test_an_article_without_claims_says_why(slow_stack: Stack) -> None:
    article = {
        "source": "Question Desk",
        "title": "",
        "body": "Is the new bridge really safer? What do you think about it?",
    }
    article_id = post(slow_stack.api_url, article)
    status = wait_done(slow_stack.api_url, [article_id])[article_id]
    assert status["status"] == "done"
    assert status["claim_ids"] == []
    assert status["reason"] is not None
    assert "no check-worthy statement" in status["reason"]
    assert "question" in status["reason"]
