"""Who the information comes from: origin keys, near-copy detection, origin grouping.

An *origin* is the party a report rests on. For the assertion layer it is the speaker of an
attributed claim (``speaker:<key>``) or, for first-hand reporting, the outlet itself
(``outlet:<normalised source>``). For the attribution layer ("X said Y") every outlet that
relays the statement is a witness of it, so the origin is always the outlet.

Two corrections collapse origins that only look different:

* **Near-copies.** A wire story republished with trivial edits is one origin. Texts are
  compared by MinHash over 5-word shingles (128 permutations, fixed seed), an estimate of
  their Jaccard similarity. Pairs at or above the near-copy threshold are linked and the
  connected components (single linkage, so the result does not depend on input order) take
  the origin of their earliest member.
* **Spelling variants of one speaker.** Speaker keys are linked when their normalised
  forms are nearly equal (``SequenceMatcher`` ratio >= ``SPEAKER_MATCH_RATIO``), which absorbs
  "defense"/"defence"-style variants that survive canonicalisation.

Whole articles are compared when both sides have a stored article signature
(``keys.minhash``), otherwise the sentence windows around the claims: never one with the
other, since a window holds only a fraction of its article's shingles.

The threshold (``settings.near_copy_threshold``, default 0.6), measured on the scenario
articles: the three republications of one wire story with trivial edits score 0.81-0.91 as
whole articles and 0.66-0.91 as sentence windows; independent reports of one event score
0.01-0.03, and the two seed articles 0.01. 0.6 separates them with room on both sides for
whole articles. A copy with a rewritten lede *and* a dropped final paragraph scores 0.42,
so it counts as a separate origin; 0.5 would still keep independent reports apart and make
window comparisons less brittle, if such rewrites turn out to be common.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

__all__ = [
    "NUM_PERM",
    "CopyProbe",
    "SHINGLE_WORDS",
    "Signature",
    "estimated_jaccard",
    "group_near_copies",
    "merge_speakers",
    "normalise_outlet",
    "outlet_origin",
    "signature",
    "signature_from_text",
    "signature_to_text",
    "speaker_origin",
]

Signature = npt.NDArray[np.uint32]

NUM_PERM = 128  # 128 permutations: standard error of the Jaccard estimate ~ 0.04
SHINGLE_WORDS = 5  # 5-word runs are rare across independently written text
MINHASH_SEED = 20250101  # fixed, so signatures stored by one worker compare with another's
MINHASH_SCHEME = "affine32"
SPEAKER_MATCH_RATIO = 0.88

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu"})


def signature(text: str) -> Signature:
    """MinHash signature of ``text`` over lower-cased word shingles."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE_WORDS:
        shingles = [" ".join(words)]
    else:
        shingles = [
            " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
        ]
    minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    minhash.update_batch([s.encode() for s in shingles])
    return np.asarray(minhash.digest(), dtype=np.uint32)


def signature_to_text(sig: Signature) -> str:
    """Base64 of the little-endian slots: text, so clients with decoded responses can read it."""
    return base64.b64encode(np.asarray(sig, dtype="<u4").tobytes()).decode("ascii")


def signature_from_text(text: str | bytes) -> Signature | None:
    """The signature stored by ``signature_to_text``, or None if it is not one."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 4 * NUM_PERM:
        return None
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)


def estimated_jaccard(a: Signature, b: Signature) -> float:
    """Share of equal MinHash slots: an unbiased estimate of the Jaccard similarity."""
    if a.shape != b.shape or a.size == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / float(a.size)


def normalise_outlet(source: str) -> str:
    """``"The Guardian"``, ``"www.guardian.com"``, ``"news.bbc.co.uk"`` -> comparable names."""
    name = source.strip().lower()
    if "." in name and not any(ch.isspace() for ch in name):
        # A domain: keep the registrable label ("news.bbc.co.uk" -> "bbc").
        labels = [part for part in name.split("/")[0].split(".") if part]
        labels = labels[:-1] if len(labels) > 1 else labels
        while len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
            labels = labels[:-1]
        name = labels[-1] if labels else name
    name = name.removeprefix("the ")
    return " ".join(_WORD.findall(name)) or source.strip().lower()


def outlet_origin(source: str) -> str:
    return f"outlet:{normalise_outlet(source)}"


def speaker_origin(speaker_key: str) -> str:
    return f"speaker:{speaker_key}"


def _speaker_norm(key: str) -> str:
    return " ".join(_WORD.findall(key.lower().replace("_", " ")))


def merge_speakers(keys: Iterable[str]) -> dict[str, str]:
    """Map each speaker key to one representative of its spelling-variant group."""
    unique = sorted(set(keys))
    parent = {k: k for k in unique}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, a in enumerate(unique):
        for b in unique[i + 1 :]:
            if SequenceMatcher(None, _speaker_norm(a), _speaker_norm(b)).ratio() >= (
                SPEAKER_MATCH_RATIO
            ):
                ra, rb = find(a), find(b)
                # The smaller key wins, so the representative is independent of input order.
                parent[max(ra, rb)] = min(ra, rb)
    return {k: find(k) for k in unique}


@dataclass(frozen=True)
class CopyProbe:
    """What near-copy detection compares: the whole article when known, else a window."""

    window: Signature  # MinHash of the sentence window around the claim
    article: Signature | None = None  # MinHash of the whole article text, if stored


def _similar(a: CopyProbe, b: CopyProbe, threshold: float) -> bool:
    # Like with like: an article signature never meets a window signature, since a window
    # covers only part of the shingles of the article it was cut from.
    if a.article is not None and b.article is not None:
        return estimated_jaccard(a.article, b.article) >= threshold
    return estimated_jaccard(a.window, b.window) >= threshold


def group_near_copies(
    probes: Mapping[str, CopyProbe], *, order: Sequence[str], threshold: float
) -> dict[str, str]:
    """Map each id to the first id (in ``order``) of its near-copy component.

    ``order`` ranks the ids from earliest to latest (publication time, then id); it decides
    only which member names a component, never which ids are linked.
    """
    rank = {item: i for i, item in enumerate(order)}

    def position(i: str) -> tuple[int, str]:
        return (rank.get(i, len(rank)), i)

    ids = sorted(probes, key=position)
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row, a in enumerate(ids):
        for b in ids[row + 1 :]:
            if _similar(probes[a], probes[b], threshold):
                ra, rb = find(a), find(b)
                if ra != rb:
                    first, second = sorted((ra, rb), key=position)
                    parent[second] = first
    return {i: find(i) for i in ids}
