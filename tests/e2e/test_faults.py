"""Faults with real processes: killed workers, a restarted Redis, a crashed consumer, poison
input and a failing external provider. Nothing accepted may be lost, nothing published twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil
import pytest
import redis
import requests

from bench.soak import synthetic_articles
from crosscheck.processes import Child
from crosscheck.redis_server import RedisServer, free_port
from crosscheck.stack import Stack
from shared.celery_app import TASK_EXTRACT, TASK_FETCH, TASK_VERIFY, queue_depth, queue_keys
from shared.schemas import ArticleStatus, VerdictDoc
from shared.settings import Settings
from shared.storage import claims as stored_claims
from shared.storage import keys
from shared.storage.articles import get_statuses
from shared.storage.listing import publish
from shared.stream import ensure_group, entry_order
from tests.e2e.conftest import StackFactory
from tests.e2e.helpers import wait_done, wait_for
from tests.local_http import QuietHandler, serving
from tests.shared.verdicts import minimal_verdict

pytestmark = pytest.mark.e2e

STREAM = "crosscheck:verified"
DEAD = "crosscheck:dead"
# Unacknowledged messages of a dead worker come back after 5 s; a message lost outright
# (popped by a worker killed before it recorded it) is sent again after 10 s without progress.
FAST_REDELIVERY = {
    "CROSSCHECK_VISIBILITY_TIMEOUT": "5",
    "CROSSCHECK_STALL_SECONDS": "10",
    "CROSSCHECK_TASK_RETRY_BACKOFF_MAX": "2",
}


def post_all(api_url: str, articles: list[dict[str, Any]]) -> list[str]:
    ids = []
    with requests.Session() as http:
        for article in articles:
            response = http.post(f"{api_url}/articles", json=article, timeout=30)
            assert response.status_code == 202, response.text
            ids.append(response.json()["id"])
    return ids


def stream_docs(client: redis.Redis) -> list[VerdictDoc]:
    entries: list[tuple[str, dict[str, str]]] = client.xrange(STREAM)  # type: ignore[assignment]
    return [VerdictDoc.model_validate_json(f["claim"]) for _, f in entries if "claim" in f]


def assert_every_claim_published_once(
    client: redis.Redis, statuses: dict[str, dict[str, Any]]
) -> int:
    docs = stream_docs(client)
    versions = Counter((doc.claim_id, doc.version) for doc in docs)
    duplicates = {key: n for key, n in versions.items() if n > 1}
    assert not duplicates, f"published more than once: {duplicates}"
    published = {doc.claim_id for doc in docs}
    claims = {cid for status in statuses.values() for cid in status["claim_ids"]}
    missing = claims - published
    assert not missing, f"{len(missing)} claims have no verdict on the stream"
    return len(claims)


def wait_articles(
    client: redis.Redis, ids: list[str], *, timeout: float
) -> dict[str, dict[str, Any]]:
    """Poll article status in Redis (cheaper than the API for hundreds of articles)."""
    deadline = time.monotonic() + timeout
    while True:
        pipe = client.pipeline(transaction=False)
        for article_id in ids:
            pipe.hmget(keys.article(article_id), ["status", "reason"])
        rows = pipe.execute()
        statuses = {
            article_id: {"status": rows[i][0], "reason": rows[i][1]}
            for i, article_id in enumerate(ids)
        }
        pending = [a for a, s in statuses.items() if s["status"] not in ("done", "failed")]
        if not pending:
            for article_id, status in statuses.items():
                status["claim_ids"] = stored_claims.article_claim_ids(client, article_id)
            return statuses
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{len(pending)} articles not done after {timeout}s: "
                f"{describe_stuck(client, pending[:5])}"
            )
        time.sleep(0.5)


def describe_stuck(client: redis.Redis, article_ids: list[str]) -> dict[str, Any]:
    """What a stuck article is waiting for, and what the broker still holds."""
    articles = {
        article_id: {
            "fields": client.hmget(keys.article(article_id), ["status", "reason"]),
            "claims": len(stored_claims.article_claim_ids(client, article_id)),
            "pending": sorted(client.smembers(keys.article_pending(article_id))),  # type: ignore[arg-type]
        }
        for article_id in article_ids
    }
    unacked = Counter(json.loads(raw)[0]["headers"]["task"] for raw in client.hvals("unacked"))
    queues = {name: queue_depth(client, name) for name in ("extract", "verify")}
    locks = [key for key in client.scan_iter(match="*mutex*")]
    return {"articles": articles, "unacked": dict(unacked), "queues": queues, "locks": locks}


def unacked_task_ids(client: redis.Redis, *tasks: str) -> set[str]:
    """Ids of the tasks (of the ``tasks`` names, if given) kombu holds as delivered but not
    acknowledged."""
    ids = set()
    for raw in client.hvals("unacked"):
        headers = json.loads(raw)[0]["headers"]
        if not tasks or headers["task"] in tasks:
            ids.add(headers["id"])
    return ids


def pool_pids(child: Child) -> list[int]:
    return [p.pid for p in psutil.Process(child.pid).children(recursive=True)]


def kill_worker(stack: Stack, name: str) -> list[int]:
    """kill -9 the worker's main process, as a crash would; return its pool's pids."""
    child = stack.children[name]
    pool = pool_pids(child)
    assert pool, f"{name} has no pool processes"
    child.kill_hard()
    child.close()
    return pool


def assert_pool_died(pool: list[int]) -> None:
    # Celery's prefork children set PR_SET_PDEATHSIG=SIGKILL, so they die with their parent
    # and cannot keep running (or acknowledging) tasks nobody supervises.
    def gone() -> bool:
        return not any(
            psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" for pid in pool
        )

    wait_for(gone, timeout=10, what=f"pool processes {pool} exit after their parent was killed")


def task_received_in_log(log_path: Path, task_ids: set[str]) -> set[str]:
    text = log_path.read_text(errors="replace")
    return {task_id for task_id in task_ids if task_id in text}


# --- 1. workers killed mid-task --------------------------------------------------------------


def test_killed_workers_lose_nothing(make_stack: StackFactory) -> None:
    stack = make_stack(start=False, env=FAST_REDELIVERY)
    stack.start_api()
    stack.start_extract(concurrency=2)
    stack.start_verify(name="verify0", concurrency=4)
    stack.wait_api()
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    ids = post_all(stack.api_url, synthetic_articles(200, seed=1, tag="Crash"))

    # The extract worker dies while articles are still waiting for it.
    wait_for(lambda: client.xlen(STREAM) >= 5, timeout=90, what="first verdicts")
    in_flight_extract = unacked_task_ids(client, TASK_FETCH, TASK_EXTRACT)
    pool = kill_worker(stack, "extract")
    assert_pool_died(pool)
    assert queue_depth(client, "extract") > 0 or in_flight_extract, (
        "extraction finished before the kill"
    )
    time.sleep(1)
    stack.start_extract(name="extract", concurrency=2)

    # Then the verify worker dies with claims in hand.
    wait_for(lambda: client.xlen(STREAM) >= 60, timeout=120, what="60 verdicts")
    pool = kill_worker(stack, "verify0")
    assert_pool_died(pool)
    # Only verify tasks: the restarted extract worker's own messages are unacked too.
    orphaned = unacked_task_ids(client, TASK_VERIFY)
    assert orphaned, "no verify task was in flight when the worker died"
    time.sleep(1)
    stack.start_verify(name="verify1", concurrency=4)

    statuses = wait_articles(client, ids, timeout=180)
    failed = {aid: s["reason"] for aid, s in statuses.items() if s["status"] != "done"}
    assert not failed, failed
    claims = assert_every_claim_published_once(client, statuses)
    # The orphaned messages really were redelivered (kombu restored them after the
    # visibility timeout) and the new workers received them.
    wait_for(
        lambda: not unacked_task_ids(client) & orphaned, timeout=30, what="orphans acknowledged"
    )
    received = task_received_in_log(stack.log_dir / "verify1.log", orphaned)
    assert received, f"none of {len(orphaned)} orphaned tasks reached a restarted worker"
    print(f"\n200 articles, {claims} claims, {len(orphaned)} orphaned messages redelivered")
    client.close()


def drop_queue(client: redis.Redis, queue: str) -> int:
    """Delete every message waiting on ``queue``: what a worker killed right after its BRPOP
    returned leaves behind (kombu pops a message before it records it as unacknowledged)."""
    lost = queue_depth(client, queue)
    client.delete(*queue_keys(queue))
    return lost


def test_task_messages_lost_outright_are_sent_again(make_stack: StackFactory) -> None:
    stack = make_stack(start=False, env={"CROSSCHECK_STALL_SECONDS": "4"})
    stack.start_api()
    stack.wait_api()
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    ids = post_all(stack.api_url, synthetic_articles(6, seed=4, tag="Lost"))
    assert drop_queue(client, "extract") == len(ids)

    stack.start_extract(concurrency=1)
    wait_for(
        lambda: all(s == ArticleStatus.verifying for s in get_statuses(client, ids).values()),
        timeout=60,
        what="every article extracted after its extract message was lost",
    )
    assert drop_queue(client, "verify") > 0
    assert not unacked_task_ids(client, TASK_VERIFY)

    stack.start_verify(concurrency=1)
    statuses = wait_articles(client, ids, timeout=90)
    assert {s["status"] for s in statuses.values()} == {"done"}
    assert_every_claim_published_once(client, statuses)
    # Finished articles are no longer watched.
    assert not client.zscore(keys.inflight(), ids[0])
    logs = "".join(p.read_text(errors="replace") for p in stack.log_dir.glob("*.log"))
    assert "stalled_articles_resent" in logs
    client.close()


# --- 2. Redis restarted under load -----------------------------------------------------------


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(data_dir=tmp_path / "redis").start()
    yield server
    server.stop()


def test_redis_restart_loses_nothing_and_api_says_503(
    own_redis: RedisServer, tmp_path: Path
) -> None:
    stack = Stack(
        redis_url=own_redis.url,
        log_dir=tmp_path / "logs",
        api_port=free_port(),
        extra_env={**FAST_REDELIVERY, "CROSSCHECK_REDIS_SOCKET_TIMEOUT": "2"},
    )
    try:
        stack.start_api()
        stack.start_extract(concurrency=2)
        stack.start_verify(concurrency=2)
        stack.wait_api()
        ids = post_all(stack.api_url, synthetic_articles(40, seed=2, tag="Restart"))
        own_redis.stop()  # SIGTERM: redis-server writes its AOF and exits

        answers: Counter[int] = Counter()
        for article in synthetic_articles(10, seed=3, tag="Down"):
            response = requests.post(f"{stack.api_url}/articles", json=article, timeout=30)
            answers[response.status_code] += 1
            assert response.status_code == 503, response.text
            assert int(response.headers["Retry-After"]) > 0
            assert response.json()["error"] == "store_unavailable"
        ready = requests.get(f"{stack.api_url}/readyz", timeout=30)
        assert ready.status_code == 503 and "Retry-After" in ready.headers
        time.sleep(3)  # workers meet the outage mid-task

        own_redis.start()  # the same port and data directory
        statuses = wait_done(stack.api_url, ids, timeout=180)
        failed = {aid: s["reason"] for aid, s in statuses.items() if s["status"] != "done"}
        assert not failed, failed
        client = redis.Redis.from_url(own_redis.url, decode_responses=True)
        assert_every_claim_published_once(client, statuses)
        stored = sum(1 for _ in client.scan_iter(match=keys.article("*")))
        assert stored == len(ids)  # nothing answered 503 was stored
        client.close()
    finally:
        stack.stop()


@pytest.mark.parametrize(("durable", "expected"), [("strict", "always"), ("everysec", "everysec")])
def test_durable_setting_picks_the_fsync_policy(
    tmp_path: Path, durable: str, expected: str
) -> None:
    settings = Settings(environment="test", durable=durable)  # type: ignore[arg-type]
    server = RedisServer.for_settings(settings, data_dir=tmp_path / durable).start()
    try:
        client = redis.Redis.from_url(server.url, decode_responses=True)
        assert client.config_get("appendfsync")["appendfsync"] == expected
        assert client.config_get("appendonly")["appendonly"] == "yes"
        client.close()
    finally:
        server.stop()


def test_strict_durability_survives_kill_9(tmp_path: Path) -> None:
    """With ``appendfsync always`` a write acknowledged is a write on disk: kill -9 loses none.

    (With the default ``everysec`` up to about one second of acknowledged writes can be
    lost on a crash of the machine or a kill -9; a clean SIGTERM loses nothing.)
    """
    server = RedisServer(data_dir=tmp_path / "strict", appendfsync="always").start()
    client = redis.Redis.from_url(server.url, decode_responses=True)
    for index in range(300):
        client.set(f"k{index}", index)
    server.kill()
    server.start()
    assert client.get("k299") == "299" and client.dbsize() == 300
    client.close()
    server.stop()


# --- 3. a consumer dies before XACK ----------------------------------------------------------


def test_crashed_consumer_messages_go_to_the_next_consumer(redis_db_url: str) -> None:
    client = redis.Redis.from_url(redis_db_url, decode_responses=True)
    settings = Settings(redis_url=redis_db_url, environment="test")
    # More messages than a pipe buffer holds: the consumer blocks on stdout with most of its
    # batch read but not printed, so some are certainly pending when it is killed.
    for index in range(200):
        publish(client, settings=settings, doc=minimal_verdict(f"cc{index}"))
    ensure_group(client, stream=STREAM, group="G", from_start=True)
    env = {**os.environ, "CROSSCHECK_REDIS_URL": redis_db_url}
    command = [sys.executable, "-m", "crosscheck.cli", "consume", "--group", "G"]
    first = subprocess.Popen([*command, "--consumer", "c1"], env=env, stdout=subprocess.PIPE)
    assert first.stdout is not None
    printed = json.loads(first.stdout.readline())  # it read a batch and printed one line
    first.send_signal(signal.SIGKILL)
    first.wait()
    first.stdout.close()
    pending = client.xpending_range(STREAM, "G", min="-", max="+", count=500)
    pending_ids = {p["message_id"] for p in pending}
    assert pending_ids, "the killed consumer left nothing pending"
    # Stream ids compare as (milliseconds, sequence), not as strings.
    assert entry_order(printed["id"]) <= min(map(entry_order, pending_ids))
    assert {p["consumer"] for p in pending} == {"c1"}

    # Entries still delivered to nobody would be read first otherwise; let c1's go idle.
    time.sleep(0.6)
    second = subprocess.run(
        [*command, "--consumer", "c2", "--idle-ms", "500", "--count", str(len(pending_ids))],
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    taken = {json.loads(line)["id"] for line in second.stdout.decode().splitlines()}
    assert taken == pending_ids  # every one of them, through XAUTOCLAIM
    assert client.xpending(STREAM, "G")["pending"] == 0
    client.close()


# --- 4. poison input goes to the dead-letter stream ------------------------------------------


class _Toggle(QuietHandler):
    healthy = False
    page = (
        "<html><head><title>Bridge reopens</title></head><body><article><p>The Kalvo bridge in "
        "Tartu reopened on Monday after repairs that cost 14 million euros, the city said.</p>"
        "<p>About 20,000 vehicles cross the bridge every day, the city transport office said.</p>"
        "</article></body></html>"
    )

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        healthy = type(self).healthy
        self.reply(200 if healthy else 500, self.page.encode() if healthy else b"down")


@pytest.fixture
def toggle_server() -> Iterator[str]:
    _Toggle.healthy = False
    with serving(_Toggle) as address:
        yield address


def _cli(redis_url: str, *args: str) -> str:
    env = {**os.environ, "CROSSCHECK_REDIS_URL": redis_url}
    done = subprocess.run(
        [sys.executable, "-m", "crosscheck.cli", *args], env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return done.stdout.decode()


def test_poison_input_is_dead_lettered_and_can_be_retried(
    make_stack: StackFactory, toggle_server: str
) -> None:
    stack = make_stack(
        env={
            "CROSSCHECK_FETCH_ALLOWED_HOSTS": toggle_server,
            "CROSSCHECK_TASK_MAX_RETRIES": "1",
            "CROSSCHECK_TASK_RETRY_BACKOFF_MAX": "1",
        }
    )
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    refused_port = free_port()  # a loopback address that is not allowed: the SSRF guard
    refused = post_all(
        stack.api_url, [{"source": "Poison", "url": f"http://127.0.0.1:{refused_port}/x"}]
    )[0]
    flaky = post_all(stack.api_url, [{"source": "Flaky", "url": f"http://{toggle_server}/bridge"}])[
        0
    ]
    good = post_all(stack.api_url, synthetic_articles(1, seed=4, tag="AfterPoison"))[0]

    statuses = wait_done(stack.api_url, [refused, flaky, good], timeout=120)
    assert statuses[good]["status"] == "done" and statuses[good]["claim_ids"]
    assert statuses[refused]["status"] == "failed"
    assert (
        "FetchRefused" in statuses[refused]["reason"] and "loopback" in statuses[refused]["reason"]
    )
    assert statuses[flaky]["status"] == "failed" and "UpstreamError" in statuses[flaky]["reason"]

    letters = {
        line["article_id"]: line
        for line in map(json.loads, _cli(stack.redis_url, "dead", "list").splitlines())
    }
    assert letters[refused]["error_type"] == "FetchRefused"
    assert letters[refused]["retries"] == 0  # permanent: never retried
    assert letters[flaky]["error_type"] == "UpstreamError"
    assert letters[flaky]["retries"] == 1  # retried once, then given up
    assert letters[flaky]["task"] == "crosscheck.fetch_article"

    _Toggle.healthy = True  # the upstream recovers; send the dead task again
    resent = json.loads(_cli(stack.redis_url, "dead", "retry", letters[flaky]["id"]))
    assert resent["resent"] == "crosscheck.fetch_article"
    wait_for(
        lambda: (
            requests.get(f"{stack.api_url}/articles/{flaky}", timeout=10).json()["status"] == "done"
        ),
        timeout=60,
        what="the retried article is done",
        interval=0.3,
    )
    again = requests.get(f"{stack.api_url}/articles/{flaky}", timeout=10).json()
    assert again["title"] == "Bridge reopens" and again["claim_ids"]
    remaining = {
        json.loads(line)["article_id"]
        for line in _cli(stack.redis_url, "dead", "list").splitlines()
    }
    assert flaky not in remaining and refused in remaining
    assert client.xlen(DEAD) == 1
    client.close()


# --- 5. a slow or failing external provider --------------------------------------------------


class _Provider(QuietHandler):
    mode = "healthy"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        mode = type(self).mode
        if mode == "slow":
            time.sleep(2.0)
        status, body = (500, b'{"error": "boom"}') if mode == "error" else (200, b'{"claims": []}')
        try:
            self.reply(status, body, content_type="application/json")
        except OSError:
            return  # the client gave up waiting, as it should


class _DaemonServer(ThreadingHTTPServer):
    daemon_threads = True  # slow handlers must not hold up shutdown


@pytest.fixture
def provider_server() -> Iterator[str]:
    _Provider.mode = "healthy"
    with serving(_Provider, server_class=_DaemonServer) as address:
        yield f"http://{address}/v1alpha1/claims:search"


def _batch(
    stack: Stack, client: redis.Redis, *, tag: str, seed: int, size: int
) -> tuple[float, list[VerdictDoc]]:
    """Post a batch, wait for every article; (articles per second, the batch's verdicts)."""
    started = time.monotonic()
    ids = post_all(stack.api_url, synthetic_articles(size, seed=seed, tag=tag))
    statuses = wait_done(stack.api_url, ids, timeout=120)
    rate = size / (time.monotonic() - started)
    assert all(s["status"] == "done" for s in statuses.values())
    claims = {cid for s in statuses.values() for cid in s["claim_ids"]}
    docs = [doc for doc in stream_docs(client) if doc.claim_id in claims]
    assert {doc.claim_id for doc in docs} == claims  # every verdict arrived
    return rate, docs


def test_failing_provider_degrades_coverage_and_its_circuit_opens(
    make_stack: StackFactory, provider_server: str
) -> None:
    stack = make_stack(
        env={
            "CROSSCHECK_FACTCHECK_API_KEY": "provider-test-key-0123456789",
            "CROSSCHECK_FACTCHECK_URL": provider_server,
            "CROSSCHECK_FACTCHECK_TIMEOUT": "0.3",
            "CROSSCHECK_BREAKER_FAILURES": "2",
            "CROSSCHECK_BREAKER_RESET_SECONDS": "3",
        }
    )
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    _batch(stack, client, tag="Warmup", seed=10, size=3)  # models loaded, connections open
    healthy_rate, healthy_docs = _batch(stack, client, tag="Healthy", seed=11, size=20)
    assert {c.status for d in healthy_docs for c in d.coverage if c.provider == "factcheck"} == {
        "ok"
    }

    # Re-verifications of the healthy batch may still run after the switch and be the first
    # to meet the slow provider: count every verdict published from the switch on.
    switched_at = len(stream_docs(client))
    _Provider.mode = "slow"  # every call sleeps past the timeout
    slow_rate, slow_docs = _batch(stack, client, tag="Slow", seed=12, size=20)
    slow_status = Counter(
        c.status for d in slow_docs for c in d.coverage if c.provider == "factcheck"
    )
    since_switch = Counter(
        c.status
        for d in stream_docs(client)[switched_at:]
        for c in d.coverage
        if c.provider == "factcheck"
    )
    # Every slow-batch verdict records the provider, and none as answered.
    assert sum(slow_status.values()) >= len(slow_docs) and slow_status["ok"] == 0, slow_status
    assert since_switch["unavailable"] >= 1 and since_switch["circuit_open"] >= 1, since_switch

    time.sleep(3.5)  # past the reset: the breaker lets one trial call through
    _Provider.mode = "error"
    _, error_docs = _batch(stack, client, tag="Error", seed=13, size=8)
    error_status = Counter(
        c.status for d in error_docs for c in d.coverage if c.provider == "factcheck"
    )
    assert sum(error_status.values()) >= len(error_docs), error_status
    assert error_status["ok"] == 0 and set(error_status) <= {"unavailable", "circuit_open"}
    # Throughput with a slow provider is a figure for bench/, not a pass/fail bound here:
    # what this test holds is that the open circuit answers instead of the provider.
    print(
        f"\nprovider healthy {healthy_rate:.2f} art/s, slow {slow_rate:.2f} art/s; {slow_status}; {error_status}"
    )
    client.close()
