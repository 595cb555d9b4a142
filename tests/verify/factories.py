"""Hand-built claims and simple stance functions for the verify tests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from services.verify.consistency import content_tokens, overlap
from shared import ids
from shared.schemas import (
    ArticleIn,
    Attribution,
    Claim,
    ClaimKind,
    Entity,
    Modality,
    Quantity,
    TimeRef,
)

SCENARIOS = Path(__file__).resolve().parents[2] / "examples" / "scenarios"

DENIAL_WORDS = ("denied", "denies", "deny", "no layoffs", "simply wrong", "false")


def article(scenario: str, name: str) -> ArticleIn:
    path = SCENARIOS / scenario / f"{name}.json"
    return ArticleIn.model_validate(json.loads(path.read_text()))


def article_id_for(name: str) -> str:
    """16 hex digits named after ``name``, as ingest names articles; an id of that form is
    its own."""
    if ids.is_article_id(name):
        return name
    return hashlib.blake2b(name.encode(), digest_size=8).hexdigest()


def claim_id_for(name: str, *, article: str | None = None) -> str:
    """The claim id ``claim`` gives the claim called ``name`` of ``article`` (by default
    an article of its own)."""
    article_id = article_id_for(article or f"art-{name}")
    return ids.claim_id(article_id=article_id, kind=name, start=0, end=0)


def entity(key: str, label: str = "ORG", text: str | None = None) -> Entity:
    return Entity(text=text or key.replace("_", " ").title(), label=label, key=key, start=0, end=1)


def day(iso: str, text: str | None = None) -> TimeRef:
    d = date.fromisoformat(iso)
    return TimeRef(text=text or iso, start=d, end=d)


def claim(
    claim_id: str,
    *,
    text: str,
    source: str,
    article_id: str | None = None,
    published: str = "2025-03-11T12:00:00+00:00",
    kind: ClaimKind = ClaimKind.assertion,
    parent: str | None = None,
    entities: Sequence[Entity] = (),
    places: Sequence[str] = (),
    times: Sequence[TimeRef] = (),
    quantities: Sequence[Quantity] = (),
    speaker: tuple[str, str] | None = None,
    hedges: Sequence[str] = (),
    negated: bool = False,
    subject: str | None = None,
    predicate: str | None = None,
    obj: str | None = None,
    start: int = 0,
) -> Claim:
    """A claim called ``claim_id``, with the real id ``claim_id_for`` gives it (and its
    ``parent`` named the same way, in its article)."""
    home = article_id or f"art-{claim_id}"
    return Claim(
        claim_id=claim_id_for(claim_id, article=home),
        article_id=article_id_for(home),
        source=source,
        kind=kind,
        parent_claim_id=claim_id_for(parent, article=home) if parent else None,
        text=text,
        start=start,
        end=start + len(text),
        subject=subject,
        predicate=predicate,
        object=obj,
        entities=list(entities),
        quantities=list(quantities),
        times=list(times),
        places=list(places),
        attribution=(
            Attribution(speaker=speaker[1], speaker_key=speaker[0], cue="said") if speaker else None
        ),
        modality=Modality(hedges=list(hedges), negated=negated),
        checkworthiness=0.9,
        published_at=datetime.fromisoformat(published),
    )


def keyword_stance(headlines: Sequence[str], bodies: Sequence[str]) -> npt.NDArray[np.float64]:
    """A stand-in for the stance model: denial words disagree, shared words agree."""
    rows = []
    for head, body in zip(headlines, bodies, strict=True):
        shared = overlap(content_tokens(head), content_tokens(body))
        if any(word in body.lower() for word in DENIAL_WORDS) and shared >= 0.2:
            rows.append([0.05, 0.85, 0.08, 0.02])
        elif shared >= 0.3:
            rows.append([0.7, 0.03, 0.25, 0.02])
        elif shared >= 0.15:
            rows.append([0.15, 0.05, 0.6, 0.2])
        else:
            rows.append([0.02, 0.02, 0.06, 0.9])
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), 4)


def fixed_stance(row: Sequence[float]) -> object:
    def stance(headlines: Sequence[str], bodies: Sequence[str]) -> npt.NDArray[np.float64]:
        return np.tile(np.asarray(row, dtype=np.float64), (len(bodies), 1))

    return stance
