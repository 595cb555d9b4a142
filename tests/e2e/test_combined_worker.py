"""The combined worker (``crosscheck.worker``): every stage in one pool, in priority order."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis

from crosscheck.redis_server import free_port
from crosscheck.stack import Stack
from shared.celery_app import PRIORITY_REFRESH, TASK_EXTRACT, TASK_VERIFY, make_celery
from shared.settings import Settings

pytestmark = pytest.mark.e2e


def test_one_process_takes_first_verdicts_then_extraction_then_refreshes(
    redis_db_url: str, tmp_path: Path
) -> None:
    # Queued before any worker runs, in the worst order. The ids name nothing stored, so each
    # task fails at once and is dead-lettered: the dead-letter stream records the order in
    # which the one worker process took them.
    sender = make_celery(Settings(redis_url=redis_db_url), name="test-sender")
    sender.send_task(
        TASK_VERIFY,
        kwargs={"claim_ids": ["refresh"], "reason": "reverify"},
        priority=PRIORITY_REFRESH,
    )
    sender.send_task(TASK_EXTRACT, kwargs={"article_id": "article1"})
    sender.send_task(TASK_VERIFY, kwargs={"claim_ids": ["first1"], "article_id": "a"})
    sender.send_task(TASK_EXTRACT, kwargs={"article_id": "article2"})
    sender.send_task(TASK_VERIFY, kwargs={"claim_ids": ["first2"], "article_id": "a"})

    stack = Stack(redis_url=redis_db_url, log_dir=tmp_path, api_port=free_port())
    client = redis.Redis.from_url(redis_db_url, decode_responses=True)
    try:
        stack.start_worker(concurrency=1)
        deadline = time.monotonic() + 90
        while client.xlen("crosscheck:dead") < 5 and time.monotonic() < deadline:
            assert stack.children["worker"].alive(), (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        letters = [json.loads(f["letter"]) for _, f in client.xrange("crosscheck:dead")]
    finally:
        stack.stop()
        client.close()
    taken = [(letter["claim_ids"] or [letter["article_id"]])[0] for letter in letters]
    assert taken == ["first1", "first2", "article1", "article2", "refresh"]
    assert {letter["task"] for letter in letters} == {TASK_VERIFY, TASK_EXTRACT}
