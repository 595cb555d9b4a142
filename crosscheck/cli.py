"""The ``crosscheck`` command: run, ingest, consume, schema, dead, stance, eval, checkworthy."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from crosscheck.checkworthy.cli import checkworthy
from crosscheck.eval_cli import eval_group
from crosscheck.stance.cli import stance
from shared.settings import get_settings


@click.group()
def cli() -> None:
    """crosscheck: extract news claims and cross-check them across independent origins."""


@cli.command()
@click.option(
    "--examples",
    "examples_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Directory of article JSON files to post (default: examples/articles).",
)
@click.option("--no-examples", is_flag=True, help="Start the stack without posting examples.")
@click.option("--exit-when-done", is_flag=True, help="Stop once every posted article is done.")
@click.option(
    "--timeout",
    type=float,
    default=600.0,
    show_default=True,
    help="With --exit-when-done: give up after this many seconds.",
)
def run(examples_dir: Path | None, no_examples: bool, exit_when_done: bool, timeout: float) -> None:
    """Run the whole pipeline in the foreground (embedded Redis unless CROSSCHECK_REDIS_URL is set)."""
    from crosscheck.runner import run_pipeline

    code = run_pipeline(
        settings=get_settings(),
        examples_dir=None if no_examples else (examples_dir or Path("examples/articles")),
        exit_when_done=exit_when_done,
        timeout=timeout,
    )
    sys.exit(code)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--api",
    "api_url",
    default=None,
    help="Ingest API base URL (default: http://127.0.0.1:$CROSSCHECK_API_PORT).",
)
@click.option(
    "--api-key",
    envvar="CROSSCHECK_CLIENT_API_KEY",
    default=None,
    help="Bearer key, if the API needs one.",
)
@click.option("--source", default=None, help="Outlet of URL articles (default: the URL's host).")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: when stderr is a terminal).",
)
def ingest(
    inputs: tuple[str, ...],
    api_url: str | None,
    api_key: str | None,
    source: str | None,
    progress: bool | None,
) -> None:
    """Post articles to the ingest API: JSON files (an object or a list), JSON Lines files
    (.jsonl / .ndjson: an article object or a URL a line), directories of them, article
    URLs, and - for stdin. Prints a JSON line per article and a summary."""
    from tqdm import tqdm

    from crosscheck.client import Unauthorized, post_items
    from crosscheck.inputs import read_inputs

    settings = get_settings()
    base = api_url or f"http://127.0.0.1:{settings.api_port}"
    items = read_inputs(inputs, stdin=sys.stdin, source=source)
    counts = {"accepted": 0, "duplicate": 0, "refused": 0, "failed": 0}
    problems: list[str] = []
    bar = tqdm(
        total=len(items),
        unit="article",
        file=sys.stderr,
        disable=None if progress is None else not progress,
        dynamic_ncols=True,
    )
    try:
        for outcome in post_items(base_url=base, items=items, api_key=api_key):
            counts[outcome.status] += 1
            if outcome.reason is not None:
                problems.append(f"  {outcome.label}: {outcome.status}: {outcome.reason}")
            click.echo(json.dumps(outcome.as_json(), ensure_ascii=False))
            bar.update(1)
    except Unauthorized as exc:
        raise click.ClickException(f"the API refused the key: {exc}") from exc
    finally:
        bar.close()
    click.echo(
        f"accepted {counts['accepted']}, duplicates {counts['duplicate']}, "
        f"refused {counts['refused']}, failed {counts['failed']}",
        err=True,
    )
    for line in problems:
        click.echo(line, err=True)
    if counts["refused"] or counts["failed"]:
        sys.exit(1)


def _feed_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="FEED_URL")
    return url


@cli.command()
@click.argument("feed_urls", nargs=-1)
@click.option("--list", "show", is_flag=True, help="Print every followed feed and its state.")
def follow(feed_urls: tuple[str, ...], show: bool) -> None:
    """Follow RSS or Atom feeds: the workers poll them and queue each new item's URL."""
    from dataclasses import asdict

    from shared.redis_client import make_redis
    from shared.storage import feed_state

    settings = get_settings()
    client = make_redis(settings)
    urls = [_feed_url(url) for url in feed_urls]
    if not urls and not show:
        raise click.UsageError("give one or more FEED_URLs, or --list")
    for url, new in zip(urls, feed_state.follow(client, urls), strict=True):
        click.echo(json.dumps({"feed": url, "followed": True, "new": new}))
    if show:
        every = sorted({*settings.feeds, *feed_state.followed(client)})
        for url in every:
            state = asdict(feed_state.get_state(client, url))
            click.echo(json.dumps({**state, "from_setting": url in settings.feeds}))


@cli.command()
@click.argument("feed_urls", nargs=-1, required=True)
def unfollow(feed_urls: tuple[str, ...]) -> None:
    """Stop following feeds (those in CROSSCHECK_FEEDS stay until the setting changes)."""
    from shared.redis_client import make_redis
    from shared.storage import feed_state

    client = make_redis(get_settings())
    for url, was in zip(feed_urls, feed_state.unfollow(client, list(feed_urls)), strict=True):
        click.echo(json.dumps({"feed": url, "followed": False, "was_followed": was}))


@cli.command()
@click.option("--group", "-g", required=True, help="Consumer group name.")
@click.option("--consumer", "-c", required=True, help="This consumer's name within the group.")
@click.option("--from-start", is_flag=True, help="Replay the stream from its first entry.")
@click.option("--count", type=int, default=None, help="Exit after printing this many messages.")
@click.option(
    "--idle-ms",
    type=int,
    default=None,
    help="Reclaim entries pending longer than this (XAUTOCLAIM).",
)
def consume(
    group: str, consumer: str, from_start: bool, count: int | None, idle_ms: int | None
) -> None:
    """Print verified claims as JSON lines; each is acknowledged after it is printed."""
    from shared.redis_client import make_redis
    from shared.stream import ack, ensure_group, iter_group, to_json_line

    settings = get_settings()
    client = make_redis(settings)
    ensure_group(client, stream=settings.stream_name, group=group, from_start=from_start)
    for printed, message in enumerate(
        iter_group(
            client,
            stream=settings.stream_name,
            group=group,
            consumer=consumer,
            idle_ms=settings.consumer_idle_ms if idle_ms is None else idle_ms,
            # With --count, read no more than will be printed: the rest would sit pending.
            batch_size=min(count, 100) if count else 100,
        ),
        start=1,
    ):
        click.echo(to_json_line(message))
        sys.stdout.flush()
        if count is not None and printed >= count:
            # The generator acknowledges a message when the next one is asked for; the
            # last one is acknowledged here, after it was printed.
            ack(client, stream=settings.stream_name, group=group, entry_ids=[message.entry_id])
            return


@cli.command()
@click.option(
    "--model",
    type=click.Choice(["verdict", "article", "claim"]),
    default="verdict",
    show_default=True,
)
def schema(model: str) -> None:
    """Print the JSON Schema of the stream message (the verdict document) or an input."""
    from pydantic import BaseModel

    from shared.schemas import ArticleIn, Claim, VerdictDoc

    models: dict[str, type[BaseModel]] = {
        "verdict": VerdictDoc,
        "article": ArticleIn,
        "claim": Claim,
    }
    chosen = models[model]
    click.echo(json.dumps(chosen.model_json_schema(), indent=2))


@cli.group()
def dead() -> None:
    """Inspect and retry dead-lettered tasks."""


@dead.command("list")
@click.option("--limit", type=int, default=100, show_default=True)
def dead_list(limit: int) -> None:
    """Print dead letters as JSON lines."""
    from crosscheck.deadletters import list_dead
    from shared.redis_client import make_redis

    settings = get_settings()
    for entry_id, letter in list_dead(make_redis(settings), settings=settings, limit=limit):
        click.echo(json.dumps({"id": entry_id, **json.loads(letter.model_dump_json())}))


@dead.command("retry")
@click.argument("entry_id")
def dead_retry(entry_id: str) -> None:
    """Send a dead-lettered task again and remove it from the dead-letter stream."""
    from crosscheck.deadletters import retry_dead
    from shared.celery_app import make_celery
    from shared.redis_client import make_redis

    settings = get_settings()
    try:
        task = retry_dead(
            make_redis(settings), settings=settings, celery=make_celery(settings), entry_id=entry_id
        )
    except KeyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps({"id": entry_id, "resent": task}))


cli.add_command(stance)
cli.add_command(eval_group)
cli.add_command(checkworthy)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
