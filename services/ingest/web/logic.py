"""Pure shaping of verdict documents and articles for the pages; no I/O."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pydantic import BaseModel

from shared.schemas import Claim, ClaimKind, EvidenceItem, Verdict, VerdictDoc

# Fields every page already shows; any other field of a document (a newer schema's) is
# listed generically so nothing the verifier says is hidden.
SHOWN_VERDICT_FIELDS = frozenset(
    {
        "claim_id",
        "article_id",
        "source",
        "text",
        "kind",
        "parent_claim_id",
        "verdict",
        "confidence",
        "independent_origins",
        "evidence",
        "conflicts",
        "explanation",
        "coverage",
        "claim",
        "version",
        "verified_at",
    }
)
SHOWN_EVIDENCE_FIELDS = frozenset(
    {
        "claim_id",
        "article_id",
        "source",
        "stance",
        "text",
        "origin",
        "relatedness",
        "stance_probabilities",
        "conflicts",
        "near_copy_of",
        "url",
        "provider",
    }
)


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None: a ``javascript:`` or ``data:``
    link from an article or a provider is never made clickable."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def extra_fields(model: BaseModel, shown: frozenset[str]) -> list[tuple[str, str]]:
    """(name, value as text) of the set fields of ``model`` a page does not show by name."""
    dumped = model.model_dump(mode="json", exclude=set(shown))
    out: list[tuple[str, str]] = []
    for name, value in sorted(dumped.items()):
        if value is None or value == [] or value == {}:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out.append((name, text))
    return out


# --- listing filters ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    verdict: Verdict | None = None
    min_confidence: float | None = None
    outlet: str = ""
    text: str = ""

    def keep(self, doc: VerdictDoc) -> bool:
        if self.verdict is not None and doc.verdict != self.verdict:
            return False
        if self.min_confidence is not None and doc.confidence < self.min_confidence:
            return False
        if self.outlet and self.outlet.casefold() not in doc.source.casefold():
            return False
        return not self.text or self.text.casefold() in doc.text.casefold()

    @property
    def active(self) -> bool:
        return bool(
            self.verdict is not None or self.min_confidence is not None or self.outlet or self.text
        )


# --- evidence by origin ---------------------------------------------------------------


@dataclass(slots=True)
class OriginGroup:
    """Evidence that traces back to one origin: the relays of one story."""

    origin: str
    items: list[EvidenceItem] = field(default_factory=list)

    @property
    def stances(self) -> list[str]:
        return sorted({item.stance.value for item in self.items})

    @property
    def relays(self) -> int:
        return len(self.items)


def group_by_origin(evidence: Iterable[EvidenceItem]) -> list[OriginGroup]:
    """Evidence grouped by origin, groups in order of first appearance, each group's items
    most related first (near-copies after the text they copy)."""
    groups: dict[str, OriginGroup] = {}
    for item in evidence:
        groups.setdefault(item.origin, OriginGroup(item.origin)).items.append(item)
    for group in groups.values():
        group.items.sort(key=lambda e: (e.near_copy_of is not None, -e.relatedness))
    return list(groups.values())


# --- article text with its claims marked ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    claim_id: str | None = None
    verdict: str | None = None  # None: a claim with no verdict yet


def mark_claims(body: str, claims: Sequence[Claim], verdicts: dict[str, Verdict]) -> list[Segment]:
    """``body`` cut into plain segments and claim spans. Overlapping spans keep the first by
    start (an assertion before the attribution that reports it, at the same start)."""
    spans = sorted(
        (c for c in claims if 0 <= c.start < c.end <= len(body)),
        key=lambda c: (c.start, c.kind != ClaimKind.assertion, -c.end),
    )
    segments: list[Segment] = []
    at = 0
    for claim in spans:
        if claim.start < at:
            continue
        if claim.start > at:
            segments.append(Segment(body[at : claim.start]))
        verdict = verdicts.get(claim.claim_id)
        segments.append(
            Segment(
                body[claim.start : claim.end],
                claim_id=claim.claim_id,
                verdict=verdict.value if verdict is not None else None,
            )
        )
        at = claim.end
    if at < len(body):
        segments.append(Segment(body[at:]))
    return segments


# --- the claim -> origins -> relays picture -------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    x: float
    y: float
    label: str
    kind: str  # "claim", "origin", "relay"
    stance: str = ""
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    stance: str = ""


@dataclass(frozen=True, slots=True)
class Graph:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    hidden: int  # relays left out to keep the picture readable


def _label(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def origin_graph(
    doc: VerdictDoc,
    *,
    claim_href: Callable[[str], str],
    max_relays: int = 24,
    row: int = 26,
) -> Graph:
    """Three columns: the claim, its independent origins, and the relays of each origin,
    with edges coloured by the relay's stance. At most ``max_relays`` relays are drawn."""
    groups = group_by_origin(doc.evidence)
    kept: list[tuple[OriginGroup, list[EvidenceItem]]] = []
    budget = max_relays
    for group in groups:
        if budget <= 0:
            break
        items = group.items[:budget]
        budget -= len(items)
        kept.append((group, items))
    drawn = sum(len(items) for _, items in kept)
    rows = max(1, drawn)
    height = rows * row + row
    width = 760
    x_claim, x_origin, x_relay = 10.0, 270.0, 500.0
    nodes: list[Node] = []
    edges: list[Edge] = []
    claim_y = height / 2
    nodes.append(Node(x_claim, claim_y, _label(doc.text, 34), "claim"))
    y = row
    for group, items in kept:
        first, last = y, y + (len(items) - 1) * row
        origin_y = (first + last) / 2
        nodes.append(Node(x_origin, origin_y, _label(group.origin, 30), "origin"))
        edges.append(Edge(x_claim + 240, claim_y, x_origin, origin_y))
        for item in items:
            href = claim_href(item.claim_id) if item.claim_id else safe_href(item.url)
            label = item.source + (" (near-copy)" if item.near_copy_of else "")
            nodes.append(Node(x_relay, y, _label(label, 30), "relay", item.stance.value, href))
            edges.append(Edge(x_origin + 210, origin_y, x_relay, y, item.stance.value))
            y += row
    return Graph(
        width=width,
        height=int(math.ceil(height)),
        nodes=nodes,
        edges=edges,
        hidden=len(doc.evidence) - drawn,
    )
