"""How two claims line up: relatedness and detail consistency (dates, places, numbers, names).

Every check is conservative: a conflict is reported only when both sides state the detail
and the statements cannot both be true. Missing details never conflict.

* **Quantities** are compared only when their counted nouns match, or when both count the
  dead ("dead", "killed", "deaths", "people", ...). Each quantity becomes an interval: exact
  values are points, approximate ones ("about 30") get +/- ``APPROX_TOLERANCE``, comparators
  are open-ended ("over 300" is [300, inf), so it is consistent with "300" but not with
  "200"). A round number of 100 or more ("a $2,000 tip", "5,000 dollars") is news copy's
  rounding of an exact one and gets +/- ``ROUND_TOLERANCE``: it stands for 2,084 or 4,999,
  not for 550 against 500. A quantity conflicts when no quantity of the same kind on the
  other side overlaps. An estimate ("analysts forecast 24 million sales") contradicts no
  other amount: two forecasts of different sizes are two estimates, and neither is a report
  of what happened.
* **Dates** conflict when both sides give event dates and no pair of ranges comes within
  ``DATE_SLACK_DAYS``. Dates within a day of a claim's own publication date are treated as
  reporting dates ("said on Friday"), not event dates, and are ignored.
* **Places** conflict only when both sides state where the event happened (a place after a
  locative preposition, see ``event_places``: "warned the U.S." names no event location),
  the sets are disjoint, and neither side's event places appear in the other's places or
  context text (so "Raqqa" vs "Syria" does not conflict when the other article mentions
  Raqqa; there is no gazetteer to know that Raqqa is in Syria). Values are the places as
  written, not their keys.
* **Names** conflict when both claims have the same predicate and object but subjects that
  resolve to different entities of the same label ("A killed C" vs "B killed C").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from functools import lru_cache

from shared.schemas import Claim, Conflict, Entity, Quantity, TimeRef

__all__ = [
    "APPROX_TOLERANCE",
    "ROUND_TOLERANCE",
    "SAME_ASSERTION_TOKENS",
    "DEATH_NOUNS",
    "compatible_quantities",
    "conflicts",
    "content_tokens",
    "death_count",
    "event_places",
    "format_quantity",
    "overlap",
    "quantity_kind",
    "relatedness",
    "same_assertion",
]

APPROX_TOLERANCE = 0.15  # "about 30" covers 25.5-34.5: rounding in news copy stays inside
ROUND_TOLERANCE = 0.05  # "2,000" covers 1,900-2,100
_ROUND_MIN = 100
_ESTIMATE = re.compile(
    r"\b(forecast\w*|predict\w*|estimat\w*|expect\w*|projected|projection\w*)\b", re.IGNORECASE
)
DATE_SLACK_DAYS = 1  # time zones and "overnight" make adjacent days compatible
_DEATH_WORDS = """dead death deaths killed people person fatality fatalities victim victims
body bodies life lives toll"""
DEATH_NOUNS = frozenset(_DEATH_WORDS.split())

# Relatedness weights: shared named things carry most of the signal, shared words the rest,
# shared place/time only a little (that alone is the "same place, same day" trap).
ENTITY_WEIGHT = 0.55
TOKEN_WEIGHT = 0.35
CONTEXT_WEIGHT = 0.10
# "the ministry said X" and "the ministry said, in a statement being verified, X": about the
# shorter claim's words in common; unrelated statements of one speaker share under 0.2.
SAME_ASSERTION_TOKENS = 0.4

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
# Words that put an event somewhere ("in", "near", "on the outskirts of") and words that may
# stand between such a word and the place ("in northern Syria", "near the city of Raqqa").
_LOCATIVE_WORDS = "in at near outside inside around off across outskirts within"
_FILLER_WORDS = """the a an of northern southern eastern western central north south east west
northeastern northwestern southeastern southwestern downtown city town village region province
district county state capital suburb suburbs area port island stronghold"""
_LOCATIVES = frozenset(_LOCATIVE_WORDS.split())
_PLACE_FILLERS = frozenset(_FILLER_WORDS.split())


@lru_cache(maxsize=65_536)
def content_tokens(text: str) -> frozenset[str]:
    """Lower-cased words minus stop words, with a crude plural fold.

    Cached: a verification compares the same claim and sibling texts many times over.
    """
    tokens = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) < 2:
            continue
        tokens.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return frozenset(tokens)


def overlap(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Overlap coefficient |A & B| / min(|A|, |B|): a short claim inside a long one scores 1."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _entity_names(claim: Claim, *, speakers: bool = True) -> dict[str, str]:
    """Key -> as written, of the named things the claim is about (and its speaker)."""
    places = set(claim.places)
    speaker = claim.attribution.speaker_key if claim.attribution is not None else None
    # A nationality or religion describes; it does not name what the claim is about.
    names = {
        e.key: e.text
        for e in claim.entities
        if e.key not in places and e.label != "NORP" and (speakers or e.key != speaker)
    }
    if speakers and claim.attribution is not None and speaker is not None:
        names[speaker] = claim.attribution.speaker
    return names


def _entity_keys(claim: Claim, *, speakers: bool = True) -> set[str]:
    return set(_entity_names(claim, speakers=speakers))


def named_in(name: str, text: str) -> bool:
    """Whether every content word of ``name`` is in ``text``, whatever NER made of it there:
    in a Title Case or capitalised headline the tagger misses names ("MACAULAY CULKIN") or
    swallows them into a longer one ("Michelle Obama Not Blurred Out")."""
    words = content_tokens(name)
    return bool(words) and words <= content_tokens(text)


def matched_names(mine: dict[str, str], theirs: dict[str, str], *, their_text: str) -> set[str]:
    """Keys of ``mine`` the other side names: by key, or written out in its text."""
    return {k for k, name in mine.items() if k in theirs or named_in(name, their_text)}


def relatedness(claim: Claim, other: Claim, *, speakers: bool = True) -> float:
    """How much two claims are about the same thing, in [0, 1].

    With ``speakers`` the speakers' keys count as named things: a relay of one statement is
    related to it. Without, only what the claims are about counts, so two statements by one
    speaker on different subjects stay apart. When either side names nothing, the shared
    words count in place of the shared names.
    """
    mine, theirs = _entity_names(claim, speakers=speakers), _entity_names(other, speakers=speakers)
    tokens = overlap(content_tokens(claim.text), content_tokens(other.text))
    # A claim that names nothing ("the fire at the depot") cannot share named things: its
    # words stand in for them rather than count as a mismatch.
    entity = tokens
    if mine and theirs:
        entity = max(
            len(matched_names(mine, theirs, their_text=other.text)) / len(mine),
            len(matched_names(theirs, mine, their_text=claim.text)) / len(theirs),
        )
    shared_place = bool(set(claim.places) & set(other.places))
    shared_time = any(_ranges_meet(a, b) for a in claim.times for b in other.times)
    context = 0.5 * shared_place + 0.5 * shared_time
    return min(1.0, ENTITY_WEIGHT * entity + TOKEN_WEIGHT * tokens + CONTEXT_WEIGHT * context)


def same_assertion(claim: Claim, other: Claim) -> bool:
    """Whether ``other`` states what ``claim`` states, give or take details and wording.

    They must share a person, or two other named things (a group like "ISIS" alone is in
    every story about it), not counting places, speakers and nationalities, and at least
    ``SAME_ASSERTION_TOKENS`` of the shorter claim's content words.
    """
    mine, theirs = _entity_keys(claim, speakers=False), _entity_keys(other, speakers=False)
    people = {e.key for e in claim.entities if e.label == "PERSON"}
    # Nationalities ("Russian") describe rather than name a participant.
    descriptors = {e.key for e in [*claim.entities, *other.entities] if e.label == "NORP"}
    shared = (mine & theirs) - descriptors
    if not (shared & people or len(shared) >= 2):
        return False
    return overlap(content_tokens(claim.text), content_tokens(other.text)) >= SAME_ASSERTION_TOKENS


# Verbs whose subject says a report is false: "X denied that ...", "X rejected reports ...".
DENIAL_LEMMAS = frozenset({"deny", "reject", "dismiss", "refute", "rebut", "dispute", "contradict"})
# The share of the shorter text's content words two opposite-polarity claims must share.
CONTRADICTION_TOKENS = 0.4


def _is_denial(claim: Claim) -> bool:
    cue = claim.attribution.cue.lower() if claim.attribution else ""
    return (claim.predicate or "").lower() in DENIAL_LEMMAS or cue.startswith("den")


def contradicts(claim: Claim, other: Claim) -> bool:
    """Same event, opposite polarity: "X laid off 600" against "X denied laying off 600".

    The stance model reads a denial of a report as *discussing* it about as often as
    disagreeing, so polarity is checked directly, and narrowly: a negation counts only on
    the same predicate ("did not lay off" against "laid off"), and a denial only when what
    is denied repeats the claim's words. "Found no pollutants after the fire" does not
    contradict "a fire broke out".
    """
    descriptors = {e.key for e in [*claim.entities, *other.entities] if e.label == "NORP"}
    shared = (
        _entity_keys(claim, speakers=False) & _entity_keys(other, speakers=False)
    ) - descriptors
    if not shared:
        return False
    for first, second in ((claim, other), (other, claim)):
        # "X denied it" and "it did not happen" say the same thing.
        if _is_denial(second) and not (_is_denial(first) or first.modality.negated):
            denied = content_tokens(second.object or second.text)
            if overlap(content_tokens(first.text), denied) >= CONTRADICTION_TOKENS:
                return True
    same_predicate = bool(claim.predicate) and claim.predicate == other.predicate
    return (
        same_predicate
        and claim.modality.negated != other.modality.negated
        and overlap(content_tokens(claim.text), content_tokens(other.text)) >= CONTRADICTION_TOKENS
    )


# --- quantities -----------------------------------------------------------------------


def death_count(q: Quantity) -> bool:
    return q.noun is not None and q.noun.lower() in DEATH_NOUNS


def quantity_kind(q: Quantity) -> str | None:
    """What a quantity counts; death counts share one kind whatever noun they use."""
    if q.noun is None:
        return None
    noun = q.noun.lower()
    return "death" if noun in DEATH_NOUNS else noun


def _round(value: float) -> bool:
    return abs(value) >= _ROUND_MIN and value.is_integer() and int(value) % _ROUND_MIN == 0


def _interval(q: Quantity) -> tuple[float, float]:
    value = q.value
    slack = 0.0
    if q.approximate:
        slack = abs(value) * APPROX_TOLERANCE
    elif _round(value):
        slack = abs(value) * ROUND_TOLERANCE
    if q.comparator in ("gt", "ge"):
        return value - slack, math.inf
    if q.comparator in ("lt", "le"):
        return -math.inf, value + slack
    return value - slack, value + slack


def compatible_quantities(a: Quantity, b: Quantity) -> bool:
    """Whether the two amounts can both be true of one thing (intervals overlap)."""
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
    if _ESTIMATE.search(claim.text) or _ESTIMATE.search(other.text):
        return []
    found = []
    for q in claim.quantities:
        kind = quantity_kind(q)
        if kind is None:
            continue
        same_kind = [o for o in other.quantities if quantity_kind(o) == kind]
        if same_kind and not any(compatible_quantities(q, o) for o in same_kind):
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


def _same_time(a: TimeRef, b: TimeRef) -> bool:
    # One phrase ("in December") is one time, whichever year each article's date made of it.
    return _ranges_meet(a, b) or " ".join(a.text.lower().split()) == " ".join(
        b.text.lower().split()
    )


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
    if not mine or not theirs or any(_same_time(a, b) for a in mine for b in theirs):
        return []
    return [Conflict(field="date", claim_value=mine[0].text, evidence_value=theirs[0].text)]


# --- places and names -----------------------------------------------------------------


def _place_mentions(claim: Claim) -> dict[str, list[tuple[int, int]]]:
    """Character spans, in the claim's text, of each place entity (by key)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    lowered = claim.text.lower()
    for key, name in _place_names(claim).items():
        whole = re.compile(rf"(?<!\w){re.escape(name.lower())}(?!\w)")
        spans[key] = [m.span() for m in whole.finditer(lowered)]
    return {key: found for key, found in spans.items() if found}


def _place_names(claim: Claim) -> dict[str, str]:
    """Each place key with the claim's way of writing it; a bare key is its own name."""
    names = {key: key.partition(":")[2].replace("_", " ") or key for key in claim.places}
    for e in claim.entities:
        if e.key in names and e.text.strip():
            names[e.key] = e.text
    return names


def event_places(claim: Claim) -> dict[str, str]:
    """Places the claim puts its event in ("in Raqqa", "near the town of Brask"), key -> text.

    A place counts only after a locative preposition, with nothing between them but
    articles, compass words, place nouns or other places ("in al-Raqqa, Syria"): "warned the
    U.S." or "the idea of Russia and the United States" mention places, but not where the
    event happened.
    """
    spans = _place_mentions(claim)
    covered = [span for found in spans.values() for span in found]
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(claim.text)]
    texts = _place_names(claim)
    found: dict[str, str] = {}
    for key, places in spans.items():
        for start, _ in places:
            before = [w for w in words if w[1] <= start]
            for w_start, w_end, word in reversed(before):
                if any(a <= w_start and w_end <= b for a, b in covered):
                    continue
                if word in _PLACE_FILLERS:
                    continue
                if word in _LOCATIVES:
                    found[key] = texts[key]
                break
    return found


def _mentioned(places: dict[str, str], text: str, keys: Iterable[str]) -> bool:
    words = {w.lower() for w in _WORD.findall(text)}
    for key, name in places.items():
        named = {w.lower() for w in _WORD.findall(name)}
        if key in keys or (named and named <= words):
            return True
    return False


def _place_conflicts(claim: Claim, other: Claim, *, other_context: str) -> list[Conflict]:
    mine, theirs = event_places(claim), event_places(other)
    if not mine or not theirs or mine.keys() & theirs.keys():
        return []
    if _mentioned(mine, other_context or other.text, other.places) or _mentioned(
        theirs, claim.text, claim.places
    ):
        return []
    return [
        Conflict(
            field="place",
            claim_value=", ".join(sorted(mine.values())),
            evidence_value=", ".join(sorted(theirs.values())),
        )
    ]


def _subject_entity(claim: Claim) -> Entity | None:
    if not claim.subject:
        return None
    subject = claim.subject.lower()
    matches = [e for e in claim.entities if e.text.lower() in subject]
    return max(matches, key=lambda e: len(e.text)) if matches else None


def _speaks(claim: Claim, entity: Entity) -> bool:
    return claim.attribution is not None and entity.key == claim.attribution.speaker_key


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
    # "A said X" and "B said X": two speakers of one statement, not two doers of one deed.
    if _speaks(claim, mine) or _speaks(other, theirs):
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
