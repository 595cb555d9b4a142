"""Cost as the corpus grows: verify time per claim, candidate-set size and Redis memory.

Usage::

    python bench/scaling.py [--sizes 1000,10000,50000] [--probes 200]
                            [--source-articles 200] [--days-per-variant 3]
                            [--out bench/results/scaling.json]

Filling 50k articles through spaCy would take hours, so the corpus is synthesised:

1. ``--source-articles`` real FNC-1 bodies are extracted once with the real extractor
   (``extract_many``, one ``nlp.pipe``). These are the templates, variant 0.
2. Variant ``v`` of a template is the same article rewritten: about half its named things
   (people, organisations, places, ...) are swapped for others of the same label drawn from
   the whole template pool, numbers are scaled, and every date (event times and
   publication) moves ``v x --days-per-variant`` days later; the outlet changes too. Body
   text, claim text, entity keys, places, quantities and times are rewritten together, so
   retrieval faces realistic near-misses: the same people in other weeks, other people at
   the same place and time, the same event with other numbers.
3. Each synthetic article is stored as the pipeline stores it (its hash: document and
   claims' frame) and its claims are indexed with the real
   ``retrieval.index_claim``, all through pipelines of a few thousand commands.

At each size, a fixed sample of ``--probes`` real claims (variant 0) is verified with the
real path (``bench/inprocess.py``: index, candidates, load, assess with the real stance
model), timed per claim. Memory: ``INFO memory`` used_memory over the empty server, per
article, against the raw article text (title + body, UTF-8 bytes); plus ``MEMORY USAGE``
sampled per key family. Verdict documents and stream entries are not synthesised (each
needs a real assessment): their size is taken from the probes' real verdicts and added as
an estimate, shown separately. ``bench/pipeline.py`` measures all-in memory on real
traffic.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import redis  # noqa: E402

from bench.common import (  # noqa: E402
    OUTLETS,
    chunks,
    load_articles,
    machine,
    progress,
    summary,
    table,
    write_result,
)
from bench.inprocess import corpus_of, load_models, verify  # noqa: E402
from bench.memory import memory_report  # noqa: E402
from crosscheck.redis_server import RedisServer  # noqa: E402
from services.extract.claims import extract_many  # noqa: E402
from services.extract.nlp import load_nlp  # noqa: E402
from services.verify import origins, retrieval  # noqa: E402
from services.verify.flows import verdict_document  # noqa: E402
from shared import ids  # noqa: E402
from shared.runtime import settle_heap  # noqa: E402
from shared.schemas import (  # noqa: E402
    ArticleStatus,
    Attribution,
    Claim,
    Entity,
    Quantity,
    StoredArticle,
    TimeRef,
    VerdictDoc,
)
from shared.settings import get_settings  # noqa: E402
from shared.storage import articles, index, keys, verdicts  # noqa: E402
from shared.storage import claims as stored_claims  # noqa: E402

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_FACTORS = (0.5, 0.7, 0.8, 1.25, 1.5, 2.0, 3.0)
SWAP_SHARE = 0.5
_ZERO_PROFILE_LABELS = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
)


@dataclass(frozen=True, slots=True)
class Template:
    article: StoredArticle
    claims: list[Claim]


def _seed(*parts: object) -> int:
    text = "|".join(map(str, parts))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _scale_numbers(text: str, factor: float) -> str:
    def repl(match: re.Match[str]) -> str:
        whole = match.group(1).replace(",", "")
        value = int(whole)
        if 1900 <= value <= 2100 and not match.group(2):
            return match.group(0)  # a year: dates move by shifting, not scaling
        scaled = max(1, round(value * factor))
        return f"{scaled:,}" if "," in match.group(1) else str(scaled)

    return _NUMBER.sub(repl, text)


def synthetic_article_id(n: int) -> str:
    """Article ``n`` of the corpus, with an id of the form ingest gives (16 hex digits)."""
    return hashlib.blake2b(f"s{n}".encode(), digest_size=8).hexdigest()


def synthetic_claim_id(article_id: str, index: int) -> str:
    """The ``index``-th claim of an article, with an id of the form the extractor gives."""
    return ids.claim_id(article_id=article_id, kind="synthetic", start=index, end=index)


def _parent(claim: Claim, index_of: dict[str, int], article_id: str) -> str | None:
    if claim.parent_claim_id is None or claim.parent_claim_id not in index_of:
        return None
    return synthetic_claim_id(article_id, index_of[claim.parent_claim_id])


class Rewriter:
    """Deterministic rewrites of template articles: other names, numbers and dates."""

    def __init__(self, templates: Sequence[Template], *, days_per_variant: int) -> None:
        self.days = days_per_variant
        pool: dict[str, dict[str, str]] = {}
        for t in templates:
            for c in t.claims:
                for e in c.entities:
                    if e.key and e.label not in _ZERO_PROFILE_LABELS:
                        pool.setdefault(e.label, {})[e.key] = e.text
        self.pool = {label: sorted(v.items()) for label, v in pool.items()}

    def _mapping(self, template: Template, variant: int) -> dict[str, tuple[str, str]]:
        """Entity key -> (new key, new text) for the entities this variant swaps."""
        rng = random.Random(_seed(template.article.article_id, variant))
        mapping: dict[str, tuple[str, str]] = {}
        seen: dict[str, str] = {}
        for c in template.claims:
            for e in c.entities:
                if e.key and e.label in self.pool:
                    seen.setdefault(e.key, e.label)
        for key in sorted(seen):
            if rng.random() < SWAP_SHARE:
                new_key, new_text = rng.choice(self.pool[seen[key]])
                if new_key != key:
                    mapping[key] = (new_key, new_text)
        return mapping

    def article(
        self, template: Template, variant: int, *, article_id: str
    ) -> tuple[StoredArticle, list[Claim]]:
        if variant == 0:
            index_of = {c.claim_id: i for i, c in enumerate(template.claims)}
            return template.article.model_copy(update={"article_id": article_id}), [
                c.model_copy(
                    update={
                        "article_id": article_id,
                        "claim_id": synthetic_claim_id(article_id, i),
                        "parent_claim_id": _parent(c, index_of, article_id),
                    }
                )
                for i, c in enumerate(template.claims)
            ]
        rng = random.Random(_seed("n", template.article.article_id, variant))
        factor = rng.choice(_FACTORS)
        shift = timedelta(days=variant * self.days)
        mapping = self._mapping(template, variant)
        texts: dict[str, str] = {}
        for c in template.claims:
            for e in c.entities:
                if e.key in mapping:
                    texts[e.text] = mapping[e.key][1]

        def rewrite(text: str) -> str:
            for old in sorted(texts, key=len, reverse=True):
                text = text.replace(old, texts[old])
            return _scale_numbers(text, factor)

        src = template.article
        body = rewrite(src.body)
        published = (src.published_at or datetime(2025, 10, 1, tzinfo=UTC)) + shift
        source = OUTLETS[_seed("o", article_id) % len(OUTLETS)]
        article = src.model_copy(
            update={
                "article_id": article_id,
                "title": rewrite(src.title),
                "body": body,
                "source": source,
                "published_at": published,
            }
        )
        index_of = {c.claim_id: i for i, c in enumerate(template.claims)}
        claims = []
        for i, c in enumerate(template.claims):
            text = rewrite(c.text)
            start = max(0, body.find(text))
            claims.append(
                c.model_copy(
                    update={
                        "claim_id": synthetic_claim_id(article_id, i),
                        "article_id": article_id,
                        "parent_claim_id": _parent(c, index_of, article_id),
                        "source": source,
                        "text": text,
                        "start": start,
                        "end": start + len(text),
                        "subject": rewrite(c.subject) if c.subject else None,
                        "object": rewrite(c.object) if c.object else None,
                        "entities": [self._entity(e, mapping) for e in c.entities],
                        "quantities": [
                            Quantity(
                                text=_scale_numbers(q.text, factor),
                                value=q.value * factor,
                                approximate=q.approximate,
                                comparator=q.comparator,
                                noun=q.noun,
                            )
                            for q in c.quantities
                        ],
                        "times": [
                            TimeRef(
                                text=t.text,
                                start=t.start + shift,
                                end=t.end + shift,
                                resolution=t.resolution,
                            )
                            for t in c.times
                        ],
                        "places": [mapping.get(p, (p, ""))[0] for p in c.places],
                        "attribution": self._attribution(c.attribution, mapping, texts),
                        "published_at": published,
                    }
                )
            )
        return article, claims

    @staticmethod
    def _entity(e: Entity, mapping: dict[str, tuple[str, str]]) -> Entity:
        if e.key not in mapping:
            return e
        key, text = mapping[e.key]
        return e.model_copy(update={"key": key, "text": text, "end": e.start + len(text)})

    @staticmethod
    def _attribution(
        a: Attribution | None, mapping: dict[str, tuple[str, str]], texts: dict[str, str]
    ) -> Attribution | None:
        if a is None or a.speaker_key not in mapping:
            return a
        key, text = mapping[a.speaker_key]
        return a.model_copy(update={"speaker_key": key, "speaker": texts.get(a.speaker, text)})


def fill(
    client: redis.Redis,
    rewriter: Rewriter,
    templates: Sequence[Template],
    *,
    start: int,
    stop: int,
    batch: int,
) -> tuple[int, int]:
    """Store and index synthetic articles ``start..stop-1``; returns their raw text bytes
    and their claims."""
    raw = claims_made = 0
    bucket_days = get_settings().time_bucket_days
    with progress(stop - start, f"fill to {stop}", unit="article") as bar:
        for block in chunks(range(start, stop), batch):
            pipe = client.pipeline(transaction=False)
            made = []
            for n in block:
                template = templates[n % len(templates)]
                variant = n // len(templates)
                article, claims = rewriter.article(
                    template, variant, article_id=synthetic_article_id(n)
                )
                made.append((article, claims))
                raw += len(article.body.encode()) + len(article.title.encode())
                claims_made += len(claims)
                # As ingest and the extractor store them: the document, then the claims'
                # frame (extract_store.queue_save_claims), without the pending set that
                # verification would empty.
                articles.save_article(
                    pipe, article.model_copy(update={"status": ArticleStatus.done})
                )
                stored_claims.queue_save_claims(pipe, article=article, claims=claims)
                pipe.delete(keys.article_pending(article.article_id))
            pipe.execute()
            # Then the index, once the claims are readable (a claim that names nothing
            # borrows its keys from its stored siblings).
            pipe = client.pipeline(transaction=False)
            for article, claims in made:
                # One signature per article, stored as index_claim stores it.
                if claims:
                    signature = origins.signature(article.body)
                    articles.queue_signature(
                        pipe, article_id=article.article_id, signature=signature
                    )
                for claim in claims:
                    terms = retrieval.index_terms(
                        claim, bucket_days=bucket_days, keys=retrieval.context_keys(claim, claims)
                    )
                    index.queue_add(pipe, claim_id=claim.claim_id, terms=terms)
                bar.update()
            pipe.execute()
    return raw, claims_made


def _templates(n: int) -> tuple[list[Template], str]:
    settings = get_settings()
    nlp = load_nlp(settings.spacy_model)
    news, corpus = load_articles(n)
    articles = [
        a.stored(synthetic_article_id(-1 - i), received_at=datetime(2025, 10, 1, tzinfo=UTC))
        for i, a in enumerate(news)
    ]
    out: list[Template] = []
    with progress(len(articles), "extract templates", unit="article") as bar:
        for block in chunks(articles, 32):
            for article, result in zip(block, extract_many(nlp=nlp, articles=block), strict=True):
                out.append(Template(article=article, claims=result.claims))
            bar.update(len(block))
    return out, corpus


class GcClock:
    """Wall time the garbage collector spends in full (generation 2) collections: the rare
    long pauses that a mean over 100 probes cannot tell from slow verification."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def probe(client: redis.Redis, probes: Sequence[tuple[Claim, str]]) -> dict[str, Any]:
    settings = get_settings()
    seconds, cpu, candidate_times, sizes, gc_pauses = [], [], [], [], []
    verdict_bytes: list[int] = []
    docs: list[VerdictDoc] = []
    with progress(len(probes), "probe verify", unit="claim") as bar, GcClock() as gc_clock:
        for claim, _body in probes:
            t0 = time.perf_counter()
            ids = retrieval.candidates(
                client,
                claim,
                cap=settings.candidate_cap,
                borrowed=retrieval.borrowed_keys(corpus_of(client).claims, claim),
            )
            candidate_times.append(time.perf_counter() - t0)
            t0, c0, g0 = time.perf_counter(), time.process_time(), gc_clock.seconds
            done = verify(client, claim=claim, settings=settings)
            seconds.append(time.perf_counter() - t0)
            # This process's CPU only (not Redis's): steadier than wall time on a shared host.
            cpu.append(time.process_time() - c0)
            gc_pauses.append(gc_clock.seconds - g0)
            sizes.append(done.candidates)
            del ids
            a = done.assessment
            doc = verdict_document(claim, a, verified_at=datetime.now(UTC))
            verdict_bytes.append(len(doc.model_dump_json().encode()))  # the stream entry
            docs.append(doc)
            bar.update()
    return {
        "verify_seconds": {k: _r(v) for k, v in summary(seconds).items()},
        "verify_cpu_seconds": {k: _r(v) for k, v in summary(cpu).items()},
        "full_gc_seconds": {
            "total": _r(sum(gc_pauses)),
            "probes_with_one": sum(1 for g in gc_pauses if g > 0),
            "max": _r(max(gc_pauses, default=0.0)),
        },
        "verify_seconds_without_full_gc": {
            k: _r(v)
            for k, v in summary([s - g for s, g in zip(seconds, gc_pauses, strict=True)]).items()
        },
        "candidates_seconds": {k: _r(v) for k, v in summary(candidate_times).items()},
        "candidate_set": {k: _r(v) for k, v in summary([float(s) for s in sizes]).items()},
        "verdict_json_bytes_mean": round(statistics.fmean(verdict_bytes), 1)
        if verdict_bytes
        else 0,
        # Verdicts are stored in a frame per article: the probes' verdicts, framed together,
        # stand in for it (the probes' claims come from many articles, which share less).
        "stored_verdict_bytes_mean": round(verdicts.frame_bytes(docs) / len(docs), 1)
        if docs
        else 0,
    }


def _r(v: Any) -> Any:
    return round(v, 6) if isinstance(v, float) else v


def _result(
    rows: list[dict[str, Any]],
    *,
    sizes: list[int],
    probes: int,
    templates: int,
    corpus: str,
    args: argparse.Namespace,
) -> dict[str, Any]:
    first, last = rows[0], rows[-1]
    settings = get_settings()
    result: dict[str, Any] = {
        "benchmark": "scaling",
        "corpus": corpus,
        "config": {
            "sizes": sizes,
            "probes": probes,
            "source_articles": templates,
            "days_per_variant": args.days_per_variant,
            "candidate_cap": settings.candidate_cap,
        },
        "machine": machine(),
        "sizes": rows,
        "complete": len(rows) == len(sizes),
        "ratios": {
            "verify_p50_last_over_first": _ratio(
                last["verify_seconds"]["p50"], first["verify_seconds"]["p50"]
            ),
            "verify_mean_last_over_first": _ratio(
                last["verify_seconds"]["mean"], first["verify_seconds"]["mean"]
            ),
            "verify_cpu_mean_last_over_first": _ratio(
                last["verify_cpu_seconds"]["mean"], first["verify_cpu_seconds"]["mean"]
            ),
            "memory_over_raw_at_last": last["memory"]["ratio_to_raw"],
            "memory_over_raw_with_verdicts_at_last": last["memory"][
                "ratio_to_raw_with_verdicts_estimate"
            ],
        },
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--source-articles", type=int, default=200)
    parser.add_argument("--days-per-variant", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100, help="articles per pipeline")
    parser.add_argument("--memory-sample", type=int, default=300, help="keys per family")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    settings = get_settings()
    load_models(settings)
    templates, corpus = _templates(min(args.source_articles, sizes[0]))
    # What a verify worker does once its models are loaded (shared.runtime): objects that live
    # as long as the process, models and here the templates, stay out of every full collection.
    settle_heap()
    rewriter = Rewriter(templates, days_per_variant=args.days_per_variant)
    rng = random.Random(7)
    all_real = [(c, t) for t in templates for c in t.claims]
    picked = sorted(rng.sample(range(len(all_real)), min(args.probes, len(all_real))))
    work_dir = Path(tempfile.mkdtemp(prefix="crosscheck-scaling-"))
    server = RedisServer(data_dir=work_dir).start()
    client = redis.Redis.from_url(server.url, decode_responses=True)
    client.config_set("appendonly", "no")  # gigabytes of AOF would only measure the disk
    rows = []
    try:
        base_memory = int(client.info("memory")["used_memory"])
        probes = []
        for i in picked:
            claim, template = all_real[i]
            index = templates.index(template)
            # Variant 0 of template i is article synthetic_article_id(i); its claims keep their order.
            k = template.claims.index(claim)
            probes.append(
                (
                    claim.model_copy(
                        update={
                            "claim_id": synthetic_claim_id(synthetic_article_id(index), k),
                            "article_id": synthetic_article_id(index),
                        }
                    ),
                    template.article.body,
                )
            )
        raw, filled, claims_total = 0, 0, 0
        for size in sizes:
            added = fill(client, rewriter, templates, start=filled, stop=size, batch=args.batch)
            raw += added[0]
            claims_total += added[1]
            filled = size
            probe(client, probes[: min(20, len(probes))])  # warm caches, first-touch costs
            timing = probe(client, probes)
            used = int(client.info("memory")["used_memory"]) - base_memory
            families = memory_report(client, sample=args.memory_sample)
            # The probes verify a sample; every claim would carry a verdict too. The
            # stream is trimmed once its consumers acknowledge it; unread, it keeps every payload.
            verdict_est = timing["stored_verdict_bytes_mean"] * claims_total
            unread_stream_est = timing["verdict_json_bytes_mean"] * claims_total
            rows.append(
                {
                    "articles": size,
                    "claims": claims_total,
                    **timing,
                    "memory": {
                        "used_memory_bytes": used,
                        "bytes_per_article": round(used / size, 1),
                        "raw_text_bytes_per_article": round(raw / size, 1),
                        "ratio_to_raw": round(used / raw, 3),
                        "verdict_keys_estimate_bytes_per_article": round(verdict_est / size, 1),
                        "ratio_to_raw_with_verdicts_estimate": round((used + verdict_est) / raw, 3),
                        "unread_stream_estimate_bytes_per_article": round(
                            unread_stream_est / size, 1
                        ),
                        "families": families,
                    },
                }
            )
            # Partial results survive an interrupted run.
            partial = _result(
                rows,
                sizes=sizes,
                probes=len(probes),
                templates=len(templates),
                corpus=corpus,
                args=args,
            )
            write_result("scaling", partial, path=args.out)
            print(
                f"{size} articles: verify {timing['verify_seconds']['mean'] * 1000:.1f} ms/claim "
                f"mean ({timing['verify_cpu_seconds']['mean'] * 1000:.1f} ms CPU), candidate set {timing['candidate_set']['mean']:.1f}, "
                f"{used / raw:.2f}x raw text",
                file=sys.stderr,
            )
    finally:
        client.close()
        server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    result = _result(
        rows, sizes=sizes, probes=len(probes), templates=len(templates), corpus=corpus, args=args
    )
    path = write_result("scaling", result, path=args.out)
    print(
        table(
            [
                [
                    r["articles"],
                    r["claims"],
                    r["verify_seconds"]["mean"] * 1000,
                    r["verify_seconds"]["p50"] * 1000,
                    r["verify_seconds"]["p95"] * 1000,
                    r["candidates_seconds"]["p50"] * 1000,
                    r["candidate_set"]["mean"],
                    r["memory"]["bytes_per_article"],
                    r["memory"]["raw_text_bytes_per_article"],
                    r["memory"]["ratio_to_raw"],
                    r["memory"]["ratio_to_raw_with_verdicts_estimate"],
                ]
                for r in rows
            ],
            header=[
                "articles",
                "claims",
                "verify ms mean",
                "p50",
                "p95",
                "candidates ms p50",
                "candidate set",
                "B/article",
                "raw B/article",
                "x raw",
                "x raw, verdicts in",
            ],
        )
    )
    ratios = result["ratios"]
    print(
        f"verify time per claim {sizes[-1]}/{sizes[0]}: mean x{ratios['verify_mean_last_over_first']}, "
        f"p50 x{ratios['verify_p50_last_over_first']}, CPU mean x{ratios['verify_cpu_mean_last_over_first']}"
    )
    print(f"wrote {path}")
    return 0


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


if __name__ == "__main__":
    raise SystemExit(main())
