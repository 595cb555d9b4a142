"""Reading and writing files in the FNC-1 format, and grouping pairs by claim."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist
from sklearn.feature_extraction.text import TfidfVectorizer

from services.verify.stance.text import content_stems, tokenize
from shared.errors import InvalidInput
from shared.unionfind import UnionFind

__all__ = [
    "BODIES_FILE",
    "STANCES_FILE",
    "FncPairs",
    "claim_groups",
    "data_sha256",
    "read_bodies",
    "read_pairs",
    "topic_groups",
    "write_stances",
]

BODIES_FILE = "train_bodies.csv"
STANCES_FILE = "train_stances.csv"


@dataclass(frozen=True)
class FncPairs:
    """Headline/body pairs in file order; ``stances`` is None for unlabelled files."""

    headlines: list[str]
    body_ids: list[str]
    bodies: list[str]
    stances: list[str] | None


def read_bodies(path: Path) -> dict[str, str]:
    """Map Body ID to article text."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"Body ID", "articleBody"} - set(reader.fieldnames or ())
        if missing:
            raise InvalidInput(f"{path}: missing columns {sorted(missing)}")
        return {row["Body ID"]: row["articleBody"] for row in reader}


def read_pairs(
    *, bodies_path: Path, stances_path: Path, body_ids: Iterable[str] | None = None
) -> FncPairs:
    """Join a stances file with its bodies, keeping row order.

    ``body_ids`` restricts the pairs to those bodies (used for small training slices).
    """
    bodies = read_bodies(bodies_path)
    keep = None if body_ids is None else set(body_ids)
    with stances_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = set(reader.fieldnames or ())
        if not {"Headline", "Body ID"} <= fields:
            raise InvalidInput(f"{stances_path}: needs columns 'Headline' and 'Body ID'")
        labelled = "Stance" in fields
        headlines: list[str] = []
        ids: list[str] = []
        stances: list[str] = []
        for row in reader:
            body_id = row["Body ID"]
            if keep is not None and body_id not in keep:
                continue
            if body_id not in bodies:
                raise InvalidInput(f"{stances_path}: Body ID {body_id!r} not in {bodies_path}")
            headlines.append(row["Headline"])
            ids.append(body_id)
            if labelled:
                stances.append(row["Stance"].strip())
    return FncPairs(
        headlines=headlines,
        body_ids=ids,
        bodies=[bodies[i] for i in ids],
        # A Stance column left blank (a prediction template) counts as unlabelled.
        stances=stances if labelled and any(stances) else None,
    )


def write_stances(
    path: Path, *, headlines: Sequence[str], body_ids: Sequence[str], stances: Sequence[str]
) -> None:
    """Write predictions in the FNC-1 stances format, rows in the given order."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(zip(headlines, body_ids, stances, strict=True))


def data_sha256(paths: Sequence[Path]) -> dict[str, str]:
    """sha256 of each file, keyed by file name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def claim_groups(
    *, headlines: Sequence[str], body_ids: Sequence[str], stances: Sequence[str]
) -> list[int]:
    """A claim id per pair: bodies linked by a shared related headline form one claim.

    Splitting on these groups keeps both the bodies and the related headlines of a
    claim on one side, which mimics the unseen claims of the competition test set
    better than splitting by Body ID alone (which it implies).
    """
    linked = UnionFind()
    first_body: dict[str, str] = {}
    for headline, body_id, stance in zip(headlines, body_ids, stances, strict=True):
        linked.find(body_id)
        if stance == "unrelated":
            continue
        anchor = first_body.setdefault(headline, body_id)
        linked.union(body_id, anchor)
    roots: dict[str, int] = {}
    return [roots.setdefault(linked.find(b), len(roots)) for b in body_ids]


def topic_groups(
    *,
    headlines: Sequence[str],
    body_ids: Sequence[str],
    bodies: Sequence[str],
    stances: Sequence[str],
    max_distance: float = 0.8,
) -> list[int]:
    """A topic id per pair: claims whose texts are alike merged into one topic.

    Each claim (see :func:`claim_groups`) is one document, its distinct bodies and
    related headlines; claims are clustered by TF-IDF cosine, average linkage, cut at
    ``max_distance``. FNC-1 holds several claims about one story (a dozen about the
    Islamic State, several about one Apple product); holding out whole topics mimics a
    test set whose stories are new, which holding out claims does not. Deterministic.
    """
    claims = claim_groups(headlines=headlines, body_ids=body_ids, stances=stances)
    parts: dict[int, dict[str, None]] = {}
    for headline, body, stance, claim in zip(headlines, bodies, stances, claims, strict=True):
        texts = parts.setdefault(claim, {})
        texts.setdefault(body)
        if stance != "unrelated":
            texts.setdefault(headline)
    if len(parts) < 2:
        return [0] * len(claims)
    docs = [content_stems(tokenize(" ".join(parts[c]))) for c in range(len(parts))]
    # Terms in half the claims or more say nothing about the topic.
    vectorizer = TfidfVectorizer(analyzer=_identity, min_df=2, max_df=0.5, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(docs).toarray()
    except ValueError:  # no term survives the document-frequency cut (tiny inputs)
        return claims
    # A claim with no term left is at distance 1 from every other (cosine says NaN).
    distances = np.nan_to_num(pdist(matrix, metric="cosine"), nan=1.0)
    tree = linkage(distances, method="average")
    topic_of = fcluster(tree, t=max_distance, criterion="distance")
    # Renumbered by first appearance, so the ids do not depend on scipy's labelling.
    renumber: dict[int, int] = {}
    return [renumber.setdefault(int(topic_of[c]), len(renumber)) for c in claims]


def _identity(terms: list[str]) -> list[str]:
    return terms
