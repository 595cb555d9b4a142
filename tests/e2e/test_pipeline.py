"""The pipeline end to end: real redis-server, Celery worker processes, uvicorn, Flower."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from crosscheck.stack import Stack
from tests.e2e.conftest import StackFactory
from tests.e2e.helpers import StreamWatcher, post, wait_done
from tests.local_http import QuietHandler, serving
from tests.seeds import seed_articles

pytestmark = pytest.mark.e2e

PAGE = """<!doctype html><html><head><title>Dam holds after record rainfall</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | Share on Facebook | Tweet</nav>
<div class="cookie">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Dam holds after record rainfall</h1>
<p>The Karsk dam in northern Norway held on Tuesday after 212 millimetres of rain fell in two days,
the regional water authority said.</p>
<p>Engineers opened four spillway gates on Monday night and evacuated about 300 residents from the
village of Lindvik as a precaution, according to the authority.</p>
<p>The authority said water levels fell by 40 centimetres overnight and residents could return home
on Wednesday.</p></article>
<aside>Most read: Ten recipes for autumn. Leave a Reply. Your email address will not be published.</aside>
<footer>Copyright 2025 Nordic Wire. Privacy Policy. Subscribe to our newsletter.</footer>
</body></html>"""


class _PageHandler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.reply(200, PAGE.encode())


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    with serving(_PageHandler) as address:
        yield address


@pytest.fixture(scope="module")
def pipeline(make_stack: StackFactory, page_server: str) -> Stack:
    return make_stack(flower=True, env={"CROSSCHECK_FETCH_ALLOWED_HOSTS": page_server})


def test_seed_articles_find_each_other(pipeline: Stack) -> None:
    watcher = StreamWatcher(pipeline.redis_url, group="seeds")
    ids = [post(pipeline.api_url, article) for article in seed_articles()]
    statuses = wait_done(pipeline.api_url, ids, timeout=180)
    for status in statuses.values():
        assert status["status"] == "done", status
        assert status["claim_ids"], f"no claims from {status['source']}"
    claim_ids = {aid: set(s["claim_ids"]) for aid, s in statuses.items()}
    every_claim = set().union(*claim_ids.values())
    latest = watcher.wait_for(lambda docs: every_claim <= docs.keys(), timeout=120)
    latest = watcher.settle(quiet=3.0)
    for article_id, own in claim_ids.items():
        other_article = next(aid for aid in ids if aid != article_id)
        cited = {e.article_id for cid in own for e in latest[cid].evidence}
        assert other_article in cited, f"no claim of {article_id} cites the other outlet"
    # The same verdict document on the API and the stream.
    some = next(iter(every_claim))
    api_doc = requests.get(f"{pipeline.api_url}/claims/{some}", timeout=10).json()
    assert api_doc["claim_id"] == some and api_doc["version"] == latest[some].version
    watcher.close()


def test_url_article_is_fetched_and_verified(pipeline: Stack, page_server: str) -> None:
    article_id = post(
        pipeline.api_url, {"source": "Nordic Wire", "url": f"http://{page_server}/dam"}
    )
    status = wait_done(pipeline.api_url, [article_id], timeout=120)[article_id]
    assert status["status"] == "done", status
    assert status["title"] == "Dam holds after record rainfall"
    assert status["claim_ids"]
    claims = requests.get(
        f"{pipeline.api_url}/claims", params={"article_id": article_id}, timeout=10
    ).json()
    texts = " ".join(item["text"] for item in claims["items"])
    assert "Karsk" in texts or "Lindvik" in texts
    for boilerplate in ("cookies", "Leave a Reply", "Subscribe", "Share on Facebook"):
        assert boilerplate not in texts


def _flower_tasks(stack: Stack) -> dict[str, dict[str, Any]]:
    response = requests.get(f"http://127.0.0.1:{stack.flower_port}/api/tasks", timeout=10)
    response.raise_for_status()
    tasks: dict[str, dict[str, Any]] = response.json()
    return tasks


def test_flower_lists_the_runs_tasks(pipeline: Stack) -> None:
    article = {
        "source": "Flower Check",
        "body": "The city council of Tampere approved a new tram line on Monday, "
        "its mayor said. The line will cost 120 million euros and open in 2027, the council said.",
        "published_at": "2025-02-03T10:00:00Z",
    }
    article_id = post(pipeline.api_url, article)
    assert wait_done(pipeline.api_url, [article_id], timeout=120)[article_id]["status"] == "done"
    # This article's own tasks, not any earlier test's: every task's kwargs carry its id.
    want = {("crosscheck.extract_article", "SUCCESS"), ("crosscheck.verify_claims", "SUCCESS")}
    deadline = time.monotonic() + 30
    while True:
        tasks = _flower_tasks(pipeline)
        names = {
            (t["name"], t["state"]) for t in tasks.values() if article_id in str(t.get("kwargs"))
        }
        if want <= names or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert want <= names, names


def test_reposted_article_is_not_processed_twice(pipeline: Stack) -> None:
    article = {
        "source": "Repost Check",
        "body": "Lisbon's metro will add 14 new stations by 2030, the transport "
        "ministry said on Thursday, at a cost of 2.1 billion euros.",
        "published_at": "2025-05-08T08:00:00Z",
    }
    first = post(pipeline.api_url, article)
    wait_done(pipeline.api_url, [first], timeout=120)
    again = requests.post(f"{pipeline.api_url}/articles", json=article, timeout=10)
    assert again.status_code == 202 and again.json() == {
        **again.json(),
        "id": first,
        "duplicate": True,
    }
    time.sleep(2.0)
    extracts = [
        t
        for t in _flower_tasks(pipeline).values()
        if t["name"] == "crosscheck.extract_article" and first in str(t.get("kwargs"))
    ]
    assert len(extracts) == 1
