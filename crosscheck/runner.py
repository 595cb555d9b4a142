"""``crosscheck run``: the whole pipeline in the foreground, on an embedded Redis by default."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType

import click
import redis

from crosscheck.client import article_files, post_article_files
from crosscheck.redis_server import RedisServer
from crosscheck.stack import Stack
from shared.redis_client import make_redis
from shared.schemas import VerdictDoc
from shared.settings import Settings
from shared.storage import articles
from shared.stream import ack, ensure_group, read_group

STATE_DIR = Path(".crosscheck")


class _Stop(Exception):
    pass


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def format_row(doc: VerdictDoc) -> str:
    text = doc.text.replace("\n", " ")
    text = text if len(text) <= 60 else text[:57] + "..."
    return (
        f"{doc.claim_id:<16}  {doc.source[:18]:<18}  {doc.kind.value[:5]:<5}  {doc.verdict.value:<10}  "
        f"{doc.confidence:>4.2f}  {doc.independent_origins:>3}  v{doc.version:<2}  {text}"
    )


HEADER = f"{'claim':<16}  {'source':<18}  {'kind':<5}  {'verdict':<10}  {'conf':>4}  {'org':>3}  {'ver':<3}  text"


def run_pipeline(
    *, settings: Settings, examples_dir: Path | None, exit_when_done: bool, timeout: float
) -> int:
    started = time.monotonic()
    embedded: RedisServer | None = None
    redis_url = settings.redis_url
    if not redis_url:
        embedded = RedisServer.for_settings(
            settings, data_dir=STATE_DIR / f"redis-{settings.api_port}"
        ).start()
        redis_url = embedded.url
        click.echo(f"embedded redis-server on {redis_url} (AOF in {embedded.data_dir})")
    stack = Stack(
        redis_url=redis_url,
        log_dir=STATE_DIR / f"logs-{settings.api_port}",
        api_port=settings.api_port,
        flower_port=settings.flower_port,
        host=settings.api_host,
    )
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        stack.start_all(concurrency=settings.worker_concurrency)
        stack.wait_api()
        click.echo(f"verdicts    {stack.api_url}/ui/claims")
        click.echo(f"ingest API  {stack.api_url}/docs")
        click.echo(f"Flower      http://{settings.api_host}:{settings.flower_port}")
        click.echo(f"logs        {stack.log_dir}/")
        client = make_redis(settings, url=redis_url)
        group = f"crosscheck-run-{settings.api_port}-{int(time.time())}"
        ensure_group(client, stream=settings.stream_name, group=group, from_start=False)
        posted: set[str] = set()
        if examples_dir is not None and examples_dir.exists():
            click.echo(
                f"posting {len(article_files([examples_dir]))} example articles from {examples_dir}/"
            )
            for _path, answer in post_article_files(base_url=stack.api_url, paths=[examples_dir]):
                posted.add(answer["id"])
        click.echo("\n" + HEADER)
        first_seen = False
        pending = set(posted)
        while True:
            messages = read_group(
                client, stream=settings.stream_name, group=group, consumer="runner", block_ms=500
            )
            if messages and not first_seen:
                first_seen = True
                click.echo(
                    f"# first verified claim after {time.monotonic() - started:.1f}s", err=True
                )
            for message in messages:
                click.echo(format_row(message.doc))
            ack(
                client,
                stream=settings.stream_name,
                group=group,
                entry_ids=[m.entry_id for m in messages],
            )
            if exit_when_done:
                pending -= _finished(client, pending)
                if posted and not pending:
                    click.echo(
                        f"# all {len(posted)} articles done after {time.monotonic() - started:.1f}s",
                        err=True,
                    )
                    return 0
                if time.monotonic() - started > timeout:
                    click.echo("# timed out before every article was done", err=True)
                    return 1
            for child in stack.children.values():
                if not child.alive():
                    click.echo(
                        f"# {child.name} exited; see {stack.log_dir}/{child.name}.log", err=True
                    )
                    return 1
    except _Stop as stop:
        click.echo(f"\n# {stop}: stopping", err=True)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stack.stop()
        if embedded is not None:
            embedded.stop()


def _finished(client: redis.Redis, article_ids: set[str]) -> set[str]:
    """The articles of ``article_ids`` that are done or failed."""
    return {
        a for a, status in articles.get_statuses(client, article_ids).items() if status.finished
    }
