"""End-to-end throughput and latency of the pipeline, against two ceilings in the same run.

Usage::

    python bench/pipeline.py [--articles 300] [--steady-seconds 60]
                             [--workers combined|split] [--concurrency N]
                             [--extract-concurrency 1] [--verify-concurrency 1]
                             [--task-events on|off] [--rounds 3] [--skip-ceilings]
                             [--env KEY=VALUE] [--out bench/results/pipeline.json]

One run, on one real redis-server (AOF everysec, as production), in five phases
(``--skip-ceilings`` leaves out 3-5):

1. **burst**: a real stack (uvicorn ingest API and the Celery workers, started by
   ``crosscheck.stack``: by default the one worker over every queue that ``crosscheck run``
   starts, one process per core; ``--workers split`` runs an extract and a verify worker) gets ``--articles`` FNC-1 news articles posted over HTTP as fast
   as four client threads can. Throughput runs from the first POST to the last first-version
   verdict on the stream; an article's latency runs from its POST to the stream entry of
   its last claim's first verdict (the entry id is Redis's clock, so reading lag is not
   counted).
2. **steady**: after re-verification settles, fresh articles are posted at a fixed rate of
   half the burst throughput for ``--steady-seconds``; its latency is the headline figure.
3. **engine ceiling**: the same Celery app factory, decorator, queues, worker command line
   and concurrency on another logical database of the same server, with no-op task bodies
   (``bench/noop_app.py``). Each extract task fans out verify tasks for as many claims as
   the burst article at the same position had, batched as the real one batches them.
4. **work ceiling**: the burst's articles extracted and verified in-process
   (``bench/inprocess.py``: the verify task's own flow, and its verdict writes: versioned
   verdict keys, stream entries, article bookkeeping, a batch at a time as the task does),
   on as many processes as the stack has worker processes, with no Celery and no HTTP. It
   is run a second time without the verdict writes (the assessment alone), the narrower
   ceiling that earlier runs reported. It re-verifies as the pipeline's queue
   does under a burst (re-verification has the lowest priority): after every first verdict,
   each claim found as evidence once, so the burst *until drained* over this ceiling
   measures plumbing only. The pipeline's count of re-verifications is read from its worker
   logs and reported beside the ceiling's, to show that the two did the same work.
5. **more rounds** (``--rounds``, default 3): the burst again on a fresh stack and the work
   ceiling again, back to back, each on fresh logical databases (even rounds run the
   ceiling first). The host is shared, and one ceiling run can differ from the next by
   5-10 %; the like-for-like ratio is the median of the rounds' ratios, each printed.

Writes ``bench/results/pipeline.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import psutil  # noqa: E402
import redis  # noqa: E402
import requests  # noqa: E402

from bench.common import (  # noqa: E402
    NewsArticle,
    article_id_of,
    load_articles,
    machine,
    progress,
    summary,
    table,
    write_result,
)
from bench.memory import memory_report  # noqa: E402
from crosscheck.processes import Child, stop_all  # noqa: E402
from crosscheck.redis_server import RedisServer, free_port  # noqa: E402
from crosscheck.stack import (  # noqa: E402
    ALL_QUEUES,
    Stack,
    default_concurrency,
    worker_command,
)
from shared.celery_app import batches, queue_keys  # noqa: E402
from shared.schemas import ArticleStatus  # noqa: E402
from shared.settings import Settings, get_settings  # noqa: E402
from shared.storage import articles as stored_articles  # noqa: E402
from shared.storage import claims as stored_claims  # noqa: E402
from shared.stream import ensure_group, entry_order, trim_acknowledged  # noqa: E402

STREAM = "crosscheck:verified"
QUEUE_KEYS = [key for queue in ALL_QUEUES.split(",") for key in queue_keys(queue)]
POST_THREADS = 4
# Posted at once like the burst, so the API's connection pools have grown to the burst's
# concurrency before the memory baseline: a connection costs Redis ~17 kB of buffers (6.2)
# however many articles it carries. The work ceiling stores the same articles first.
WARMUP_ARTICLES = 2 * POST_THREADS  # --warmup-articles
MAX_ROUNDS = 6  # rounds after the first use databases 6..15


# --- reading the verified stream ------------------------------------------------------


@dataclass
class Collector:
    """Reads the verified stream in a thread; keeps each claim's first-verdict time."""

    client: redis.Redis
    stream: str = STREAM
    group: str = "bench"
    first: dict[str, float] = field(default_factory=dict)  # claim id -> seconds (Redis clock)
    by_article: dict[str, set[str]] = field(default_factory=dict)
    entries: int = 0
    entry_bytes: int = 0  # the payloads read, for the size of a stream nobody consumes
    reverified: int = 0
    last_entry_at: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Collector:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        # A consumer group, read and acknowledged as a user's consumer does, so the workers'
        # sweep may trim what it has read (``shared.stream.trim_acknowledged``).
        ensure_group(self.client, stream=self.stream, group=self.group, from_start=True)
        while not self._stop.is_set():
            reply: Any = self.client.xreadgroup(
                self.group, "bench", {self.stream: ">"}, count=500, block=200
            )
            for _name, entries in reply or []:
                for entry_id, fields in entries:
                    self._take(entry_id, fields)
                if entries:
                    self.client.xack(self.stream, self.group, *[e for e, _ in entries])

    def _take(self, entry_id: str, fields: dict[str, str]) -> None:
        doc = json.loads(fields["claim"])
        at = entry_order(entry_id)[0] / 1000.0
        with self._lock:
            self.entries += 1
            self.entry_bytes += len(fields["claim"].encode())
            self.last_entry_at = time.time()
            if doc["version"] > 1 or doc["claim_id"] in self.first:
                self.reverified += 1
            if doc["claim_id"] not in self.first:
                self.first[doc["claim_id"]] = at
                self.by_article.setdefault(doc["article_id"], set()).add(doc["claim_id"])

    def seen(self) -> int:
        with self._lock:
            return len(self.first)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


# --- posting ----------------------------------------------------------------------------


_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    session: requests.Session = _local.session
    return session


def _post(api_url: str, article: NewsArticle) -> tuple[str, float]:
    started = time.time()
    response = _session().post(f"{api_url}/articles", json=article.payload(), timeout=60)
    if response.status_code != 202:
        raise RuntimeError(f"POST /articles answered {response.status_code}: {response.text[:300]}")
    return str(response.json()["id"]), started


def post_burst(api_url: str, articles: list[NewsArticle], *, desc: str) -> dict[str, float]:
    posted: dict[str, float] = {}
    with ThreadPoolExecutor(POST_THREADS) as pool, progress(len(articles), desc) as bar:
        for article_id, started in pool.map(lambda a: _post(api_url, a), articles):
            posted[article_id] = started
            bar.update()
    return posted


def post_steady(
    api_url: str, articles: list[NewsArticle], *, rate: float, desc: str
) -> dict[str, float]:
    """Post at ``rate`` per second on a fixed schedule (late posts do not bunch up)."""
    posted: dict[str, float] = {}
    lock = threading.Lock()

    def one(article: NewsArticle) -> None:
        article_id, started = _post(api_url, article)
        with lock:
            posted[article_id] = started

    t0 = time.monotonic()
    with ThreadPoolExecutor(POST_THREADS) as pool, progress(len(articles), desc) as bar:
        futures = []
        for i, article in enumerate(articles):
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(one, article))
            bar.update()
        for future in futures:
            future.result()
    return posted


# --- waiting for the pipeline ------------------------------------------------------------


def wait_verified(
    client: redis.Redis,
    collector: Collector,
    posted: dict[str, float],
    *,
    timeout: float,
    desc: str,
) -> dict[str, list[str]]:
    """Block until every posted article is done or failed and each claim has a verdict."""
    pending = set(posted)
    claims: dict[str, list[str]] = {}
    deadline = time.monotonic() + timeout
    with progress(len(posted), desc, unit="article") as bar:
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(pending)} articles not verified after {timeout:.0f}s")
            ordered = sorted(pending)
            statuses = stored_articles.get_statuses(client, ordered)
            with collector._lock:
                first = set(collector.first)
            for article_id in ordered:
                if statuses.get(article_id) not in (ArticleStatus.done, ArticleStatus.failed):
                    continue
                ids = stored_claims.article_claim_ids(client, article_id)
                if all(c in first for c in ids):
                    claims[article_id] = list(ids)
                    pending.discard(article_id)
                    bar.update()
            # Latency comes from stream entry ids, not from this loop: poll gently, since
            # the bench shares the cores with the stack it measures.
            time.sleep(0.5)
    return claims


def settle(
    client: redis.Redis, collector: Collector, *, quiet: float, timeout: float = 1800.0
) -> float:
    """Wait until no task is queued or reserved (a reserved or running task stays in
    ``unacked`` until it returns) and the stream has been quiet for ``quiet`` seconds.

    Returns the wall-clock time at which the pipeline went idle, not the end of the quiet
    period: that wait only confirms nothing else follows.
    """
    deadline = time.monotonic() + timeout
    idle_since: float | None = None
    while time.monotonic() < deadline:
        pipe = client.pipeline(transaction=False)
        for queue in QUEUE_KEYS:
            pipe.llen(queue)
        pipe.hlen("unacked")
        busy = sum(int(n) for n in pipe.execute())
        now = time.time()
        if busy:
            idle_since = None
        elif idle_since is None:
            idle_since = now
        with collector._lock:
            last = collector.last_entry_at
        if idle_since is not None and now - max(idle_since, last) >= quiet:
            return idle_since
        time.sleep(0.1)
    raise TimeoutError(f"pipeline still busy after {timeout:.0f}s")


@dataclass(frozen=True)
class PhaseResult:
    articles: int
    claims: int
    seconds: float
    latencies: list[float]
    # POST to the article's first verdict: extraction plus one verification, queueing included.
    first_latencies: list[float]
    no_claims: int
    failed: int

    def as_json(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "claims": self.claims,
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.articles / self.seconds, 3),
            "claims_per_second": round(self.claims / self.seconds, 3),
            "claims_per_article": round(self.claims / max(1, self.articles), 2),
            "articles_without_claims": self.no_claims,
            "articles_failed": self.failed,
            "latency_seconds": {k: _round(v) for k, v in summary(self.latencies).items()},
            "first_verdict_latency_seconds": {
                k: _round(v) for k, v in summary(self.first_latencies).items()
            },
        }


def _round(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def measure(
    client: redis.Redis,
    collector: Collector,
    posted: dict[str, float],
    claims: dict[str, list[str]],
) -> PhaseResult:
    with collector._lock:
        first = dict(collector.first)
    latencies, first_latencies, ends = [], [], []
    no_claims = 0
    statuses = stored_articles.get_statuses(client, posted)
    for article_id, started in posted.items():
        ids = claims[article_id]
        if not ids:
            no_claims += 1
            continue
        end = max(first[c] for c in ids)
        ends.append(end)
        latencies.append(end - started)
        first_latencies.append(min(first[c] for c in ids) - started)
    start = min(posted.values())
    seconds = (max(ends) if ends else time.time()) - start
    return PhaseResult(
        articles=len(posted),
        claims=sum(len(v) for v in claims.values()),
        seconds=seconds,
        latencies=latencies,
        first_latencies=first_latencies,
        no_claims=no_claims,
        failed=sum(1 for s in statuses.values() if s is ArticleStatus.failed),
    )


# --- the real stack ------------------------------------------------------------------------


def run_stack(
    server: RedisServer,
    args: argparse.Namespace,
    burst: list[NewsArticle],
    spare: list[NewsArticle],
    *,
    db: int = 0,
    full: bool = True,
) -> dict[str, Any]:
    """A stack on logical database ``db``: warm-up, the burst until drained and, if ``full``,
    its memory and the steady phase."""
    url = f"redis://127.0.0.1:{server.port}/{db}"
    client = redis.Redis.from_url(url, decode_responses=True)
    log_dir = Path(args.work_dir) / f"logs-db{db}"
    stack = Stack(
        redis_url=url,
        log_dir=log_dir,
        api_port=free_port(),
        extra_env={
            "CROSSCHECK_TASK_EVENTS": "true" if args.task_events == "on" else "false",
            **_extra_env(args),
        },
    )
    collector = Collector(client=redis.Redis.from_url(url, decode_responses=True)).start()
    try:
        stack.start_api()
        if args.workers == "combined":
            stack.start_worker(concurrency=args.concurrency)
        else:
            stack.start_extract(concurrency=args.extract_concurrency)
            stack.start_verify(concurrency=args.verify_concurrency)
        stack.wait_api(timeout=120)
        print(f"stack up; worker logs in {log_dir}", file=sys.stderr)
        warm = post_burst(stack.api_url, spare[: args.warmup_articles], desc="warm-up")
        wait_verified(client, collector, warm, timeout=300, desc="warm-up verified")
        settle(client, collector, quiet=3.0)

        trim_acknowledged(client, stream=STREAM)  # as the workers' sweep does, every tick
        info_before = client.info("memory")
        memory_before = int(info_before["used_memory"])
        clients_before = client.client_list()
        families_before = memory_report(client, sample=300)
        stream_before = (collector.entries, collector.entry_bytes)
        roots = {name: child.pid for name, child in stack.children.items()}
        assert server.process is not None
        roots |= {"redis-server": server.process.pid, "bench": os.getpid()}
        cpu_before = cpu_seconds(roots)
        posted = post_burst(stack.api_url, burst, desc="burst POST")
        claims = wait_verified(
            client, collector, posted, timeout=args.timeout, desc="burst verified"
        )
        burst_result = measure(client, collector, posted, claims)
        reverify_before = collector.reverified
        idle_at = settle(client, collector, quiet=3.0)
        cpu_burst = _cpu_delta(cpu_before, cpu_seconds(roots))
        burst_start = min(posted.values())
        drain_seconds = max(0.0, idle_at - burst_start - burst_result.seconds)
        reverified_burst = collector.reverified
        verify_runs_burst = count_verify_runs(log_dir)
        burst_json = burst_result.as_json() | {
            "reverify_entries_during": reverify_before,
            "reverify_entries_total": reverified_burst,
            "drain_seconds_after_last_first_verdict": round(drain_seconds, 1),
            # Every run, published or not (unchanged verdicts are not), from the logs.
            "verify_task_runs": verify_runs_burst,
            # Until drained, plus the 3 s quiet check (where the bench process polls).
            "cpu_seconds": cpu_burst,
            # Until every re-verification the burst caused is done as well.
            "articles_per_second_until_drained": round(
                burst_result.articles / (burst_result.seconds + drain_seconds), 3
            ),
        }
        if not full:
            return {"burst": burst_json}
        # What the sweep's next tick would do; the collector has acknowledged everything.
        trimmed = trim_acknowledged(client, stream=STREAM)
        info_after = client.info("memory")
        after_families = memory_report(client, sample=300)
        memory = _memory(burst, used=int(info_after["used_memory"]) - memory_before) | {
            "families": after_families,
            # Where Redis itself puts the delta: the keys' data, its own tables, client
            # buffers, the AOF buffer, Lua scripts.
            "info_memory_delta_bytes": _info_delta(info_before, info_after),
            "clients": _clients_delta(clients_before, client.client_list()),
            "families_before": families_before,
            "families_delta_bytes": _families_delta(families_before, after_families),
            "stream_entries_trimmed_before": trimmed,
            "stream_entries_published": collector.entries - stream_before[0],
            # A stream nobody consumes keeps every payload until MAXLEN: this much per article.
            "stream_payload_bytes_per_article_if_unconsumed": round(
                (collector.entry_bytes - stream_before[1]) / len(burst), 1
            ),
        }

        rate = 0.5 * burst_result.articles / burst_result.seconds
        count = max(2, math.ceil(rate * args.steady_seconds))
        steady_articles = spare[args.warmup_articles : args.warmup_articles + count]
        if len(steady_articles) < count:
            raise RuntimeError(f"need {count} steady articles, have {len(steady_articles)}")
        steady_posted = post_steady(stack.api_url, steady_articles, rate=rate, desc="steady POST")
        steady_claims = wait_verified(
            client, collector, steady_posted, timeout=args.timeout, desc="steady verified"
        )
        steady_result = measure(client, collector, steady_posted, steady_claims)
        burst_fanout = [len(claims[a]) for a in sorted(posted, key=posted.__getitem__)]
        return {
            "burst": burst_json,
            "steady": steady_result.as_json() | {"target_rate": round(rate, 3)},
            "memory": memory,
            "_fanout": burst_fanout,
            "_burst_seconds": burst_result.seconds,
        }
    finally:
        collector.stop()
        stack.stop()
        client.close()


_INFO_MEMORY_PARTS = (
    "used_memory",
    "used_memory_dataset",
    "used_memory_overhead",
    "used_memory_startup",
    "mem_clients_normal",
    "mem_clients_slaves",
    "mem_aof_buffer",
    "used_memory_scripts",
    "used_memory_lua",
    "mem_replication_backlog",
)


def _info_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """``INFO memory`` fields that say where the bytes are, after minus before (the fields
    this Redis version reports)."""
    return {
        name: int(after[name]) - int(before[name])
        for name in _INFO_MEMORY_PARTS
        if name in before and name in after
    }


def _clients_delta(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """Connections to Redis and what their buffers hold (``tot-mem``), before and after,
    and the connections opened in between by their last command: a connection costs Redis
    its buffers however many articles it carried."""
    opened = [c for c in after if c["id"] not in {b["id"] for b in before}]
    by_command: dict[str, int] = {}
    for found in opened:
        by_command[found.get("cmd", "?")] = by_command.get(found.get("cmd", "?"), 0) + 1
    by_process: dict[str, int] = {}
    for found in opened:
        owner = _connection_owner(found.get("addr", ""))
        by_process[owner] = by_process.get(owner, 0) + 1
    return {
        "before": len(before),
        "after": len(after),
        "buffers_before_bytes": sum(int(c.get("tot-mem", 0)) for c in before),
        "buffers_after_bytes": sum(int(c.get("tot-mem", 0)) for c in after),
        "opened": len(opened),
        "opened_buffers_bytes": sum(int(c.get("tot-mem", 0)) for c in opened),
        "opened_by_last_command": dict(sorted(by_command.items())),
        "opened_by_process": dict(sorted(by_process.items())),
        "after_by_process": dict(
            sorted(Counter(_connection_owner(c.get("addr", "")) for c in after).items())
        ),
    }


def _connection_owner(addr: str) -> str:
    """Which process holds the client end ``addr`` (``host:port``) of a connection: its pid
    and the start of its command line."""
    port = int(addr.rpartition(":")[2] or 0)
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.pid:
            try:
                line = " ".join(psutil.Process(conn.pid).cmdline()[1:4])
            except psutil.Error:
                line = "?"
            return f"{conn.pid} {line}"
    return "?"


def _families_delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Estimated bytes of each key family, after minus before: what the burst's keys hold,
    with what was there at the baseline and is gone since (transient keys) subtracted."""
    return {
        name: int(after.get(name, {}).get("estimated_bytes", 0))
        - int(before.get(name, {}).get("estimated_bytes", 0))
        for name in sorted(set(before) | set(after))
    }


def _memory(articles: list[NewsArticle], *, used: int) -> dict[str, Any]:
    """All-in Redis memory the burst added (queues drained, the verified stream consumed
    and trimmed of what its consumer acknowledged), against its raw text."""
    raw = sum(len(a.body.encode()) + len(a.title.encode()) for a in articles)
    return {
        "used_memory_delta_bytes": used,
        "bytes_per_article": round(used / len(articles), 1),
        "raw_text_bytes_per_article": round(raw / len(articles), 1),
        "ratio_to_raw": round(used / raw, 3),
    }


def cpu_seconds(roots: dict[str, int]) -> dict[str, float]:
    """User + system CPU seconds of each named process and, as ``<name>.pool``, of the
    processes it started (a Celery worker's pool, the ceiling's process pool). A process is
    counted once, under its nearest named ancestor: the stack and redis-server are the
    benchmark's children but report under their own names."""
    named = set(roots.values())
    found: dict[str, float] = {}
    for name, pid in roots.items():
        try:
            parent = psutil.Process(pid)
            times = parent.cpu_times()
            found[name] = times.user + times.system
            pool = sum(_cpu(child) for child in _unnamed_descendants(parent, named))
            if pool:
                found[f"{name}.pool"] = pool
        except psutil.Error:
            continue
    return found


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def _unnamed_descendants(parent: psutil.Process, named: set[int]) -> list[psutil.Process]:
    found: list[psutil.Process] = []
    for child in parent.children():
        if child.pid not in named:
            found.append(child)
            found.extend(_unnamed_descendants(child, named))
    return found


def _cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: round(after[k] - before.get(k, 0.0), 2) for k in sorted(after)}


def _extra_env(args: argparse.Namespace) -> dict[str, str]:
    """``--env KEY=VALUE`` settings for every worker the benchmark starts."""
    return dict(item.split("=", 1) for item in args.env)


def _worker_layout(args: argparse.Namespace) -> list[tuple[str, str, int]]:
    """(name, queues, processes) of each worker the stack and the engine ceiling start."""
    if args.workers == "combined":
        return [("worker", ALL_QUEUES, default_concurrency(args.concurrency))]
    return [
        ("extract", "fetch,extract", args.extract_concurrency),
        ("verify", "verify", args.verify_concurrency),
    ]


def count_verify_runs(log_dir: Path) -> dict[str, int]:
    """Verify task runs by reason, from the workers' JSON logs."""
    runs: dict[str, int] = {}
    for path in log_dir.glob("*.log"):
        with path.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if '"claim_verified"' not in line:
                    continue
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                reason = str(event.get("reason", "?"))
                runs[reason] = runs.get(reason, 0) + 1
    return runs


# --- ceiling (a): the engine with no-op bodies ------------------------------------------------


def run_engine_ceiling(
    server: RedisServer, args: argparse.Namespace, fanout: list[int], *, events: bool
) -> dict[str, Any]:
    """No-op chains on the stack's worker command line and settings (``--env`` included, so
    verify batches match the stack's); ``events`` switches task events."""
    url = f"redis://127.0.0.1:{server.port}/1"
    client = redis.Redis.from_url(url, decode_responses=True)
    client.flushdb()
    env = Stack(
        redis_url=url,
        log_dir=Path(args.work_dir),
        api_port=free_port(),
        extra_env={
            **_extra_env(args),
            "CROSSCHECK_TASK_EVENTS": "true" if events else "false",
            "PYTHONPATH": str(REPO),
        },
    ).env()
    batch = get_settings().verify_batch_size
    tasks = len(fanout) + sum(math.ceil(n / batch) for n in fanout)
    children: list[Child] = []
    for service, queue, concurrency in _worker_layout(args):
        command = worker_command(
            app="bench.noop_app",
            queues=queue,
            name=f"noop-{service}@%h",
            concurrency=concurrency,
        )
        children.append(
            Child(
                name=f"noop-{service}",
                args=command,
                env=env,
                log_path=Path(args.work_dir) / "logs" / f"noop-{service}.log",
            ).start()
        )
    from shared.celery_app import TASK_EXTRACT, make_celery

    sender = make_celery(Settings(redis_url=url), name="bench-sender")
    try:
        _noop_round(
            client,
            sender,
            TASK_EXTRACT,
            [1] * 4,
            desc="engine warm-up",
            timeout=120,
            children=children,
        )
        seconds = _noop_round(
            client,
            sender,
            TASK_EXTRACT,
            fanout,
            desc="engine ceiling",
            timeout=args.timeout,
            children=children,
        )
    finally:
        stop_all(children, grace=10)
        client.close()
    return {
        "articles": len(fanout),
        "verify_batch_size": batch,
        "tasks": tasks,
        "seconds": round(seconds, 3),
        "articles_per_second": round(len(fanout) / seconds, 3),
        "tasks_per_second": round(tasks / seconds, 3),
    }


def _noop_round(
    client: redis.Redis,
    sender: Any,
    task: str,
    fanout: list[int],
    *,
    desc: str,
    timeout: float,
    children: list[Child],
) -> float:
    from bench.noop_app import STREAM as NOOP_STREAM

    client.delete(NOOP_STREAM)
    expected = sum(fanout)
    start = time.time()
    for n, count in enumerate(fanout):
        # Articles without claims still cost an extract task; they add no stream entry.
        sender.send_task(task, kwargs={"article_id": f"noop{n}", "fanout": count})
    deadline = time.monotonic() + timeout
    with progress(expected, desc, unit="task") as bar:
        seen = 0
        while seen < expected:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{desc}: {seen}/{expected} no-op tasks after {timeout:.0f}s")
            dead = [c.name for c in children if not c.alive()]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited; see their logs")
            now = int(client.xlen(NOOP_STREAM))
            bar.update(now - seen)
            seen = now
            time.sleep(0.05)
    newest: Any = client.xrevrange(NOOP_STREAM, count=1)
    last = str(newest[0][0])
    return entry_order(last)[0] / 1000.0 - start


# --- ceiling (b): the work in-process -------------------------------------------------------


_worker_client: redis.Redis | None = None


def _work_init(url: str) -> None:
    global _worker_client
    from bench.inprocess import load_models
    from shared.settings import get_settings

    load_models(get_settings())
    _worker_client = redis.Redis.from_url(url, decode_responses=True)


def _work_ready(barrier: Any) -> None:
    barrier.wait(timeout=300)


def _work_article_id(name: str) -> str:
    return article_id_of(name)


def _work_one(item: tuple[str, NewsArticle, bool]) -> tuple[int, list[str]]:
    from bench.inprocess import extract_and_verify
    from shared.settings import get_settings

    article_id, news, record = item
    article = news.stored(article_id)
    assert _worker_client is not None
    done = extract_and_verify(
        _worker_client, article=article, settings=get_settings(), record=record
    )
    return done.claims, done.evidence_ids


def _reverify_some(chunk: tuple[list[str], bool]) -> int:
    from bench.inprocess import reverify
    from shared.settings import get_settings

    claim_ids, record = chunk
    assert _worker_client is not None
    return reverify(_worker_client, claim_ids=claim_ids, settings=get_settings(), record=record)


def run_work_ceiling(
    server: RedisServer,
    args: argparse.Namespace,
    articles: list[NewsArticle],
    *,
    record: bool,
    db: int,
    stored_first: list[NewsArticle] | None = None,
) -> dict[str, Any]:
    """Ceiling (b) on logical database ``db``. ``record``: write verdicts as the verify task
    does (versioned verdict keys, stream entries, article bookkeeping); otherwise the
    assessment alone. ``stored_first``: articles extracted and verified before the timing
    starts, as the stack's warm-up articles are."""
    url = f"redis://127.0.0.1:{server.port}/{db}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    processes = sum(concurrency for _, _, concurrency in _worker_layout(args))
    ctx = mp.get_context("fork")
    barrier = ctx.Manager().Barrier(processes)
    items = [(_work_article_id(f"work{n}"), a, record) for n, a in enumerate(articles)]
    first = [(_work_article_id(f"warm{n}"), a, record) for n, a in enumerate(stored_first or [])]
    with ctx.Pool(processes, initializer=_work_init, initargs=(url,)) as pool:
        pool.map(_work_ready, [barrier] * processes, chunksize=1)
        pool.map(_work_one, first, chunksize=1)
        assert server.process is not None
        roots = {"redis-server": server.process.pid, "bench": os.getpid()}
        cpu_before = cpu_seconds(roots)
        start = time.time()
        claims = 0
        evidence: set[str] = set()
        desc = "work ceiling" + ("" if record else ", assessment only")
        with progress(len(items), desc, unit="article") as bar:
            for count, evidence_ids in pool.imap_unordered(_work_one, items, chunksize=1):
                claims += count
                evidence.update(evidence_ids)
                bar.update()
        first_seconds = time.time() - start
        # As the queue runs them in a burst: after every first verdict, each claim once.
        size = get_settings().verify_batch_size
        chunks = [(chunk, record) for chunk in batches(sorted(evidence), size)]
        reverified = 0
        with progress(len(evidence), "work ceiling re-verify", unit="claim") as bar:
            for done in pool.imap_unordered(_reverify_some, chunks, chunksize=1):
                reverified += done
                bar.update(done)
        seconds = time.time() - start
        cpu = _cpu_delta(cpu_before, cpu_seconds(roots))
    # What the writes left behind, to show they happened: an entry per published version.
    client = redis.Redis.from_url(url)
    entries = int(client.xlen(get_settings().stream_name))
    client.close()
    return {
        "records_verdicts": record,
        "verify_batch_size": size,
        "stream_entries": entries,
        "processes": processes,
        "cpu_seconds": cpu,
        "articles": len(items),
        "claims": claims,
        "reverifications": reverified,
        "seconds_first_verifications": round(first_seconds, 3),
        "seconds": round(seconds, 3),
        "articles_per_second": round(len(items) / seconds, 3),
        "claims_per_second": round(claims / seconds, 3),
    }


# --- main -------------------------------------------------------------------------------------


def _print(result: dict[str, Any]) -> None:
    b, s = result["burst"], result["steady"]
    e, w = result["ceilings"]["engine"], result["ceilings"]["work"]
    q = result["ceilings"]["engine_events_off"]
    e, w = {"articles": "-", **e}, {"articles": "-", "claims_per_second": None, **w}
    n = {"articles": "-", "claims_per_second": None, **result["ceilings"]["work_assessment_only"]}
    rows: list[Iterable[Any]] = [
        [
            "burst",
            b["articles"],
            b["articles_per_second"],
            b["claims_per_second"],
            b["latency_seconds"]["p50"],
            b["latency_seconds"]["p95"],
            b["latency_seconds"]["p99"],
        ],
        [
            f"steady @{s['target_rate']}/s",
            s["articles"],
            s["articles_per_second"],
            s["claims_per_second"],
            s["latency_seconds"]["p50"],
            s["latency_seconds"]["p95"],
            s["latency_seconds"]["p99"],
        ],
        ["ceiling (a) engine, no-op", e["articles"], e["articles_per_second"], "-", "-", "-", "-"],
        [
            "  the same, task events off",
            e["articles"],
            q["articles_per_second"],
            "-",
            "-",
            "-",
            "-",
        ],
        [
            "ceiling (b) work in-process",
            w["articles"],
            w["articles_per_second"],
            w["claims_per_second"],
            "-",
            "-",
            "-",
        ],
        [
            "  the same, assessment only",
            n["articles"],
            n["articles_per_second"],
            n["claims_per_second"],
            "-",
            "-",
            "-",
        ],
    ]
    print(
        table(
            [list(r) for r in rows],
            header=["phase", "articles", "art/s", "claims/s", "p50 s", "p95 s", "p99 s"],
        )
    )
    r = result["ratios"]
    runs = b.get("verify_task_runs", {})
    print(
        f"pipeline until drained / work ceiling (like for like), median of "
        f"{len(result['rounds'])} rounds = {_pct(r['pipeline_drained_over_work'])} "
        f"[{', '.join(_pct(x['ratio']) for x in result['rounds'])}] "
        f"(assessment-only ceiling: {_pct(r['pipeline_drained_over_work_assessment_only'])})   "
        f"first verdicts / ceiling's first verifications = "
        f"{_pct(r['pipeline_first_over_work_first'])}   "
        f"pipeline / engine ceiling = {_pct(r['pipeline_over_engine'])}\n"
        f"re-verifications: pipeline {runs.get('reverify', '-')}, "
        f"ceiling {w.get('reverifications', '-')}"
    )
    m = result.get("memory")
    if m:
        unread = m.get("stream_payload_bytes_per_article_if_unconsumed")
        print(
            f"Redis memory, all in, stream consumed: {m['bytes_per_article'] / 1000:.1f} kB "
            f"per article = {m['ratio_to_raw']:.1f}x its raw text"
            + (f"; a stream nobody reads adds ~{unread / 1000:.1f} kB" if unread else "")
        )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--steady-seconds", type=float, default=60.0)
    parser.add_argument(
        "--workers",
        choices=("combined", "split"),
        default="combined",
        help="one worker over every queue (as `crosscheck run`), or one per service",
    )
    parser.add_argument(
        "--concurrency", type=int, default=0, help="combined worker processes (0: one per core)"
    )
    parser.add_argument("--extract-concurrency", type=int, default=1, help="with --workers split")
    parser.add_argument("--verify-concurrency", type=int, default=1, help="with --workers split")
    parser.add_argument("--task-events", choices=("on", "off"), default="on")
    parser.add_argument("--timeout", type=float, default=1800.0, help="per phase, seconds")
    parser.add_argument("--skip-ceilings", action="store_true")
    parser.add_argument(
        "--warmup-articles",
        type=int,
        default=WARMUP_ARTICLES,
        help="posted at once before the burst, and stored before each work ceiling",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="bursts, each beside its own work ceiling; the ratio is their median",
    )
    parser.add_argument(
        "--env", action="append", default=[], metavar="KEY=VALUE", help="extra worker setting"
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--work-dir", default=None, help="Redis data and logs (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= MAX_ROUNDS:
        parser.error(f"--rounds must be 1..{MAX_ROUNDS} (each takes two logical databases)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # --env settings hold for this process and everything it starts (the stacks, the
    # ceilings' processes), so every part of the run reads the same settings.
    os.environ.update(_extra_env(args))
    get_settings.cache_clear()
    made_dir = args.work_dir is None
    args.work_dir = args.work_dir or tempfile.mkdtemp(prefix="crosscheck-bench-")
    # Burst, then warm-up and steady articles from the rest of the corpus.
    steady_guess = max(50, int(args.steady_seconds * 20))
    pool, corpus = load_articles(args.articles + args.warmup_articles + steady_guess)
    burst, spare = pool[: args.articles], pool[args.articles :]
    server = RedisServer(data_dir=Path(args.work_dir) / "redis").start()
    try:
        stack_result = run_stack(server, args, burst, spare)
        fanout = stack_result.pop("_fanout")
        burst_seconds = stack_result.pop("_burst_seconds")
        engine = {"skipped": True, "articles_per_second": None}
        engine_quiet: dict[str, Any] = {"skipped": True, "articles_per_second": None}
        work = {"skipped": True, "articles_per_second": None}
        assess_only = {"skipped": True, "articles_per_second": None}
        rounds: list[dict[str, Any]] = []
        if not args.skip_ceilings:
            engine = run_engine_ceiling(server, args, fanout, events=args.task_events == "on")
            engine_quiet = run_engine_ceiling(server, args, fanout, events=False)
            warm = spare[: args.warmup_articles]
            work = run_work_ceiling(server, args, burst, record=True, db=3, stored_first=warm)
            assess_only = run_work_ceiling(
                server, args, burst, record=False, db=2, stored_first=warm
            )
            rounds = [_round_ratio(1, stack_result["burst"], work)]
            rounds += [
                _extra_round(server, args, burst, spare, number=n)
                for n in range(2, args.rounds + 1)
            ]
    finally:
        server.stop()
        if made_dir and not args.keep:
            shutil.rmtree(args.work_dir, ignore_errors=True)
    throughput = args.articles / burst_seconds
    result: dict[str, Any] = {
        "benchmark": "pipeline",
        "corpus": corpus,
        "config": {
            "articles": args.articles,
            "steady_seconds": args.steady_seconds,
            "workers": [
                {"queues": queues, "concurrency": concurrency}
                for _, queues, concurrency in _worker_layout(args)
            ],
            "task_events": args.task_events,
            "post_threads": POST_THREADS,
            "warmup_articles": args.warmup_articles,
            "env": args.env,
        },
        "machine": machine(),
        **stack_result,
        "rounds": rounds,
        "ceilings": {
            "engine": engine,
            "engine_events_off": engine_quiet,
            "work": work,
            "work_assessment_only": assess_only,
        },
        "ratios": {
            "pipeline_over_engine": _ratio(throughput, engine["articles_per_second"]),
            # First verdicts against the ceiling's first verifications alone.
            "pipeline_first_over_work_first": _ratio(
                throughput,
                args.articles / work["seconds_first_verifications"]
                if work.get("seconds_first_verifications")
                else None,
            ),
            # Like for like: the work ceiling re-verifies too, as the drained burst has.
            # The median over rounds: each round is a burst and a ceiling back to back.
            "pipeline_drained_over_work": _median_ratio(rounds),
            # The same, against the ceiling that leaves the task's verdict writes out too.
            "pipeline_drained_over_work_assessment_only": _ratio(
                stack_result["burst"]["articles_per_second_until_drained"],
                assess_only["articles_per_second"],
            ),
            "steady_rate_over_burst": _ratio(
                stack_result["steady"]["articles_per_second"], throughput
            ),
        },
    }
    path = write_result("pipeline", result, path=args.out)
    _print(result)
    print(f"wrote {path}")
    return 0


def _round_ratio(number: int, burst: dict[str, Any], work: dict[str, Any]) -> dict[str, Any]:
    return {
        "round": number,
        "pipeline_articles_per_second_until_drained": burst["articles_per_second_until_drained"],
        "work_articles_per_second": work["articles_per_second"],
        "pipeline_cpu_seconds": burst["cpu_seconds"],
        "work_cpu_seconds": work["cpu_seconds"],
        "ratio": _ratio(burst["articles_per_second_until_drained"], work["articles_per_second"]),
    }


def _extra_round(
    server: RedisServer,
    args: argparse.Namespace,
    burst: list[NewsArticle],
    spare: list[NewsArticle],
    *,
    number: int,
) -> dict[str, Any]:
    """The same burst on a fresh stack and the work ceiling, each on a fresh database, back
    to back; even rounds run the ceiling first, so drift in the host's load favours neither."""
    stack_db, work_db = 2 + 2 * number, 3 + 2 * number
    if number % 2 == 0:
        work = run_work_ceiling(
            server, args, burst, record=True, db=work_db, stored_first=spare[: args.warmup_articles]
        )
        stack = run_stack(server, args, burst, spare, db=stack_db, full=False)
    else:
        stack = run_stack(server, args, burst, spare, db=stack_db, full=False)
        work = run_work_ceiling(
            server, args, burst, record=True, db=work_db, stored_first=spare[: args.warmup_articles]
        )
    return _round_ratio(number, stack["burst"], work)


def _median_ratio(rounds: list[dict[str, Any]]) -> float | None:
    ratios = [r["ratio"] for r in rounds if r["ratio"] is not None]
    return round(statistics.median(ratios), 4) if ratios else None


def _ratio(value: float | None, ceiling: float | None) -> float | None:
    if not value or not ceiling:
        return None
    return round(value / ceiling, 4)


if __name__ == "__main__":
    raise SystemExit(main())
