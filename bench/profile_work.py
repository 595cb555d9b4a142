"""Profile the pipeline's work in-process, or point at a live worker.

Usage::

    python bench/profile_work.py [--articles 40] [--stage all|extract|verify] [--html out.html]
    python bench/profile_work.py --pids              # worker child PIDs of running stacks
    python bench/profile_work.py --summarize a.txt b.txt   # py-spy ``--format raw`` files

The in-process mode runs the work ceiling of ``bench/pipeline.py`` (``bench/inprocess.py``:
extract, then index, candidates and assess per claim) on one process against a fresh
redis-server under pyinstrument and prints the call tree. ``--stage verify`` extracts first,
unprofiled, and profiles only the verify path.

For a worker under real load, run ``bench/pipeline.py`` in another terminal and sample the
busy pool child (not the Celery main process, which only moves messages) with py-spy::

    .venv/bin/py-spy record --pid <child pid> --duration 30 --rate 200 \\
        --format speedscope -o verify.speedscope.json
    .venv/bin/py-spy dump --pid <child pid>    # one stack snapshot

``--pids`` lists the candidates: processes whose command line is a crosscheck Celery
worker and whose parent is one too. ``--summarize`` reads py-spy's collapsed stacks
(``--format raw``) of one or more processes and prints the functions holding the most
samples, each counted once per stack (inclusive), as a share of all samples; frames in
every sample (the pool's loop) are left out.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import psutil  # noqa: E402
import redis  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from bench.common import article_id_of, load_articles  # noqa: E402
from crosscheck.redis_server import RedisServer  # noqa: E402


def worker_children() -> list[tuple[int, str]]:
    """(pid, queue) of Celery pool children of crosscheck workers on this machine."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "ppid"]):
        cmd = proc.info["cmdline"] or []
        if "celery" not in " ".join(cmd[:3]) or "worker" not in cmd:
            continue
        try:
            parent = psutil.Process(proc.info["ppid"]).cmdline()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if parent == cmd:
            queue = cmd[cmd.index("-Q") + 1] if "-Q" in cmd else "?"
            found.append((proc.info["pid"], queue))
    return found


def _function(frame: str) -> str:
    """ "name (path/to/module.py:line)" -> "name (module.py)": one key for every line."""
    name, _, where = frame.partition(" (")
    module = where.split(":")[0].rsplit("/", 1)[-1]
    return f"{name} ({module})" if module else name


def summarize(paths: list[Path], *, top: int = 25) -> list[tuple[str, float]]:
    """(function, inclusive share of samples) from py-spy raw files, largest first."""
    total = 0
    held: dict[str, int] = {}
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            samples = int(count)
            total += samples
            for key in {_function(frame) for frame in stack.split(";")}:
                held[key] = held.get(key, 0) + samples
    if not total:
        return []
    # Frames under every sample are the process's scaffolding (Celery's pool loop).
    ranked = sorted(
        (item for item in held.items() if item[1] < 0.99 * total), key=lambda item: -item[1]
    )
    return [(name, samples / total) for name, samples in ranked[:top]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--stage", choices=("all", "extract", "verify"), default="all")
    parser.add_argument("--html", type=Path, default=None)
    parser.add_argument("--pids", action="store_true")
    parser.add_argument("--summarize", type=Path, nargs="+", default=None, metavar="RAW")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if args.summarize:
        for name, share in summarize(args.summarize, top=args.top):
            print(f"{share:6.1%}  {name}")
        return 0
    if args.pids:
        for pid, queue in worker_children():
            print(pid, queue)
        return 0

    from bench.inprocess import load_models, verify
    from services.extract.claims import extract_claims
    from services.extract.nlp import load_nlp
    from shared.settings import get_settings
    from shared.storage import articles as stored_articles
    from shared.storage import claims as stored_claims

    settings = get_settings()
    load_models(settings)
    articles, corpus = load_articles(args.articles)
    stored = [a.stored(article_id_of(f"prof{n}")) for n, a in enumerate(articles)]
    with tempfile.TemporaryDirectory(prefix="crosscheck-profile-") as tmp:
        server = RedisServer(data_dir=Path(tmp)).start()
        client = redis.Redis.from_url(server.url, decode_responses=True)
        profiler = Profiler(interval=0.001)
        try:
            nlp = load_nlp(settings.spacy_model)
            extract_claims(nlp=nlp, article=stored[0])  # warm caches outside the profile
            if args.stage != "verify":
                profiler.start()
            extracted = []
            for article in stored:
                result = extract_claims(nlp=nlp, article=article)
                stored_articles.save_article(client, article)
                stored_claims.save_claims(client, article=article, claims=result.claims)
                extracted.append((article, result.claims))
            if args.stage == "extract":
                profiler.stop()
            elif args.stage == "verify":
                profiler.start()
            if args.stage != "extract":
                for _article, claims in extracted:
                    for claim in claims:
                        verify(client, claim=claim, settings=settings)
                profiler.stop()
        finally:
            client.close()
            server.stop()
    claims_total = sum(len(c) for _, c in extracted)
    print(f"{len(stored)} {corpus} articles, {claims_total} claims, stage {args.stage}")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        args.html.write_text(profiler.output_html())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
