"""The pages' pure shaping: links, evidence groups, marked text, the origins picture."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.ingest.web import logic
from shared.schemas import Claim, ClaimKind, EvidenceItem, Stance, Verdict, VerdictDoc


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x?y=1", "https://a.example/x?y=1"),
        ("http://a.example", "http://a.example"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/", None),
        ("/relative", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href_keeps_only_absolute_http_urls(url: str | None, expected: str | None) -> None:
    assert logic.safe_href(url) == expected


def _item(source: str, origin: str, relatedness: float, **extra: object) -> EvidenceItem:
    return EvidenceItem(
        source=source,
        stance=Stance.agree,
        text=f"{source} text",
        origin=origin,
        relatedness=relatedness,
        **extra,  # type: ignore[arg-type]
    )


def test_group_by_origin_keeps_relays_together_near_copies_last() -> None:
    evidence = [
        _item("A", "wire", 0.5),
        _item("B", "police", 0.9),
        _item("C", "wire", 0.9, near_copy_of="x"),
        _item("D", "wire", 0.7),
    ]
    groups = logic.group_by_origin(evidence)
    assert [(g.origin, [i.source for i in g.items]) for g in groups] == [
        ("wire", ["D", "A", "C"]),
        ("police", ["B"]),
    ]


def _claim(claim_id: str, start: int, end: int, kind: ClaimKind = ClaimKind.assertion) -> Claim:
    return Claim(
        claim_id=claim_id,
        article_id="a",
        source="S",
        text="t",
        start=start,
        end=end,
        kind=kind,
        checkworthiness=0.9,
    )


def test_mark_claims_cuts_text_and_skips_overlaps() -> None:
    body = "One fact. Another fact. Tail."
    claims = [
        _claim("att", 0, 9, ClaimKind.attribution),
        _claim("c1", 0, 9),
        _claim("inner", 4, 8),
        _claim("c2", 10, 23),
        _claim("bad", 20, 999),
    ]
    segments = logic.mark_claims(body, claims, {"c1": Verdict.supported})
    assert "".join(s.text for s in segments) == body
    assert [(s.text, s.claim_id, s.verdict) for s in segments] == [
        ("One fact.", "c1", "supported"),
        (" ", None, None),
        ("Another fact.", "c2", None),
        (" Tail.", None, None),
    ]


def test_origin_graph_draws_each_relay_once_within_its_cap() -> None:
    claim = _claim("c", 0, 1)
    doc = VerdictDoc(
        claim_id="c",
        article_id="a",
        source="S",
        text="A claim",
        verdict=Verdict.supported,
        confidence=0.8,
        independent_origins=2,
        evidence=[_item(f"R{i}", "wire" if i % 2 else "police", 0.5) for i in range(5)],
        explanation="e",
        claim=claim,
        version=1,
        verified_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    graph = logic.origin_graph(doc, claim_href=lambda cid: f"/c/{cid}", max_relays=4)
    kinds = [n.kind for n in graph.nodes]
    assert kinds.count("claim") == 1 and kinds.count("origin") == 2
    assert kinds.count("relay") == 4 and graph.hidden == 1
    assert len(graph.edges) == 2 + 4
    assert all(0 <= n.y <= graph.height for n in graph.nodes)
