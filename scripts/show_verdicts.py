"""Run the real pipeline on some articles and print every claim's latest verdict.

    .venv/bin/python scripts/show_verdicts.py                      # the two seeds (needs ../shared)
    .venv/bin/python scripts/show_verdicts.py examples/scenarios/*/*.json
    .venv/bin/python scripts/show_verdicts.py --json > verdicts.json

A real redis-server, the API under uvicorn and one worker of each kind are started in a
temporary directory and stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crosscheck.redis_server import RedisServer, free_port  # noqa: E402
from crosscheck.stack import Stack  # noqa: E402
from tests.e2e.helpers import StreamWatcher, post, wait_done  # noqa: E402
from tests.seeds import seed_articles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "articles", nargs="*", type=Path, help="article JSON files (default: the seeds)"
    )
    parser.add_argument("--json", action="store_true", help="print the verdict documents as JSON")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    server = RedisServer(data_dir=tmp / "redis").start()
    stack = Stack(
        redis_url=server.url,
        log_dir=tmp / "logs",
        api_port=free_port(),
        extra_env={"CROSSCHECK_REVERIFY_DEBOUNCE_SECONDS": "0.5"},
    )
    try:
        stack.start_api()
        stack.start_extract()
        stack.start_verify()
        stack.wait_api()
        watcher = StreamWatcher(server.url, group="show")
        articles = [json.loads(p.read_text()) for p in args.articles] or seed_articles()
        ids = [post(stack.api_url, article) for article in articles]
        wait_done(stack.api_url, ids, timeout=180)
        docs = sorted(
            watcher.settle(quiet=4).values(),
            key=lambda d: (ids.index(d.article_id), d.claim.start, d.kind),
        )
        if args.json:
            print(json.dumps([json.loads(d.model_dump_json()) for d in docs], indent=1))
            return
        for d in docs:
            print(
                f"{d.source[:14]:14} {d.kind.value[:5]} {d.verdict.value:10} {d.confidence:.2f} "
                f"o={d.independent_origins} v{d.version} ev={len(d.evidence)} | {d.text[:110]!r}"
            )
            print("      ->", d.explanation[:300])
    finally:
        stack.stop()
        server.stop()


if __name__ == "__main__":
    main()
