"""Who the information comes from: origin keys, near-copy detection, origin grouping.

An *origin* is the party a report rests on. For the assertion layer it is the speaker of an
attributed claim (``speaker:<key>``) or, for first-hand reporting, the outlet itself
(``outlet:<normalised source>``). For the attribution layer ("X said Y") every outlet that
relays the statement is a witness of it, so the origin is always the outlet.

Three corrections collapse origins that only look different:

* **Near-copies.** A wire story republished with trivial edits is one origin. Texts are
  compared by MinHash over 5-word shingles (128 permutations, fixed seed), an estimate of
  their Jaccard similarity. Near-copy is a relation between *articles*: two articles are
  linked when a pair of their texts is at or above the near-copy threshold, the connected
  components (single linkage, so the result does not depend on input order) are one outlet,
  named by their earliest article. Texts of one article are never compared with each other:
  the sentence windows around two of its claims overlap by construction. An attributed claim
  keeps its speaker as origin whichever outlet carries it.
* **Spelling variants of one speaker.** Speaker keys are linked when their normalised
  forms are nearly equal (``SequenceMatcher`` ratio >= ``SPEAKER_MATCH_RATIO``), which absorbs
  "defense"/"defence"-style variants that survive canonicalisation.
* **One name, two types.** Speakers written the same way (case aside) are one speaker,
  whatever type the tagger gave each ("Nasa" a person in one headline, an organisation in
  another).
* **A part of a name.** A speaker written as one word that is the first or last word of
  exactly one other speaker's name ("Pope" and "Pope Francis", "Earnest" and "Josh
  Earnest") is that speaker; a surname two people share ("Culkin") merges with neither.
* **A shorter form.** A speaker of two words or more whose every name is made of words of
  exactly one longer speaker's name ("GOP Rep" and "GOP Rep. Duncan Hunter") is that
  speaker.
* **A state and its organs.** A country speaking about an event ("Russia claims") and its
  state bodies ("the Russian Defense Ministry", "the Russian military": a surface form with a
  word of ``STATE_WORDS`` and a national word) are one source: the ministry speaks for the
  state. The national word must name the country ("Russian" names "Russia": the country
  name, or its stem of at least ``MIN_COUNTRY_STEM`` letters plus a demonym ending), or two
  state bodies must share it. Callers pass only speakers of claims about one event, so
  "Russia" in an unrelated story never absorbs a ministry.

An unattributed sentence in an article that attributes the same event to a speaker
elsewhere ("In this strike there were over 300 fighters killed", after "the ministry said")
relays that speaker: ``article_speaker`` picks the speaker the article cites most for the
event, and the sentence takes it as origin instead of the outlet.

Whole articles are compared when both sides have a stored article signature
(``keys.ARTICLE_MINHASH``), otherwise the sentence windows around the claims: never one with the
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

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

from shared.unionfind import UnionFind

__all__ = [
    "MIN_COUNTRY_STEM",
    "NUM_PERM",
    "SHINGLE_WORDS",
    "STATE_WORDS",
    "CopyProbe",
    "Signature",
    "article_speaker",
    "estimated_jaccard",
    "group_near_copies",
    "merge_speakers",
    "names_country",
    "normalise_outlet",
    "outlet_origin",
    "signature",
    "speaker_origin",
]

Signature = npt.NDArray[np.uint32]

NUM_PERM = 128  # 128 permutations: standard error of the Jaccard estimate ~ 0.04
SHINGLE_WORDS = 5  # 5-word runs are rare across independently written text
MINHASH_SEED = 20250101  # fixed, so signatures stored by one worker compare with another's
MINHASH_SCHEME = "affine32"
SPEAKER_MATCH_RATIO = 0.88
MIN_COUNTRY_STEM = 4  # "russi", "syri", "chin": shorter stems would match unrelated words
# Words that make a speaker a body of a state; "Russian" alone (a person, a church) does not.
_STATE_WORDS = """ministry ministries military army navy forces government embassy defense
defence officials authorities troops command presidency cabinet"""
STATE_WORDS = frozenset(_STATE_WORDS.split())
_DEMONYM_ENDINGS = ("", "n", "an", "ian", "ese", "i", "ish")
_TRAILING_VOWELS = re.compile(r"[aeiouy]+$")
_NOT_NATIONAL = frozenset({"the", "a", "an", "of", "and", "for", "it", "its", "he", "she", "they"})

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Words that make no name of their own: "the ministry" is "ministry".
_NAME_FILLERS = frozenset({"the", "a", "an", "of", "s"})
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu"})


# Drawn from MINHASH_SEED once per process, not per signature: drawing them cost as much as
# hashing a sentence window. Shared read-only by every MinHash built here.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


@lru_cache(maxsize=2048)
def signature(text: str) -> Signature:
    """MinHash signature of ``text`` over lower-cased word shingles.

    Cached per process (read-only arrays): every claim of an article hashes the same article
    text, and the same candidate windows recur across claims.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE_WORDS:
        shingles = [" ".join(words)]
    else:
        shingles = [
            " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
        ]
    minhash = MinHash(
        num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME, permutations=_PERMUTATIONS
    )
    minhash.update_batch([s.encode() for s in shingles])
    sig = np.asarray(minhash.digest(), dtype=np.uint32)
    sig.flags.writeable = False
    return sig


# Slots are compared by their low 16 bits (b-bit minwise hashing): two unequal slots then
# agree by chance with odds of 2**-16, which moves an estimate by at most 1.5e-5, and a
# stored signature (``shared.storage.articles``) takes 256 bytes instead of 512.
_SLOT_MASK = 0xFFFF


def estimated_jaccard(a: Signature, b: Signature) -> float:
    """Share of slots equal in their low 16 bits: an estimate of the Jaccard similarity."""
    if a.shape != b.shape or a.size == 0:
        return 0.0
    return float(np.count_nonzero(((a ^ b) & _SLOT_MASK) == 0)) / float(a.size)


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


def _country_names(key: str, surfaces: Iterable[str]) -> set[str]:
    """Lower-cased words that name the country a ``loc:`` speaker is."""
    words = {w.lower() for text in surfaces for w in _WORD.findall(text)}
    words.update(_WORD.findall(key.partition(":")[2].lower()))
    return {w for w in words if w not in _NOT_NATIONAL}


def _national_words(surfaces: Iterable[str]) -> set[str] | None:
    """Capitalised words of a state body's names ("Russian"), or None if no name is one."""
    found: set[str] = set()
    state = False
    for text in surfaces:
        words = _WORD.findall(text)
        if not any(w.lower() in STATE_WORDS for w in words):
            continue
        state = True
        found.update(
            w.lower()
            for w in words
            if w[:1].isupper() and w.lower() not in STATE_WORDS | _NOT_NATIONAL
        )
    return found if state else None


def names_country(word: str, country: str) -> bool:
    """``word`` is ``country`` or a demonym of it ("russian" -> "russia")."""
    if word == country:
        return True
    # "syria" -> "syri" + "an", "russia" -> "russ" + "ian", "turkey" -> "turk" + "ish"
    stems = {_TRAILING_VOWELS.sub("", country)}
    if country[-1:] in "aeiouy":
        stems.add(country[:-1])
    return any(
        len(stem) >= MIN_COUNTRY_STEM and word == stem + ending
        for stem in stems
        for ending in _DEMONYM_ENDINGS
    )


def merge_speakers(
    keys: Iterable[str], *, surfaces: Mapping[str, Collection[str]] | None = None
) -> dict[str, str]:
    """Map each speaker key to one representative of its group (see the module docstring).

    ``surfaces`` maps keys to the speaker names as written; without them only spelling
    variants merge. Pass only speakers of claims about one event.
    """
    unique = sorted(set(keys))
    groups = UnionFind(unique)  # the smallest key names a group: input order never matters
    for i, a in enumerate(unique):
        for b in unique[i + 1 :]:
            if SequenceMatcher(None, _speaker_norm(a), _speaker_norm(b)).ratio() >= (
                SPEAKER_MATCH_RATIO
            ):
                groups.union(a, b)
    if surfaces:
        _merge_same_names(groups, surfaces)
        _merge_name_parts(groups, surfaces)
        _merge_shorter_forms(groups, surfaces)
        _merge_states(groups, surfaces)
    return {k: groups.find(k) for k in unique}


def _merge_same_names(groups: UnionFind, surfaces: Mapping[str, Collection[str]]) -> None:
    # The tagger may type one name two ways in two headlines ("Nasa" a person in one, an
    # organisation in the other): the keys differ, the name as written does not.
    first_key: dict[str, str] = {}
    for key in sorted(surfaces):
        for text in surfaces[key]:
            name = " ".join(text.lower().split())
            if name:
                groups.union(first_key.setdefault(name, key), key)


def _merge_shorter_forms(groups: UnionFind, surfaces: Mapping[str, Collection[str]]) -> None:
    # "GOP Rep" and "Rep. Duncan Hunter" inside "GOP Rep. Duncan Hunter": a speaker whose
    # every name is words of exactly one longer speaker's name is that speaker.
    words = {
        rep: [
            frozenset(w.lower() for w in _WORD.findall(text)) - _NAME_FILLERS
            for k in members
            for text in surfaces.get(k, ())
        ]
        for rep, members in groups.groups().items()
    }
    for rep, names in sorted(words.items()):
        if not names or any(len(name) < 2 for name in names):
            continue
        longer = sorted(
            other
            for other, theirs in words.items()
            if other != rep and all(any(name < their for their in theirs) for name in names)
        )
        if len(longer) == 1:
            groups.union(rep, longer[0])


def _merge_name_parts(groups: UnionFind, surfaces: Mapping[str, Collection[str]]) -> None:
    written = {
        rep: {tuple(text.lower().split()) for k in members for text in surfaces.get(k, ())}
        for rep, members in groups.groups().items()
    }
    for rep, names in sorted(written.items()):
        single = {name[0] for name in names if len(name) == 1 and len(name[0]) >= 3}
        if not single or any(len(name) > 1 for name in names):
            continue
        fuller = sorted(
            other
            for other, theirs in written.items()
            if other != rep
            and any(len(n) > 1 and (n[0] in single or n[-1] in single) for n in theirs)
        )
        if len(fuller) == 1:
            groups.union(rep, fuller[0])


def _merge_states(groups: UnionFind, surfaces: Mapping[str, Collection[str]]) -> None:
    countries: dict[str, set[str]] = {}
    bodies: dict[str, set[str]] = {}
    for rep, members in groups.groups().items():
        names = [text for k in members for text in surfaces.get(k, ())]
        if any(k.startswith("loc:") for k in members):
            loc = min(k for k in members if k.startswith("loc:"))
            countries[rep] = _country_names(loc, names)
        national = _national_words(names)
        if national:
            bodies[rep] = national
    body_reps = sorted(bodies)
    for i, a in enumerate(body_reps):
        for b in body_reps[i + 1 :]:
            if bodies[a] & bodies[b]:
                groups.union(a, b)
        for country_rep, country in sorted(countries.items()):
            if any(names_country(w, c) for w in bodies[a] for c in country):
                groups.union(a, country_rep)


def article_speaker(speakers: Iterable[str]) -> str | None:
    """The speaker an article cites most for an event (ties: the smaller key), if any."""
    counts = Counter(speakers)
    if not counts:
        return None
    return min(counts, key=lambda k: (-counts[k], k))


@dataclass(frozen=True)
class CopyProbe:
    """What near-copy detection compares: the whole article when known, else a window."""

    window: Signature  # MinHash of the sentence window around the claim
    article: Signature | None = None  # MinHash of the whole article text, if stored
    article_id: str | None = None  # None: the probe is an article of its own


def _similar(a: CopyProbe, b: CopyProbe, threshold: float) -> bool:
    # Like with like: an article signature never meets a window signature, since a window
    # covers only part of the shingles of the article it was cut from.
    if a.article is not None and b.article is not None:
        return estimated_jaccard(a.article, b.article) >= threshold
    return estimated_jaccard(a.window, b.window) >= threshold


def group_near_copies(
    probes: Mapping[str, CopyProbe], *, order: Sequence[str], threshold: float
) -> dict[str, str]:
    """Map each id to the id it nearly copies from the earliest article of its component.

    Ids in the earliest article of a component (and ids of articles that copy nothing) map
    to themselves; an id in a later copy maps to the most similar id of the earliest article.
    ``order`` ranks the ids from earliest to latest (publication time, then id); it decides
    only which article names a component, never which articles are linked.
    """
    rank = {item: i for i, item in enumerate(order)}

    def position(i: str) -> tuple[int, str]:
        return (rank.get(i, len(rank)), i)

    ids = sorted(probes, key=position)
    article_of = {i: probes[i].article_id or f"\0{i}" for i in ids}
    first_seen: dict[str, int] = {}
    for n, i in enumerate(ids):
        first_seen.setdefault(article_of[i], n)
    # The earliest article names a component.
    components = UnionFind(first_seen, rank=first_seen.__getitem__)
    for row, a in enumerate(ids):
        for b in ids[row + 1 :]:
            if article_of[a] == article_of[b]:
                continue
            if _similar(probes[a], probes[b], threshold):
                components.union(article_of[a], article_of[b])
    out: dict[str, str] = {}
    for i in ids:
        earliest = components.find(article_of[i])
        if earliest == article_of[i]:
            out[i] = i
            continue
        sources = [j for j in ids if article_of[j] == earliest]
        out[i] = max(
            sources,
            key=lambda j: (estimated_jaccard(probes[i].window, probes[j].window), -ids.index(j)),
        )
    return out
