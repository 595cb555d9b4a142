"""The web pages on fakeredis: what they show, what they escape, who may see them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import fakeredis
import pytest
from fastapi.testclient import TestClient

from services.ingest.web.auth import COOKIE
from shared.schemas import (
    Attribution,
    Claim,
    Conflict,
    EvidenceItem,
    Modality,
    Stance,
    StoredArticle,
    Verdict,
    VerdictDoc,
)
from shared.settings import Settings
from shared.storage import articles
from shared.storage.claims import save_claims
from shared.storage.listing import publish
from shared.storage.verdicts import save_verdicts
from tests.ingest.clients import make_client
from tests.shared.verdicts import minimal_verdict, verdict_for
from tests.verify.factories import article_id_for, claim_id_for

NOW = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
BODY = f"Officials said 40 people were hurt in Dornholm. {HOSTILE} The mayor resigned on Monday."
KEY = "page-key-0123456789abcdef"
A1 = "00000000000000a1"  # as ingest names articles: 16 hex digits


def _claim(local: str, text: str, *, source: str = "Harbour Times", **extra: Any) -> Claim:
    start = BODY.index(text)
    return Claim(
        claim_id=f"{A1}.000000{local}",
        article_id=A1,
        source=source,
        text=text,
        start=start,
        end=start + len(text),
        checkworthiness=0.9,
        **extra,
    )


def _verdict(claim: Claim, verdict: Verdict, confidence: float, **extra: Any) -> VerdictDoc:
    return verdict_for(
        claim,
        verdict=verdict,
        confidence=confidence,
        independent_origins=2,
        explanation="Two independent origins agree; one relay disagrees on the count.",
        verified_at=NOW,
        **extra,
    )


@pytest.fixture
def seeded(fake_redis: fakeredis.FakeRedis) -> dict[str, VerdictDoc]:
    settings = Settings(redis_url="memory://", environment="test")
    article = StoredArticle(
        article_id=A1,
        title=f"Storm {HOSTILE}",
        body=BODY,
        source=f"Harbour Times {HOSTILE}",
        url="https://harbour.example/storm",
        received_at=NOW,
    )
    hurt = _claim(
        "c0",
        "Officials said 40 people were hurt in Dornholm.",
        attribution=Attribution(speaker="Officials", speaker_key="officials", cue="said"),
        modality=Modality(hedges=["reportedly"]),
    )
    hostile = _claim("c1", HOSTILE, source="Wire")
    mayor = _claim("c2", "The mayor resigned on Monday.", source="Wire")
    articles.save_article(fake_redis, article)
    save_claims(fake_redis, article=article, claims=[hurt, hostile, mayor])
    evidence = [
        EvidenceItem(
            claim_id=f"{A1}.000000c2",
            article_id=A1,
            source="Coast Radio",
            stance=Stance.agree,
            text="Forty people were hurt, the coast guard said.",
            origin="coast guard",
            relatedness=0.8,
        ),
        EvidenceItem(
            source="Copy Desk",
            stance=Stance.agree,
            text="Forty people were hurt, the coast guard said!",
            origin="coast guard",
            relatedness=0.7,
            near_copy_of=f"{A1}.000000c2",
        ),
        EvidenceItem(
            source=f"Evil {HOSTILE}",
            stance=Stance.disagree,
            text=f"Only 12 were hurt {HOSTILE}",
            origin="hospital",
            relatedness=0.6,
            url="javascript:alert(1)",
            conflicts=[Conflict(field="quantity", claim_value="40", evidence_value="12")],
        ),
    ]
    docs = [
        _verdict(
            hurt,
            Verdict.disputed,
            0.55,
            evidence=evidence,
            conflicts=[Conflict(field="quantity", claim_value="40", evidence_value="12")],
        ),
        _verdict(hostile, Verdict.unverified, 0.2),
        _verdict(mayor, Verdict.supported, 0.9),
    ]
    saved = [doc for doc, _ in save_verdicts(fake_redis, docs)]
    for doc in saved:
        publish(fake_redis, settings=settings, doc=doc)
    return {doc.claim_id: doc for doc in saved}


@pytest.fixture
def web(fake_redis: fakeredis.FakeRedis) -> Iterator[TestClient]:
    with make_client(fake_redis) as client:
        yield client


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-claim="([^"]+)"', html)


def _safe_page(web: TestClient, path: str) -> str:
    """The HTML of the page at ``path``, served (200) with the security headers and with
    nothing hostile left live in it."""
    response = web.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    assert "javascript:" not in response.text
    return response.text


def test_claims_page_lists_newest_first_and_escapes(
    web: TestClient, seeded: dict[str, VerdictDoc]
) -> None:
    html = _safe_page(web, "/ui/claims")
    assert _rows(html) == [f"{A1}.000000c2", f"{A1}.000000c1", f"{A1}.000000c0"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert '<meter min="0" max="1"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"verdict": "supported"}, [f"{A1}.000000c2"]),
        ({"min_confidence": "0.5"}, [f"{A1}.000000c2", f"{A1}.000000c0"]),
        ({"outlet": "harbour"}, [f"{A1}.000000c0"]),
        ({"q": "MAYOR"}, [f"{A1}.000000c2"]),
        ({"verdict": "refuted"}, []),
    ],
)
def test_claims_page_filters(
    web: TestClient, seeded: dict[str, VerdictDoc], query: dict[str, str], expected: list[str]
) -> None:
    response = web.get("/ui/claims", params=query)
    assert response.status_code == 200
    assert _rows(response.text) == expected


def test_bad_filter_is_a_clear_error(web: TestClient, seeded: dict[str, VerdictDoc]) -> None:
    response = web.get("/ui/claims", params={"min_confidence": "lots"})
    assert response.status_code == 422
    assert "is not a number" in response.text


def test_claim_page_groups_evidence_and_shows_conflicts(
    web: TestClient, seeded: dict[str, VerdictDoc]
) -> None:
    html = _safe_page(web, f"/ui/claims/{A1}.000000c0")
    groups = re.findall(r"<h3>([^<]+) <span class=\"count\">(\d+) relay", html)
    assert groups == [("coast guard", "2"), ("hospital", "1")]
    assert 'class="evidence-item s-agree near-copy"' in html
    assert '<mark class="ours">40</mark>' in html and '<mark class="theirs">12</mark>' in html
    assert f'href="/ui/claims/{A1}.000000c2"' in html
    assert "Officials" in html and "reportedly" in html
    assert '<svg class="origins-graph"' in html
    assert "Version history" in html


def test_article_page_marks_claims_by_verdict(
    web: TestClient, seeded: dict[str, VerdictDoc]
) -> None:
    html = _safe_page(web, f"/ui/articles/{A1}")
    marks = re.findall(r'<mark class="v-(\w+)" data-claim="([^"]+)">', html)
    assert marks == [
        ("disputed", f"{A1}.000000c0"),
        ("unverified", f"{A1}.000000c1"),
        ("supported", f"{A1}.000000c2"),
    ]
    assert '<span class="status st-queued" id="status">queued</span>' in html


def test_missing_pages_are_404(web: TestClient, seeded: dict[str, VerdictDoc]) -> None:
    assert web.get("/ui/claims/nope").status_code == 404
    assert web.get("/ui/articles/nope").status_code == 404


def test_with_keys_pages_need_a_login_and_the_cookie_holds_no_key(
    fake_redis: fakeredis.FakeRedis, seeded: dict[str, VerdictDoc]
) -> None:
    with make_client(fake_redis, api_keys=KEY) as client:
        redirected = client.get(f"/ui/claims/{A1}.000000c0", follow_redirects=False)
        assert redirected.status_code == 303
        assert redirected.headers["location"] == f"/ui/login?next=%2Fui%2Fclaims%2F{A1}.000000c0"
        assert client.get("/ui/events").status_code == 401
        wrong = client.post("/ui/login", data={"key": "wrong", "next": "/ui/claims"})
        assert wrong.status_code == 401 and "not valid" in wrong.text
        outside = client.post(
            "/ui/login", data={"key": KEY, "next": "//evil.example/"}, follow_redirects=False
        )
        assert outside.headers["location"] == "/ui/claims"
        cookie = outside.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and KEY not in cookie
        assert client.get(f"/ui/claims/{A1}.000000c0").status_code == 200
    with make_client(fake_redis, api_keys=KEY) as bearer:
        response = bearer.get("/ui/claims", headers={"Authorization": f"Bearer {KEY}"})
        assert response.status_code == 200 and _rows(response.text)
        bearer.cookies.set(COOKIE, "forged")
        assert bearer.get("/ui/claims", follow_redirects=False).status_code == 303


def test_events_stream_new_verdicts(
    fake_redis: fakeredis.FakeRedis, web: TestClient, seeded: dict[str, VerdictDoc]
) -> None:
    first = next(iter(seeded.values()))
    with web.stream("GET", "/ui/events", params={"after": "0-0"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        seen: list[str] = []
        for line in lines:
            if line.startswith("data: "):
                seen.append(line)
            if len(seen) == 3:
                break
    assert first.claim_id in seen[0]
    assert '"verdict": "disputed"' in seen[0]


def test_claims_page_pages_on_with_its_filters(fake_redis: fakeredis.FakeRedis) -> None:
    settings = Settings(redis_url="memory://", environment="test")
    docs = [minimal_verdict(f"c{i}") for i in range(30)]
    article = StoredArticle(
        article_id=article_id_for("a1"), body="Text.", source="Wire", received_at=NOW
    )
    articles.save_article(fake_redis, article)
    save_claims(fake_redis, article=article, claims=[d.claim for d in docs])
    for doc, _ in save_verdicts(fake_redis, docs):
        publish(fake_redis, settings=settings, doc=doc)
    with make_client(fake_redis) as client:
        first = client.get("/ui/claims", params={"outlet": "wire"})
        assert _rows(first.text) == [claim_id_for(f"c{i}", article="a1") for i in range(29, 4, -1)]
        older = re.search(r'href="([^"]+)" rel="next"', first.text)
        assert older is not None
        href = older.group(1).replace("&amp;", "&")
        assert "outlet=wire" in href and "cursor=25" in href
        second = client.get(href)
        assert _rows(second.text) == [claim_id_for(f"c{i}", article="a1") for i in range(4, -1, -1)]
        assert 'rel="next"' not in second.text
