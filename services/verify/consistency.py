"""How two claims line up: relatedness and detail consistency (dates, places, numbers, names).

Every check is conservative: a conflict is reported only when both sides state the detail
and the statements cannot both be true. Missing details never conflict.

* **Quantities** are compared only when their counted nouns match, or when both count the
  dead ("dead", "killed", "deaths", "people", ...). Each quantity becomes an interval: exact
  values are points, approximate ones ("about 30") get +/- ``APPROX_TOLERANCE``, comparators
  are open-ended ("over 300" is [300, inf), so it is consistent with "300" but not with
  "200"). A quantity conflicts when no quantity of the same kind on the other side overlaps.
* **Dates** conflict when both sides give event dates and no pair of ranges comes within
  ``DATE_SLACK_DAYS``. Dates within a day of a claim's own publication date are treated as
  reporting dates ("said on Friday"), not event dates, and are ignored.
* **Places** conflict when both sides name places, the sets are disjoint, and neither side's
  places appear in the other's context text (so "Raqqa" vs "Syria" does not conflict when the
  other article mentions Raqqa; there is no gazetteer to know that Raqqa is in Syria).
* **Names** conflict when both claims have the same predicate and object but subjects that
  resolve to different entities of the same label ("A killed C" vs "B killed C").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, timedelta

from shared.schemas import Claim, Conflict, Entity, Quantity, TimeRef

__all__ = [
    "APPROX_TOLERANCE",
    "DEATH_NOUNS",
    "conflicts",
    "content_tokens",
    "death_count",
    "format_quantity",
    "overlap",
    "quantity_kind",
    "relatedness",
]

APPROX_TOLERANCE = 0.15  # "about 30" covers 25.5-34.5: rounding in news copy stays inside
DATE_SLACK_DAYS = 1  # time zones and "overnight" make adjacent days compatible
_DEATH_WORDS = """dead death deaths killed people person fatality fatalities victim victims
body bodies life lives toll"""
DEATH_NOUNS = frozenset(_DEATH_WORDS.split())

# Relatedness weights: shared named things carry most of the signal, shared words the rest,
# shared place/time only a little (that alone is the "same place, same day" trap).
ENTITY_WEIGHT = 0.55
TOKEN_WEIGHT = 0.35
CONTEXT_WEIGHT = 0.10

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP_WORDS = """
a an the of in on at to for from by with and or but not no is are was were be been being
it its this that these those he she they them his her their we our you your i as than
then there here has have had do does did will would could should may might can said says
say told according also after before over under about into out up down more most other
some such only just very which who whom whose what when where while if so all any each
both per via near
"""
_STOP = frozenset(_STOP_WORDS.split())


def content_tokens(text: str) -> set[str]:
    """Lower-cased words minus stop words, with a crude plural fold."""
    tokens = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) < 2:
            continue
        tokens.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return tokens


def overlap(a: set[str], b: set[str]) -> float:
    """Overlap coefficient |A & B| / min(|A|, |B|): a short claim inside a long one scores 1."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _entity_keys(claim: Claim) -> set[str]:
    places = set(claim.places)
    keys = {e.key for e in claim.entities if e.key not in places}
    if claim.attribution is not None:
        keys.add(claim.attribution.speaker_key)
    return keys


def relatedness(claim: Claim, other: Claim) -> float:
    """How much two claims are about the same thing, in [0, 1]."""
    entity = overlap(_entity_keys(claim), _entity_keys(other))
    tokens = overlap(content_tokens(claim.text), content_tokens(other.text))
    shared_place = bool(set(claim.places) & set(other.places))
    shared_time = any(_ranges_meet(a, b) for a in claim.times for b in other.times)
    context = 0.5 * shared_place + 0.5 * shared_time
    return min(1.0, ENTITY_WEIGHT * entity + TOKEN_WEIGHT * tokens + CONTEXT_WEIGHT * context)


# --- quantities -----------------------------------------------------------------------


def death_count(q: Quantity) -> bool:
    return q.noun is not None and q.noun.lower() in DEATH_NOUNS


def quantity_kind(q: Quantity) -> str | None:
    """What a quantity counts; death counts share one kind whatever noun they use."""
    if q.noun is None:
        return None
    noun = q.noun.lower()
    return "death" if noun in DEATH_NOUNS else noun


def _interval(q: Quantity) -> tuple[float, float]:
    value = q.value
    slack = abs(value) * APPROX_TOLERANCE if q.approximate else 0.0
    if q.comparator in ("gt", "ge"):
        return value - slack, math.inf
    if q.comparator in ("lt", "le"):
        return -math.inf, value + slack
    return value - slack, value + slack


def _compatible(a: Quantity, b: Quantity) -> bool:
    lo_a, hi_a = _interval(a)
    lo_b, hi_b = _interval(b)
    return lo_a <= hi_b and lo_b <= hi_a


def format_quantity(q: Quantity) -> str:
    number = f"{q.value:g}"
    prefix = {"gt": "over ", "ge": "at least ", "lt": "under ", "le": "at most "}.get(
        q.comparator, "about " if q.approximate else ""
    )
    return prefix + number


def _quantity_conflicts(claim: Claim, other: Claim) -> list[Conflict]:
    found = []
    for q in claim.quantities:
        kind = quantity_kind(q)
        if kind is None:
            continue
        same_kind = [o for o in other.quantities if quantity_kind(o) == kind]
        if same_kind and not any(_compatible(q, o) for o in same_kind):
            closest = min(same_kind, key=lambda o: abs(o.value - q.value))
            found.append(
                Conflict(
                    field="quantity",
                    claim_value=format_quantity(q),
                    evidence_value=format_quantity(closest),
                )
            )
    return found


# --- dates ----------------------------------------------------------------------------


def _ranges_meet(a: TimeRef, b: TimeRef) -> bool:
    slack = timedelta(days=DATE_SLACK_DAYS)
    return a.start - slack <= b.end and b.start - slack <= a.end


def _event_times(claim: Claim) -> list[TimeRef]:
    if claim.published_at is None:
        return list(claim.times)
    published = claim.published_at.date()
    return [t for t in claim.times if not _near(t, published)]


def _near(t: TimeRef, day: date) -> bool:
    slack = timedelta(days=DATE_SLACK_DAYS)
    return t.resolution == "day" and t.start - slack <= day <= t.end + slack


def _date_conflicts(claim: Claim, other: Claim) -> list[Conflict]:
    mine, theirs = _event_times(claim), _event_times(other)
    if not mine or not theirs or any(_ranges_meet(a, b) for a in mine for b in theirs):
        return []
    return [Conflict(field="date", claim_value=mine[0].text, evidence_value=theirs[0].text)]


# --- places and names -----------------------------------------------------------------


def _mentions(keys: Iterable[str], text: str) -> bool:
    words = {w.lower() for w in _WORD.findall(text)}
    return any(set(_WORD.findall(k.lower().replace("_", " "))) <= words for k in keys)


def _place_conflicts(claim: Claim, other: Claim, *, other_context: str) -> list[Conflict]:
    mine, theirs = set(claim.places), set(other.places)
    if not mine or not theirs or mine & theirs:
        return []
    if _mentions(mine, other_context or other.text) or _mentions(theirs, claim.text):
        return []
    return [
        Conflict(
            field="place",
            claim_value=", ".join(sorted(mine)),
            evidence_value=", ".join(sorted(theirs)),
        )
    ]


def _subject_entity(claim: Claim) -> Entity | None:
    if not claim.subject:
        return None
    subject = claim.subject.lower()
    matches = [e for e in claim.entities if e.text.lower() in subject]
    return max(matches, key=lambda e: len(e.text)) if matches else None


def _object_keys(claim: Claim) -> set[str]:
    if not claim.object:
        return set()
    obj = claim.object.lower()
    return {e.key for e in claim.entities if e.text.lower() in obj}


def _name_conflicts(claim: Claim, other: Claim) -> list[Conflict]:
    if not claim.predicate or (claim.predicate or "").lower() != (other.predicate or "").lower():
        return []
    if not _object_keys(claim) & _object_keys(other):
        return []
    mine, theirs = _subject_entity(claim), _subject_entity(other)
    if mine is None or theirs is None or mine.label != theirs.label or mine.key == theirs.key:
        return []
    return [Conflict(field="name", claim_value=mine.text, evidence_value=theirs.text)]


def conflicts(claim: Claim, other: Claim, *, other_context: str = "") -> list[Conflict]:
    """Details of ``claim`` that ``other`` contradicts, each naming both values."""
    return [
        *_date_conflicts(claim, other),
        *_place_conflicts(claim, other, other_context=other_context),
        *_quantity_conflicts(claim, other),
        *_name_conflicts(claim, other),
    ]
