"""Train the compression dictionary that stored articles, claims and verdicts are packed with.

    .venv/bin/python scripts/train_dictionary.py                 # needs ../shared/datasets
    .venv/bin/python scripts/train_dictionary.py --articles 400 --offset 1000

Runs the real extraction and verification in-process (``bench.inprocess``) over FNC-1
training bodies on an embedded redis-server, reads back every stored document as the text it
packs, and trains a zstd dictionary on those documents (``shared.storage.dictionary``).

The bodies come from ``--offset`` onwards, past the ones the benchmarks post (the pipeline
benchmark uses the first 240), so the benchmarks' memory figures are measured on documents
the dictionary never saw. The run packs with the dictionary in place; the new one is
written to ``--out``. A value packed with a dictionary can only be unpacked with the same
bytes, so replacing ``shared/storage/dictionary.zdict`` means rebuilding stores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import inprocess  # noqa: E402
from bench.common import have_fnc1, load_articles, progress  # noqa: E402
from crosscheck.redis_server import RedisServer  # noqa: E402
from shared.schemas import StoredArticle  # noqa: E402
from shared.settings import get_settings  # noqa: E402
from shared.storage import dictionary  # noqa: E402


def collect(articles: int, offset: int) -> list[bytes]:
    """The stored documents of ``articles`` FNC-1 bodies from ``offset``, extracted and
    verified in-process as the pipeline does, first verifications and re-verifications."""
    settings = get_settings()
    inprocess.load_models(settings)
    items, _ = load_articles(articles, offset=offset)
    with tempfile.TemporaryDirectory() as tmp:
        server = RedisServer(data_dir=Path(tmp)).start()
        try:
            client = redis.Redis.from_url(server.url, decode_responses=True)
            evidence: list[str] = []
            with progress(len(items), "articles", unit="article") as bar:
                for i, item in enumerate(items):
                    article = StoredArticle(
                        article_id=f"{offset + i:016x}",
                        title=item.title,
                        body=item.body,
                        source=item.source,
                        published_at=item.published_at,
                        received_at=datetime.now(UTC),
                    )
                    work = inprocess.extract_and_verify(
                        client, article=article, settings=settings, record=True
                    )
                    evidence += work.evidence_ids
                    bar.update()
            inprocess.reverify(client, claim_ids=evidence, settings=settings, record=True)
            return dictionary.stored_documents(client)
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--offset", type=int, default=1000)
    parser.add_argument("--size", type=int, default=110 * 1024, help="dictionary bytes")
    parser.add_argument("--k", type=int, default=dictionary.COVER_K)
    parser.add_argument("--d", type=int, default=dictionary.COVER_D)
    parser.add_argument("--out", type=Path, default=Path("dictionary.zdict"))
    args = parser.parse_args()
    if not have_fnc1():
        sys.exit("needs the FNC-1 bodies in ../shared/datasets/fnc1/")
    samples = collect(args.articles, args.offset)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(dictionary.train(samples, size=args.size, k=args.k, d=args.d))
    print(f"{len(samples)} documents from {args.articles} articles -> {args.out}")


if __name__ == "__main__":
    main()
