"""Feeds end to end: a local feed site, a real stack polling it every second, and
``crosscheck follow`` adding a feed while it runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from crosscheck.stack import Stack
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import StackFactory
from tests.e2e.helpers import wait_for
from tests.feeds import BROKEN, Site, atom, rss, served_site

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[Site, str]]:
    with served_site() as served:
        yield served


def _wait(predicate: Callable[[], Any], *, timeout: float = 90.0, what: str = "") -> Any:
    return wait_for(predicate, timeout=timeout, what=what, interval=0.2)


def _cli(stack: Stack, *args: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "crosscheck.cli", *args],
        env={**os.environ, **stack.env(), "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _sources(stack: Stack) -> set[str]:
    response = requests.get(f"{stack.api_url}/claims", params={"limit": 500}, timeout=10)
    response.raise_for_status()
    return {item["source"] for item in response.json()["items"]}


def test_feeds_are_polled_conditionally_and_new_items_become_articles(
    make_stack: StackFactory, site: tuple[Site, str]
) -> None:
    served, address = site
    base = f"http://{address}"
    for n, town in enumerate(["Valletta", "Marsaxlokk", "Birgu", "Senglea"], start=1):
        served.page(f"/a/{n}.html", town=town, count=10 + n)
    served.put(
        "/rss.xml", rss("Harbour News", [(f"{base}/a/{n}.html",) * 2 + ("x",) for n in (1, 2)])
    )
    served.put("/broken.xml", BROKEN)
    served.put("/atom.xml", atom("Coast Wire", [("urn:coast:3", f"{base}/a/3.html", "Birgu")]))
    stack = make_stack(
        env={
            "CROSSCHECK_FEEDS": f"{base}/broken.xml,{base}/rss.xml",
            "CROSSCHECK_FEED_POLL_SECONDS": "1",
            "CROSSCHECK_FETCH_ALLOWED_HOSTS": address,
        }
    )
    assert _cli(stack, "follow", f"{base}/atom.xml") == [
        {"feed": f"{base}/atom.xml", "followed": True, "new": True}
    ]

    # Every item of both good feeds is fetched once, through the pipeline to verdicts.
    _wait(lambda: {"Harbour News", "Coast Wire"} <= _sources(stack), what="verdicts from feeds")
    for n in (1, 2, 3):
        assert [status for _, status in served.hits(f"/a/{n}.html")] == [200]

    # Unchanged feeds are asked conditionally and answer 304.
    _wait(lambda: len(served.hits("/rss.xml")) >= 3, what="three polls of the RSS feed")
    later = served.hits("/rss.xml")[1:]
    assert all(inm is not None and status == 304 for inm, status in later), later

    # A new item is queued, and only it.
    served.put(
        "/rss.xml",
        rss("Harbour News", [(f"{base}/a/{n}.html",) * 2 + ("x",) for n in (4, 1, 2)]),
    )
    _wait(lambda: served.hits("/a/4.html"), what="the new item fetched")
    time.sleep(3)  # three more polls
    for n in (1, 2, 3, 4):
        assert [status for _, status in served.hits(f"/a/{n}.html")] == [200], n

    # The broken feed is fetched whole, logged and skipped on every poll; the others went
    # on regardless.
    assert [status for _, status in served.hits("/broken.xml")][:3] == [200, 200, 200]
    log = (stack.log_dir / "extract.log").read_text(encoding="utf-8")
    assert "feed_malformed" in log and "/broken.xml" in log
    states = {s["url"]: s for s in _cli(stack, "follow", "--list")}
    assert states[f"{base}/broken.xml"]["status"] == "malformed"
    assert states[f"{base}/broken.xml"]["from_setting"] is True
    assert states[f"{base}/rss.xml"]["status"] in ("ok", "not_modified")
    assert states[f"{base}/atom.xml"]["from_setting"] is False

    assert _cli(stack, "unfollow", f"{base}/atom.xml") == [
        {"feed": f"{base}/atom.xml", "followed": False, "was_followed": True}
    ]
    time.sleep(3)  # a poll sent before the unfollow may still run
    polls = len(served.hits("/atom.xml"))
    time.sleep(3)
    assert len(served.hits("/atom.xml")) == polls
