"""Bounded soak: ingest at a fixed rate for a fixed time, then check nothing leaked or got lost.

Starts its own stack on 127.0.0.1 (embedded redis-server, extract and verify workers,
uvicorn), posts synthetic articles at ``--rate`` per second for ``--duration`` seconds
while a consumer group reads the verified stream, waits for the pipeline to drain, and
checks:

- no article lost: every accepted article ends ``done``;
- no verdict lost or doubled: every claim's verdict reached the consumer, and no
  (claim, version) arrived twice;
- Redis memory bounded: the stream stays near ``--stream-maxlen`` (``MAXLEN ~`` trims it)
  and re-verify locks all carry a TTL;
- the claim listing (``GET /claims``) holds every verified claim exactly once;
- worker RSS (sum over every worker process tree) grows by at most ``--rss-growth-mb``
  between the end of warm-up and the end of the run.

Prints a short table, writes ``bench/results/soak.json`` and exits 1 if a check fails.

    python bench/soak.py                 # 5 minutes at 5 articles/s
    python bench/soak.py --duration 30   # the smoke test's run
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import redis
import requests
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: the repository's packages
    sys.path.insert(0, str(REPO))

from crosscheck.redis_server import RedisServer, free_port  # noqa: E402
from crosscheck.stack import Stack  # noqa: E402
from shared.redis_client import raw_command  # noqa: E402
from shared.storage import claims as stored_claims  # noqa: E402
from shared.storage import keys  # noqa: E402
from shared.storage.codec import unpack_claim_id  # noqa: E402
from shared.stream import ack, ensure_group, read_group  # noqa: E402

RESULTS = REPO / "bench" / "results" / "soak.json"
STREAM = "crosscheck:verified"

_CITIES = [
    "Tampere", "Lisbon", "Gdansk", "Porto", "Bergen", "Graz", "Ghent", "Brno", "Turku", "Aarhus",
    "Malmo", "Cork", "Split", "Kaunas", "Tartu", "Lyon", "Basel", "Bilbao", "Utrecht", "Leeds",
]  # fmt: skip
_PEOPLE = [
    "Anna Virtanen", "Marco Silva", "Piotr Nowak", "Ines Costa", "Lars Berg", "Eva Huber",
    "Pieter Claes", "Jana Novak", "Mikko Laine", "Sofie Holm", "Erik Lund", "Niamh Walsh",
]  # fmt: skip
_TEMPLATES = [
    "The city council of {city} approved a new tram line on {day}, mayor {person} said. "
    "The line will cost {n} million euros and open in {year}, the council said.",
    "{city} airport handled {n} thousand passengers in March, its operator said on {day}. "
    "The airport plans to hire {m} new staff by {year}, chief executive {person} said.",
    "Police in {city} arrested {m} people after a protest on {day}, a spokesman said. "
    "About {n} hundred demonstrators marched through the centre, police chief {person} said.",
    "The hospital in {city} opened a new wing with {m} beds on {day}, director {person} said. "
    "The wing cost {n} million euros, the regional health authority said.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def synthetic_articles(count: int, *, seed: int, tag: str) -> list[dict[str, Any]]:
    """Short articles with varied places, people and numbers; ``tag`` keeps texts unique."""
    rng = random.Random(seed)
    start = datetime(2025, 3, 3, 9, tzinfo=UTC)
    articles = []
    for index in range(count):
        body = rng.choice(_TEMPLATES).format(
            city=rng.choice(_CITIES),
            person=rng.choice(_PEOPLE),
            day=rng.choice(_DAYS),
            n=rng.randint(2, 900),
            m=rng.randint(3, 400),
            year=rng.randint(2026, 2031),
        )
        articles.append(
            {
                "title": f"{tag} report {index}",
                "source": f"{tag} Wire {index % 7}",
                "body": f"{body} ({tag} {index})",
                "published_at": (start + timedelta(days=index % 40)).isoformat(),
            }
        )
    return articles


@dataclass
class Sample:
    at: float
    worker_rss_mb: float
    redis_used_mb: float
    stream_len: int


@dataclass
class Report:
    duration_s: float
    target_rate: float
    achieved_rate: float
    posted: int
    accepted: int
    done: int
    failed: int
    lost_articles: int
    claims: int
    verdicts_consumed: int
    lost_verdicts: int
    duplicate_verdicts: int
    stream_maxlen: int
    stream_len_max: int
    transient_keys_without_ttl: int
    transient_keys_checked: int
    listed_claims: int
    listing_duplicates: int
    redis_used_mb_start: float
    redis_used_mb_end: float
    worker_rss_mb_start: float
    worker_rss_mb_end: float
    rss_growth_bound_mb: float
    drain_s: float
    checks: dict[str, bool] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)


class Consumer(threading.Thread):
    """A consumer group on the verified stream that records every (claim, version) it gets."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.client = redis.Redis.from_url(url, decode_responses=True)
        ensure_group(self.client, stream=STREAM, group="soak", from_start=True)
        self._seen: Counter[tuple[str, int]] = Counter()
        self._lock = threading.Lock()  # the report reads while late re-verifications arrive
        self.stopping = threading.Event()

    def seen(self) -> Counter[tuple[str, int]]:
        """A copy of the (claim, version) counts so far."""
        with self._lock:
            return self._seen.copy()

    def run(self) -> None:
        while not self.stopping.is_set():
            batch = read_group(
                self.client, stream=STREAM, group="soak", consumer="soak", count=500, block_ms=200
            )
            with self._lock:
                for message in batch:
                    self._seen[(message.doc.claim_id, message.doc.version)] += 1
            ack(self.client, stream=STREAM, group="soak", entry_ids=[m.entry_id for m in batch])

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
        self.client.close()


def worker_rss_mb(stack: Stack) -> float:
    total = 0
    for name, child in stack.children.items():
        if name == "api" or not child.alive():
            continue
        root = psutil.Process(child.pid)
        for process in [root, *root.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
    return total / 2**20


def sample(stack: Stack, client: redis.Redis, started: float) -> Sample:
    used = int(client.info("memory")["used_memory"]) / 2**20
    return Sample(
        round(time.monotonic() - started, 1),
        round(worker_rss_mb(stack), 1),
        round(used, 2),
        int(client.xlen(STREAM)),
    )


def transient_keys(client: redis.Redis) -> tuple[int, int]:
    """(keys without a TTL, keys checked) among re-verify locks."""
    checked = missing = 0
    for key in client.scan_iter(match=keys.reverify_lock("*"), count=1000):
        checked += 1
        if client.ttl(key) == -1:  # -2: expired between the scan and this read
            missing += 1
    return missing, checked


def wait_api_ready(stack: Stack) -> None:
    stack.wait_api(timeout=90)


def run(args: argparse.Namespace) -> Report:
    work = Path(tempfile.mkdtemp(prefix="crosscheck-soak-"))
    server = RedisServer(data_dir=work / "redis").start()
    stack = Stack(
        redis_url=server.url,
        log_dir=work / "logs",
        api_port=free_port(),
        extra_env={
            "CROSSCHECK_STREAM_MAXLEN": str(args.stream_maxlen),
            "CROSSCHECK_REVERIFY_DEBOUNCE_SECONDS": "0.5",
            "CROSSCHECK_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
        },
    )
    client = redis.Redis.from_url(server.url, decode_responses=True)
    consumer = Consumer(server.url)
    try:
        stack.start_api()
        stack.start_extract(concurrency=args.extract_concurrency)
        for index in range(args.verify_workers):
            stack.start_verify(name=f"verify{index}", concurrency=args.verify_concurrency)
        wait_api_ready(stack)
        consumer.start()
        _warm_up(stack)
        return _soak(args, stack, client, consumer, work)
    finally:
        consumer.stop()
        stack.stop()
        client.close()
        server.stop()


def _soak(
    args: argparse.Namespace, stack: Stack, client: redis.Redis, consumer: Consumer, work: Path
) -> Report:
    total = int(args.duration * args.rate)
    articles = synthetic_articles(total, seed=args.seed, tag=f"Soak{args.seed}")
    warmup_at = min(args.warmup, args.duration / 3)
    samples: list[Sample] = []
    accepted: list[str] = []
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    start_sample: Sample | None = None
    next_sample = started
    with (
        requests.Session() as http,
        tqdm(total=total, unit="art", desc="soak", file=sys.stderr) as bar,
    ):
        for index, article in enumerate(articles):  # bounded: exactly duration * rate posts
            due = started + index / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            response = http.post(f"{stack.api_url}/articles", json=article, timeout=30)
            statuses[response.status_code] += 1
            if response.status_code == 202:
                accepted.append(response.json()["id"])
            bar.update(1)
            now = time.monotonic()
            if start_sample is None and now - started >= warmup_at:
                start_sample = sample(stack, client, started)
                samples.append(start_sample)
            if now >= next_sample:
                samples.append(sample(stack, client, started))
                next_sample = now + 5
    ingest_s = time.monotonic() - started
    drain_started = time.monotonic()
    done = _drain(stack, accepted, timeout=args.drain_timeout)
    drain_s = time.monotonic() - drain_started
    time.sleep(1.0)  # the consumer catches up with the last verdicts
    end_sample = sample(stack, client, started)
    samples.append(end_sample)
    start_sample = start_sample or samples[0]

    claim_ids = _claim_ids(client, accepted)
    seen = consumer.seen()
    consumed = {claim for claim, _ in seen}
    missing_ttl, checked = transient_keys(client)
    listing = [
        unpack_claim_id(raw)
        for raw in raw_command(client, "LRANGE", keys.claims_listing(STREAM), 0, -1)
    ]
    report = Report(
        duration_s=round(ingest_s, 1),
        target_rate=args.rate,
        achieved_rate=round(len(articles) / ingest_s, 2),
        posted=len(articles),
        accepted=len(accepted),
        done=sum(1 for s in done.values() if s == "done"),
        failed=sum(1 for s in done.values() if s == "failed"),
        lost_articles=len(accepted) - sum(1 for s in done.values() if s == "done"),
        claims=len(claim_ids),
        verdicts_consumed=sum(seen.values()),
        lost_verdicts=len(claim_ids - consumed),
        duplicate_verdicts=sum(n - 1 for n in seen.values() if n > 1),
        stream_maxlen=args.stream_maxlen,
        stream_len_max=max(s.stream_len for s in samples),
        transient_keys_without_ttl=missing_ttl,
        transient_keys_checked=checked,
        listed_claims=len(claim_ids & set(listing)),
        listing_duplicates=len(listing) - len(set(listing)),
        redis_used_mb_start=start_sample.redis_used_mb,
        redis_used_mb_end=end_sample.redis_used_mb,
        worker_rss_mb_start=start_sample.worker_rss_mb,
        worker_rss_mb_end=end_sample.worker_rss_mb,
        rss_growth_bound_mb=args.rss_growth_mb,
        drain_s=round(drain_s, 1),
        samples=samples,
    )
    # MAXLEN ~ trims whole radix-tree nodes (100 entries by default), so allow one node over.
    report.checks = {
        "rate_held": report.achieved_rate >= 0.95 * args.rate,
        "all_accepted": statuses == Counter({202: len(articles)}),
        "no_lost_articles": report.lost_articles == 0,
        "no_lost_verdicts": report.claims > 0 and report.lost_verdicts == 0,
        "no_duplicate_verdicts": report.duplicate_verdicts == 0,
        "stream_trimmed": report.stream_len_max <= args.stream_maxlen + 100,
        "transient_keys_expire": report.transient_keys_without_ttl == 0,
        "every_claim_listed_once": report.listed_claims == report.claims
        and report.listing_duplicates == 0,
        "worker_rss_bounded": report.worker_rss_mb_end - report.worker_rss_mb_start
        <= args.rss_growth_mb,
    }
    print(f"logs in {work / 'logs'}", file=sys.stderr)
    return report


def _warm_up(stack: Stack) -> None:
    """A few articles through every stage first, so each worker process has its models loaded."""
    with requests.Session() as http:
        ids = [
            http.post(f"{stack.api_url}/articles", json=article, timeout=30).json()["id"]
            for article in synthetic_articles(6, seed=0, tag="Warmup")
        ]
    _drain(stack, ids, timeout=90)


def _drain(stack: Stack, ids: list[str], *, timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    status: dict[str, str] = {}
    with requests.Session() as http:
        while time.monotonic() < deadline:
            for article_id in ids:
                if status.get(article_id) in ("done", "failed"):
                    continue
                response = http.get(f"{stack.api_url}/articles/{article_id}", timeout=10)
                status[article_id] = response.json()["status"]
            if all(status[a] in ("done", "failed") for a in ids):
                break
            time.sleep(0.5)
    return status


def _claim_ids(client: redis.Redis, article_ids: list[str]) -> set[str]:
    return {
        c for article_id in article_ids for c in stored_claims.article_claim_ids(client, article_id)
    }


def print_table(report: Report) -> None:
    rows = [
        ("duration / rate", f"{report.duration_s}s at {report.achieved_rate}/s (target {report.target_rate}/s)"),
        ("articles", f"{report.accepted} accepted, {report.done} done, {report.failed} failed, {report.lost_articles} lost"),
        ("verdicts", f"{report.claims} claims, {report.verdicts_consumed} consumed, {report.lost_verdicts} lost, "
                     f"{report.duplicate_verdicts} duplicated"),
        ("stream", f"max {report.stream_len_max} entries (MAXLEN ~{report.stream_maxlen})"),
        ("transient keys", f"{report.transient_keys_checked} checked, {report.transient_keys_without_ttl} without TTL"),
        ("claim listing", f"{report.listed_claims} of {report.claims} claims listed, {report.listing_duplicates} twice"),
        ("redis memory", f"{report.redis_used_mb_start} MB -> {report.redis_used_mb_end} MB"),
        ("worker RSS", f"{report.worker_rss_mb_start} MB -> {report.worker_rss_mb_end} MB "
                       f"(bound +{report.rss_growth_bound_mb} MB)"),
        ("drain", f"{report.drain_s}s after the last post"),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for name, passed in report.checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--duration", type=float, default=300.0, help="seconds of ingest (default 300)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=2.0,
        help="articles per second (default 2: at 5/s a 2-core machine falls behind and the drain times out)",
    )
    parser.add_argument(
        "--warmup", type=float, default=20.0, help="seconds before the first RSS sample"
    )
    parser.add_argument("--stream-maxlen", type=int, default=200, help="CROSSCHECK_STREAM_MAXLEN")
    parser.add_argument(
        "--rss-growth-mb", type=float, default=64.0, help="allowed worker RSS growth"
    )
    parser.add_argument("--verify-workers", type=int, default=1)
    parser.add_argument("--verify-concurrency", type=int, default=2)
    parser.add_argument("--extract-concurrency", type=int, default=1)
    parser.add_argument("--drain-timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.rate <= 0 or args.duration * args.rate > 100_000:
        parser.error("duration and rate must be positive, and at most 100,000 articles in all")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = run(args)
    print_table(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0 if all(report.checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
