"""Verification acceptance on real processes: the seeds, the scenarios, re-verification, concurrency."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from crosscheck.stack import Stack
from shared.schemas import ClaimKind, Verdict, VerdictDoc
from tests.conftest import EXAMPLES_DIR
from tests.e2e.conftest import StackFactory
from tests.e2e.helpers import StreamWatcher, load_article, post, wait_done
from tests.seeds import seed_articles

pytestmark = pytest.mark.e2e

SCENARIOS = EXAMPLES_DIR / "scenarios"


def _claims_of(latest: dict[str, VerdictDoc], article_id: str) -> list[VerdictDoc]:
    return sorted(
        (d for d in latest.values() if d.article_id == article_id),
        key=lambda d: (d.claim.start, d.kind),
    )


def _event_claim(
    docs: list[VerdictDoc], *words: str, kind: ClaimKind = ClaimKind.assertion
) -> VerdictDoc:
    """The first claim of ``kind`` whose text names every word: the scenario's central claim."""
    for doc in docs:
        if doc.kind is kind and all(w.lower() in doc.text.lower() for w in words):
            return doc
    raise AssertionError(f"no {kind.value} claim mentions {words}: {[d.text for d in docs]}")


@pytest.fixture(scope="module")
def stack(make_stack: StackFactory) -> Stack:
    return make_stack()


@pytest.fixture
def watcher(stack: Stack, request: pytest.FixtureRequest) -> Iterator[StreamWatcher]:
    w = StreamWatcher(stack.redis_url, group=request.node.name)
    yield w
    w.close()


def test_seeds_one_hedged_origin(stack: Stack, watcher: StreamWatcher) -> None:
    time_id, blog_id = [post(stack.api_url, article) for article in seed_articles()]
    wait_done(stack.api_url, [time_id, blog_id], timeout=180)
    latest = watcher.settle(quiet=4.0)
    time_claims, blog_claims = _claims_of(latest, time_id), _claims_of(latest, blog_id)

    central = _event_claim(time_claims, "Baghdadi", "killed")
    assert any(e.article_id == blog_id for e in central.evidence), (
        "the other outlet is not evidence"
    )
    assert not [c for c in central.conflicts if c.field in ("date", "quantity", "name")], (
        central.conflicts
    )
    assert central.independent_origins == 1, central.explanation
    assert central.verdict is Verdict.unverified and central.confidence < 0.5, (
        central.verdict,
        central.confidence,
    )
    explanation = central.explanation.lower()
    assert (
        "one statement" in explanation or "single" in explanation or "one origin" in explanation
    ), explanation
    assert "hedged" in explanation, explanation

    reported = _event_claim(time_claims, "Baghdadi", "killed", kind=ClaimKind.attribution)
    assert reported.parent_claim_id == central.claim_id
    assert reported.verdict is Verdict.supported and reported.confidence >= 0.7, (
        reported.confidence,
        reported.explanation,
    )

    # The central claim is matched from the other side too.
    blog_central = _event_claim(blog_claims, "Baghdadi", "killed")
    assert any(e.article_id == time_id for e in blog_central.evidence)


def _post_scenario(stack: Stack, name: str) -> list[str]:
    paths = sorted((SCENARIOS / name).glob("*.json"))
    return [post(stack.api_url, load_article(path)) for path in paths]


def test_scenarios(stack: Stack, watcher: StreamWatcher) -> None:
    names = [
        "three_independent",
        "report_then_denial",
        "wire_republished",
        "conflicting_numbers",
        "unrelated_same_place_date",
    ]
    posted = {name: _post_scenario(stack, name) for name in names}
    wait_done(stack.api_url, [aid for ids in posted.values() for aid in ids], timeout=240)
    latest = watcher.settle(quiet=4.0)

    independent = _event_claim(_claims_of(latest, posted["three_independent"][0]), "fire")
    assert independent.verdict is Verdict.supported, independent.explanation
    assert independent.independent_origins >= 3, independent.explanation

    report = _event_claim(_claims_of(latest, posted["report_then_denial"][0]), "laid off")
    assert report.verdict in (Verdict.disputed, Verdict.refuted), report.explanation

    wire = _event_claim(_claims_of(latest, posted["wire_republished"][0]), "interest rate")
    assert wire.independent_origins == 1, wire.explanation
    assert wire.confidence < independent.confidence

    toll = _event_claim(_claims_of(latest, posted["conflicting_numbers"][0]), "14")
    quantity_conflicts = [c for c in toll.conflicts if c.field == "quantity"]
    assert quantity_conflicts, toll.conflicts
    assert any("14" in c.claim_value and "41" in c.evidence_value for c in quantity_conflicts), (
        quantity_conflicts
    )
    assert toll.confidence < 0.6 and toll.verdict is not Verdict.supported

    assert independent.confidence == max(d.confidence for d in (independent, report, wire, toll)), (
        "three independent outlets must give the highest confidence"
    )

    unrelated_id = posted["unrelated_same_place_date"][0]
    for doc in latest.values():
        if doc.article_id != unrelated_id:
            assert all(e.article_id != unrelated_id for e in doc.evidence), doc.text
    for doc in _claims_of(latest, unrelated_id):
        assert not doc.evidence, (doc.text, [e.text for e in doc.evidence])

    record = {
        name: [round(d.confidence, 2) for d in (independent, report, wire, toll)][i]
        for i, name in enumerate(names[:4])
    }
    print("scenario confidences:", json.dumps(record))


def test_new_evidence_reverifies_earlier_claims(stack: Stack, watcher: StreamWatcher) -> None:
    first = {
        "source": "Valley Gazette",
        "published_at": "2025-09-02T08:00:00Z",
        "body": "A 5.1-magnitude earthquake struck near the town of Brask on Monday, damaging the old church "
        "tower, the regional seismology institute said.",
    }
    second = {
        "source": "Brask Radio",
        "published_at": "2025-09-02T10:00:00Z",
        "body": "The old church tower in Brask was damaged when a magnitude 5.1 earthquake hit the town on "
        "Monday morning, the town's mayor Ilse Varga told Brask Radio at the scene.",
    }
    a_id = post(stack.api_url, first)
    wait_done(stack.api_url, [a_id])
    before = _event_claim(_claims_of(watcher.settle(quiet=2.0), a_id), "earthquake")
    b_id = post(stack.api_url, second)
    wait_done(stack.api_url, [b_id])
    after = watcher.wait_for(
        lambda docs: docs[before.claim_id].version > before.version, timeout=60
    )[before.claim_id]
    after = watcher.settle(quiet=2.0)[before.claim_id]
    assert after.version > before.version
    assert after.confidence > before.confidence, (
        before.confidence,
        after.confidence,
        after.explanation,
    )
    assert any(e.article_id == b_id for e in after.evidence)
    api = requests.get(f"{stack.api_url}/claims/{before.claim_id}", timeout=10).json()
    assert api["version"] == after.version


def test_concurrent_outlets_all_link(make_stack: StackFactory) -> None:
    busy = make_stack(verify_workers=2)
    watcher = StreamWatcher(busy.redis_url, group="concurrency")
    towns = [
        "Arlo",
        "Brenn",
        "Cask",
        "Dunmore",
        "Eskel",
        "Farrow",
        "Gilden",
        "Harl",
        "Ives",
        "Jorn",
        "Kell",
        "Lund",
        "Mora",
        "Nessa",
        "Orly",
        "Pell",
        "Quin",
        "Rask",
        "Selby",
        "Tarn",
    ]
    articles = [
        {
            "source": f"{town} Observer",
            "published_at": "2025-04-14T12:00:00Z",
            "body": f"The Halden river bridge collapsed on Monday after days of flooding, the national roads agency "
            f"said. Rescue boats from {town} searched the river for two missing drivers.",
        }
        for town in towns
    ]
    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = list(pool.map(lambda a: post(busy.api_url, a), articles))
    wait_done(busy.api_url, ids, timeout=300)
    latest = watcher.settle(quiet=6.0, timeout=300)
    for article_id in ids:
        claim = _event_claim(_claims_of(latest, article_id), "bridge")
        cited = {e.article_id for e in claim.evidence}
        missing = set(ids) - {article_id} - cited
        assert not missing, f"{claim.source} misses evidence from {len(missing)} outlets"
    watcher.close()
