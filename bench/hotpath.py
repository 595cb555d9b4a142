"""CPU time of the verify path with each per-process cache switched off, side by side.

Usage::

    python bench/hotpath.py [--articles 20] [--rounds 1]

Extracts ``--articles`` real articles once, then runs the work ceiling's verify path
(``bench/inprocess.py``: first verifications, then the article's re-verifications) on a fresh
logical database for each configuration, in turn, in one process: ``baseline`` (MinHash
permutations drawn per signature and no signature cache, no body cache, every claim parsed),
each cache alone, and ``all``. Times are this process's CPU (not Redis's), per verification.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import redis  # noqa: E402
from datasketch import MinHash  # noqa: E402

from bench import inprocess  # noqa: E402
from bench.common import article_id_of, load_articles, machine, write_result  # noqa: E402
from crosscheck.redis_server import RedisServer  # noqa: E402
from services.verify import flows, origins  # noqa: E402
from services.verify.stance import StanceModel, load_stance_model  # noqa: E402
from services.verify.stance.features import BodyCache  # noqa: E402
from shared.storage import articles  # noqa: E402
from shared.storage import claims as stored_claims  # noqa: E402
from shared.storage.articles import BodyCache as ArticleBodies  # noqa: E402
from shared.storage.claims import ClaimCache  # noqa: E402

CONFIGS = ("baseline", "signature", "stance", "claims", "all")


def _signature_uncached(text: str) -> origins.Signature:
    # origins.signature as it was: permutations drawn from the seed on every call.
    words = [w.lower() for w in origins._WORD.findall(text)]
    n = origins.SHINGLE_WORDS
    shingles = (
        [" ".join(words)]
        if len(words) < n
        else [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    )
    minhash = MinHash(
        num_perm=origins.NUM_PERM, seed=origins.MINHASH_SEED, scheme=origins.MINHASH_SCHEME
    )
    minhash.update_batch([s.encode() for s in shingles])
    return np.asarray(minhash.digest(), dtype=np.uint32)


@contextmanager
def _switched(config: str) -> Iterator[None]:
    """Switch off every cache ``config`` does not name; caches start empty."""
    model = load_stance_model()
    model.__dict__.pop("_body_cache", None)
    inprocess._corpora.clear()
    origins.signature.cache_clear()
    saved: list[tuple[object, str, object]] = []

    def patch(owner: object, name: str, value: object) -> None:
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    keep = {config} if config != "all" else set(CONFIGS)
    if "signature" not in keep:
        patch(origins, "signature", _signature_uncached)
    if "stance" not in keep:
        fresh: Callable[[StanceModel], BodyCache] = lambda m: BodyCache(m.space)  # noqa: E731
        patch(StanceModel, "body_cache", fresh)
    if "claims" not in keep:
        uncached = classmethod(  # a cache of no articles parses every claim it reads
            lambda cls, client: cls(
                client, ClaimCache(client, max_articles=0), ArticleBodies(client)
            )
        )
        patch(flows.Corpus, "open", uncached)
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="default bench/results/hotpath.json")
    args = parser.parse_args(argv)

    from bench.inprocess import load_models, reverify, verify
    from services.extract.claims import extract_claims
    from services.extract.nlp import load_nlp
    from shared.settings import get_settings

    settings = get_settings()
    load_models(settings)
    news, corpus = load_articles(args.articles)
    nlp = load_nlp(settings.spacy_model)
    extracted = []
    for n, a in enumerate(news):
        article = a.stored(article_id_of(f"hot{n}"))
        extracted.append((article, extract_claims(nlp=nlp, article=article).claims))
    totals: dict[str, list[float]] = {c: [] for c in CONFIGS}
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="crosscheck-hotpath-") as tmp:
        server = RedisServer(data_dir=Path(tmp)).start()
        try:
            warm = redis.Redis.from_url(f"{server.url}/15", decode_responses=True)
            for article, claims in extracted[:3]:  # first-touch costs, outside every timing
                articles.save_article(warm, article)
                stored_claims.save_claims(warm, article=article, claims=claims)
                for claim in claims:
                    verify(warm, claim=claim, settings=settings)
            warm.close()
            for _ in range(args.rounds):
                for db, config in enumerate(CONFIGS):
                    client = redis.Redis.from_url(f"{server.url}/{db}", decode_responses=True)
                    client.flushdb()
                    for article, claims in extracted:
                        articles.save_article(client, article)
                        stored_claims.save_claims(client, article=article, claims=claims)
                    done = 0
                    with _switched(config):
                        c0 = time.process_time()
                        for _article, claims in extracted:
                            evidence: list[str] = []
                            for claim in claims:
                                got = verify(client, claim=claim, settings=settings)
                                evidence.extend(flows.evidence_claim_ids(got.assessment.evidence))
                            done += len(claims)
                            done += reverify(client, claim_ids=evidence, settings=settings)
                        totals[config].append(time.process_time() - c0)
                    counts[config] = done
                    client.close()
        finally:
            server.stop()
    base = sum(totals["baseline"]) / len(totals["baseline"])
    print(f"{len(extracted)} {corpus} articles, verifications per run: {counts}")
    rows = {}
    for config in CONFIGS:
        cpu = sum(totals[config]) / len(totals[config])
        rows[config] = {
            "cpu_seconds": round(cpu, 3),
            "verifications": counts[config],
            "ms_per_verification": round(1000 * cpu / counts[config], 3),
            "less_than_baseline": round(1 - cpu / base, 4),
        }
        print(
            f"{config:9s} CPU {cpu:7.2f} s  {rows[config]['ms_per_verification']:6.1f} ms/verification"
            f"  {100 * (1 - cpu / base):5.1f} % less than baseline"
        )
    result = {
        "benchmark": "hotpath",
        "corpus": corpus,
        "config": {"articles": len(extracted), "rounds": args.rounds},
        "machine": machine(),
        "configurations": rows,
    }
    print(f"wrote {write_result('hotpath', result, path=args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
