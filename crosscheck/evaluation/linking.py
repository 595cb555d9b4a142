"""Linking on FNC-1-format data: do evidence links stay inside a story, and find it?

Bodies are posted as articles of different outlets, all on one date and without titles.
Two bodies are of one story when they are related (not ``unrelated``) to one headline;
stories are the connected groups of that relation. Stories are chosen by the seeded split
(``splits``, keyed by the story's smallest Body ID) and sampled with the same seed.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

from crosscheck.evaluation.metrics import share
from crosscheck.evaluation.pipeline import EvalArticle, InProcessPipeline
from crosscheck.evaluation.splits import DEFAULT_SEED, Split, in_split
from shared.schemas import Stance, Verdict
from shared.unionfind import UnionFind

__all__ = ["Story", "read_stories", "run_linking", "sample_stories"]

_BASE_TIME = datetime(2017, 3, 6, 9, tzinfo=UTC)


@dataclass(frozen=True)
class Story:
    key: str  # smallest Body ID of the story
    body_ids: tuple[str, ...]


def read_stories(*, bodies_path: Path, stances_path: Path) -> tuple[list[Story], dict[str, str]]:
    """Stories (groups of bodies related to a shared headline) and every body's text."""
    with bodies_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not {"Body ID", "articleBody"} <= set(reader.fieldnames or ()):
            raise ValueError(f"{bodies_path}: needs columns 'Body ID' and 'articleBody'")
        bodies = {row["Body ID"]: row["articleBody"] for row in reader}
    linked = UnionFind()
    first_body: dict[str, str] = {}
    with stances_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not {"Headline", "Body ID", "Stance"} <= set(reader.fieldnames or ()):
            raise ValueError(f"{stances_path}: needs columns 'Headline', 'Body ID' and 'Stance'")
        for row in reader:
            body = row["Body ID"]
            if body not in bodies:
                raise ValueError(f"{stances_path}: Body ID {body!r} not in {bodies_path}")
            if row["Stance"].strip() == "unrelated":
                continue
            linked.find(body)
            anchor = first_body.setdefault(row["Headline"], body)
            linked.union(body, anchor)
    groups = linked.groups()
    stories = [
        Story(key=min(members, key=_body_order), body_ids=tuple(sorted(members, key=_body_order)))
        for members in groups.values()
    ]
    return sorted(stories, key=lambda s: _body_order(s.key)), bodies


def _body_order(body_id: str) -> tuple[int, str]:
    return (int(body_id), body_id) if body_id.isdigit() else (1 << 62, body_id)


def sample_stories(
    stories: Sequence[Story],
    *,
    split: Split,
    seed: int,
    count: int | None,
    max_bodies: int | None,
) -> list[Story]:
    """``count`` stories of side ``split`` (all if None), each cut to ``max_bodies``."""
    keep = in_split((s.key for s in stories), split, seed=seed)
    chosen = [s for s in stories if s.key in keep and len(s.body_ids) >= 2]
    rng = random.Random(seed)
    if count is not None and count < len(chosen):
        chosen = sorted(rng.sample(chosen, count), key=lambda s: _body_order(s.key))
    if max_bodies is not None:
        chosen = [
            Story(
                key=s.key,
                body_ids=tuple(
                    sorted(
                        rng.sample(list(s.body_ids), min(max_bodies, len(s.body_ids))),
                        key=_body_order,
                    )
                ),
            )
            for s in chosen
        ]
    return chosen


def run_linking(
    pipeline: InProcessPipeline,
    stories: Sequence[Story],
    bodies: dict[str, str],
    *,
    samples: int = 40,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """Post every body of ``stories`` (interleaved across stories), settle, and measure."""
    story_of_body = {b: s.key for s in stories for b in s.body_ids}
    order = sorted(story_of_body, key=lambda b: (random.Random(f"{seed}:{b}").random(), b))
    body_of_article: dict[str, str] = {}
    for n, body_id in enumerate(order):
        aid = pipeline.post(
            EvalArticle(
                source=f"outlet{body_id}.example",
                body=bodies[body_id],
                published_at=_BASE_TIME + timedelta(minutes=n),
            )
        )
        body_of_article[aid] = body_id
    pipeline.settle()

    story_of_article = {a: story_of_body[b] for a, b in body_of_article.items()}
    source_of_article = {a: f"outlet{b}.example" for a, b in body_of_article.items()}
    claims = [c for cs in pipeline.claims_of.values() for c in cs]
    docs = [pipeline.verdicts[c.claim_id] for c in claims if c.claim_id in pipeline.verdicts]
    linked: set[frozenset[str]] = set()
    cross = same = own_outlet = 0
    stances: Counter[str] = Counter()
    pairs_for_labelling: list[dict[str, object]] = []
    for doc in docs:
        for e in doc.evidence:
            if e.article_id is None or e.article_id == doc.article_id:
                continue
            cross += 1
            stances[e.stance.value] += 1
            own_outlet += source_of_article.get(e.article_id) == doc.source
            inside = story_of_article.get(e.article_id) == story_of_article[doc.article_id]
            same += inside
            linked.add(frozenset((doc.article_id, e.article_id)))
            if e.stance in (Stance.agree, Stance.disagree):
                pairs_for_labelling.append(
                    {
                        "claim_body": body_of_article[doc.article_id],
                        "claim": doc.text,
                        "evidence_body": body_of_article[e.article_id],
                        "evidence": e.text,
                        "stance": e.stance.value,
                        "same_story": inside,
                    }
                )
    articles_of_story: dict[str, list[str]] = {}
    for aid, key in story_of_article.items():
        articles_of_story.setdefault(key, []).append(aid)
    story_pairs = [
        frozenset(p) for aids in articles_of_story.values() for p in combinations(sorted(aids), 2)
    ]
    verdicts = Counter(d.verdict.value for d in docs)
    rng = random.Random(seed)
    sample = rng.sample(pairs_for_labelling, min(samples, len(pairs_for_labelling)))
    return {
        "seed": seed,
        "stories": len(stories),
        "bodies": len(body_of_article),
        "claims": len(claims),
        "verdicts_read": len(docs),
        "link_precision": share(same, cross),
        "pair_recall": share(sum(1 for p in story_pairs if p in linked), len(story_pairs)),
        "same_story_pairs": len(story_pairs),
        "cross_article_evidence": cross,
        "evidence_from_own_outlet": own_outlet,
        "no_evidence_share": share(sum(1 for d in docs if not d.evidence), len(docs)),
        "verdicts": {v.value: verdicts.get(v.value, 0) for v in Verdict},
        "disputed_or_refuted_share": share(
            verdicts.get(Verdict.disputed.value, 0) + verdicts.get(Verdict.refuted.value, 0),
            len(docs),
        ),
        "evidence_stances": dict(stances),
        "agree_disagree_sample": sample,
    }
