import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from crosscheck.redis_server import RedisServer, free_port
from crosscheck.stack import Stack
from tests.e2e.helpers import StreamWatcher, post, wait_done
from tests.seeds import seed_articles

tmp = Path(tempfile.mkdtemp())
srv = RedisServer(data_dir=tmp / "r").start()
st = Stack(
    redis_url=srv.url,
    log_dir=tmp / "logs",
    api_port=free_port(),
    extra_env={"CROSSCHECK_REVERIFY_DEBOUNCE_SECONDS": "0.5"},
)
try:
    st.start_api()
    st.start_extract()
    st.start_verify()
    st.wait_api()
    w = StreamWatcher(srv.url, group="g")
    paths = sys.argv[1:]
    arts = seed_articles() if not paths else [json.loads(Path(p).read_text()) for p in paths]
    ids = [post(st.api_url, a) for a in arts]
    wait_done(st.api_url, ids, timeout=180)
    latest = w.settle(quiet=4)
    for d in sorted(latest.values(), key=lambda d: (d.article_id, d.claim.start, d.kind)):
        print(
            f"{d.source[:14]:14} {d.kind.value[:5]} {d.verdict.value:10} {d.confidence:.2f} o={d.independent_origins} v{d.version} ev={len(d.evidence)} | {d.text[:110]!r}"
        )
        print("      ->", d.explanation[:300])
finally:
    st.stop()
    srv.stop()
