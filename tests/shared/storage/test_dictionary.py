"""Training the packing dictionary from what a store holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fakeredis
import zstandard

from shared.schemas import StoredArticle
from shared.storage import articles, claims, dictionary, verdicts
from tests.conftest import REPO_ROOT, SHARED_DIR, require_shared
from tests.shared.verdicts import verdict_for
from tests.verify import scenario_claims as sc


def _fill(client: fakeredis.FakeRedis) -> list[str]:
    """Every scenario story stored with a verdict; returns the stories' bodies."""
    stories = [
        *sc.three_independent(),
        *sc.wire_republished(),
        *sc.report_then_denial(),
        *sc.conflicting_numbers(),
        sc.unrelated_same_place_date(),
    ]
    for story in stories:
        article = StoredArticle(
            article_id=story.claim.article_id,
            body=story.body,
            source=story.claim.source,
            received_at=story.claim.published_at,
        )
        articles.save_article(client, article)
        claims.save_claims(client, article=article, claims=[story.claim])
        verdicts.save_verdicts(client, [verdict_for(story.claim)])
    return [s.body for s in stories]


def test_the_stored_documents_are_what_the_store_packs(fake_redis: fakeredis.FakeRedis) -> None:
    bodies = _fill(fake_redis)
    docs = dictionary.stored_documents(fake_redis)
    # Per story: its article's document, its claim's line and its verdict's line.
    assert len(docs) == 3 * len(bodies)
    assert {json.loads(doc).get("body") for doc in docs if b'"body":' in doc} == set(bodies)


def test_a_dictionary_trained_on_them_packs_smaller_than_none(
    fake_redis: fakeredis.FakeRedis,
) -> None:
    _fill(fake_redis)
    docs = dictionary.stored_documents(fake_redis)
    held_out, samples = docs[::5], [d for i, d in enumerate(docs) if i % 5]
    trained = dictionary.train(samples * 4, size=2048, k=64, d=6)
    with_it = zstandard.ZstdCompressor(dict_data=zstandard.ZstdCompressionDict(trained))
    without = zstandard.ZstdCompressor()
    assert sum(len(with_it.compress(d)) for d in held_out) < sum(
        len(without.compress(d)) for d in held_out
    )


def test_the_script_writes_a_dictionary(tmp_path: Path) -> None:
    require_shared(SHARED_DIR / "datasets" / "fnc1" / "train_bodies.csv")
    out = tmp_path / "dictionary.zdict"
    script = REPO_ROOT / "scripts" / "train_dictionary.py"
    command = [sys.executable, str(script), "--articles", "3", "--size", "4096", "--out", str(out)]
    subprocess.run(command, check=True, cwd=REPO_ROOT, capture_output=True, timeout=600)
    trained = zstandard.ZstdCompressionDict(out.read_bytes())
    assert trained.dict_id() != 0 and len(out.read_bytes()) == 4096
