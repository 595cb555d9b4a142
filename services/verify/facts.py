"""Whether a candidate states the claim's own fact, or another fact of the same story.

Relatedness (``consistency.relatedness``) says two claims are about one story: they share
names, a speaker or a place. That is not enough to agree or disagree: "she communicated
with Kurdish fighters online" shares the person and the story with "she was not captured",
and states something else. Evidence takes a side only when it is about the same fact:

* the two claims share an **event word**: a content word that is not part of a name, not a
  word of reporting ("said", "reports", "confirmed", "rumour"), not a calendar word
  ("Tuesday", "morning") and not a number, in its dictionary form (``lemmas``: "died",
  "dies" and "dead" are one word) and folded by a crude suffix stem; and that shared
  part is at least ``EVENT_COVER_MIN`` of either side's event words ("shots have been
  fired at the National War Memorial" covers half of its own event words in "a soldier
  was shot at the National War Memorial by a gunman who ..."); one shared word must be
  more than half of one side, unless a place or a person is shared: "the Apple Watch will
  include an AMOLED panel" and "Apple Watch includes a battery mode" share a name and a verb
  only;
* or both give one amount (compatible values of ``AMOUNT_MIN`` or more, or of one counted
  noun) and share a place or a participant: "about 400 residents" and "around 400 people"
  in Dornholm are one evacuation told in other words;
* or one side negates or denies ("no layoffs have taken place at Port Elsin") and they share
  a participant and a place, or an event word and two participants or a person: a denial
  need not repeat the words it denies;
* or the candidate calls something a hoax, fake, false or untrue (a debunk rarely repeats
  the words of what it debunks) and names a participant of the claim (a shared name that is
  not a nationality or a place) with an event word or a second participant.

Anything else related is context of the story: not shown as evidence, and it moves neither
the confidence nor the verdict.
"""

from __future__ import annotations

import re
from functools import lru_cache

from services.verify.consistency import (
    DENIAL_LEMMAS,
    compatible_quantities,
    content_tokens,
    matched_names,
)
from services.verify.lemmas import lemma
from shared.schemas import AttributionRole, Claim

__all__ = [
    "AMOUNT_MIN",
    "DEBUNK",
    "CALENDAR_WORDS",
    "EVENT_COVER_MIN",
    "NEGATION_COVER_MIN",
    "REPORTING_WORDS",
    "debunks",
    "event_tokens",
    "opposite_polarity",
    "same_fact",
    "shared_participants",
    "stated_tokens",
    "stem",
]

EVENT_COVER_MIN = 0.3
# Small numbers ("two men", "3 days") are in every story; larger ones identify an event.
AMOUNT_MIN = 10.0
# Share of the shorter side's event words two claims of opposite polarity must share.
NEGATION_COVER_MIN = 0.5
_REPORTING_TEXT = """report reported reports reportedly reporting claim claims claimed rumor rumors rumour
    rumours say says said saying told tell according source sources news story stories
    article articles allegedly alleged apparently may might could would will should new
    latest update updated confirm confirmed confirms confirmation deny denies denied"""
REPORTING_WORDS = frozenset(_REPORTING_TEXT.split())
# When something happened is not what happened: "on Tuesday" is in half of a day's news.
_CALENDAR_TEXT = """monday tuesday wednesday thursday friday saturday sunday january february
    march april june july august september october november december today yesterday
    tomorrow tonight morning afternoon evening night day week month year weekend"""
CALENDAR_WORDS = frozenset(_CALENDAR_TEXT.split())
_SUFFIXES = ("ing", "ed", "es", "s")
_LOWER_WORD = re.compile(r"(?<![\w'])[a-z][a-z'-]*")
# Words and phrases that call a report false; the claim-vs-claim stance reads the same ones.
DEBUNK = re.compile(
    r"\b(hoax(es)?|fake|false|falsely|untrue|not true|debunk\w*|fabricat\w*|made up|"
    r"inaccurate|exaggerated|misleading|erroneous|myth|satir\w*|no evidence|never happened|"
    r"not real|isn'?t real|is not happening|rumou?rs? (are|is) (false|untrue))\b",
    re.IGNORECASE,
)
# Labels that name no participant: a shared nationality or place does not make one event.
_NOT_PARTICIPANTS = frozenset({"NORP", "GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL"})
_NOT_NAMES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})


def stem(word: str) -> str:
    """A crude suffix fold: "layoffs" and "layoff", "killing" and "kill"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65_536)
def _event_tokens(text: str, names: tuple[str, ...]) -> frozenset[str]:
    named: set[str] = set()
    for name in names:
        named |= content_tokens(name)
    return frozenset(
        stem(lemma(t))
        for t in content_tokens(text)
        if t not in named
        and t not in REPORTING_WORDS
        and t not in CALENDAR_WORDS
        and not t.isdigit()
    )


def _written_events(claim: Claim, other: Claim) -> frozenset[str]:
    """The claim's event words that ``other`` writes anywhere, inside a name or not: in a
    Title Case denial the tagger may swallow the denied word into a name ("Hugh Hefner Dead
    Rumors Not True"). A word counts only where one side writes it in lower case: a word
    capitalised on both sides is a name the tagger missed on one ("Dornholm")."""
    lower = _lower_case_words(claim.text) | _lower_case_words(other.text)
    return event_tokens(claim) & _event_tokens(other.text, ()) & lower


def _lower_case_words(text: str) -> frozenset[str]:
    return _event_tokens(" ".join(_LOWER_WORD.findall(text)), ())


def event_tokens(claim: Claim) -> frozenset[str]:
    """The claim's words about what happened: content words outside names and reporting."""
    return _event_tokens(claim.text, tuple(sorted({e.text for e in claim.entities})))


def stated_tokens(claim: Claim) -> frozenset[str]:
    """The claim's event words plus one word per named thing, its last: a name of two words
    ("Apple Watch") should not weigh twice what a verb does."""
    heads = {
        stem(last)
        for e in claim.entities
        if e.label not in _NOT_NAMES and (last := _last_word(e.text)) is not None
    }
    return event_tokens(claim) | heads


def shared_participants(claim: Claim, other: Claim) -> set[str]:
    """Keys of named things both claims name that can take part in an event; a speaker
    takes part in what it says ("Valtrane denied layoffs" is about Valtrane)."""

    def names(c: Claim) -> dict[str, str]:
        named = {e.key: e.text for e in c.entities if e.label not in _NOT_PARTICIPANTS}
        if c.attribution is not None:
            named[c.attribution.speaker_key] = c.attribution.speaker
        return named

    def surnames_in(c: Claim, seen: Claim) -> set[str]:
        # A surname written out names the person where the tagger found no person of that
        # surname ("Artist Banksy" in a Title Case "Cartoon Is Not By Banksy"); where it
        # found one ("Kieran Culkin"), the keys decide.
        words = content_tokens(seen.text)
        tagged = {_last_word(e.text) for e in seen.entities if e.label == "PERSON"}
        return {
            e.key
            for e in c.entities
            if e.label == "PERSON"
            and (last := _last_word(e.text)) is not None
            and last in words
            and last not in tagged
        }

    mine, theirs = names(claim), names(other)
    return (
        matched_names(mine, theirs, their_text=other.text)
        | matched_names(theirs, mine, their_text=claim.text)
        | surnames_in(claim, other)
        | surnames_in(other, claim)
    )


def _last_word(name: str) -> str | None:
    words = sorted(content_tokens(name), key=name.lower().find)
    return words[-1] if words and len(words[-1]) >= 3 else None


def debunks(claim: Claim) -> bool:
    """Whether ``claim`` calls something a hoax, fake, false or untrue."""
    return claim.modality.debunk or DEBUNK.search(claim.text) is not None


def same_fact(claim: Claim, other: Claim) -> bool:
    """Whether ``other`` speaks to the fact ``claim`` states (see the module docstring)."""
    mine, theirs = event_tokens(claim), event_tokens(other)
    shared = mine & theirs
    participants = shared_participants(claim, other)
    anchored = bool(participants or set(claim.places) & set(other.places))
    # A named person anchors more than a product or a company that every story names.
    person = any(k.startswith("per:") for k in participants)
    if shared:
        # A short line covers itself with one common word ("arrest hoax"), and one common
        # verb says little about a much-reported thing ("the Apple Watch will include ...").
        # A participant or place lets the shorter side's share decide, unless the one common
        # word is less than half of what either side says.
        places = bool(set(claim.places) & set(other.places))
        broad = (
            len(shared) > 1 or places or person or len(shared) / min(len(mine), len(theirs)) > 0.5
        )
        lenient = anchored and broad
        cover = (max if lenient else min)(len(shared) / len(mine), len(shared) / len(theirs))
        if cover >= EVENT_COVER_MIN:
            return True
    if (participants or set(claim.places) & set(other.places)) and _shared_amount(claim, other):
        return True
    if not participants:
        return False
    # A denial need not repeat the words it denies, but one common word beside one common
    # name ("Apple Watch won't be the digital doctor") is another fact of a busy story.
    written = shared | _written_events(claim, other) | _written_events(other, claim)
    if (_negates(claim) or _negates(other)) and (
        set(claim.places) & set(other.places) or (written and (len(participants) >= 2 or person))
    ):
        return True
    # A debunk of one name alone ("Apple" is in every Apple story) is not about this fact.
    # A word written inside a name counts beside a named person ("Hugh Hefner Dead Rumors
    # Not True"), not beside a company, whose products' names are full of words ("Beats
    # Music" is no word about the on-hold music).
    return (debunks(other) or debunks(claim)) and bool(
        shared or len(participants) >= 2 or (written and person)
    )


def _negates(claim: Claim) -> bool:
    denied = claim.attribution is not None and claim.attribution.role is AttributionRole.denies
    return denied or claim.modality.negated or (claim.predicate or "").lower() in DENIAL_LEMMAS


def _shared_amount(claim: Claim, other: Claim) -> bool:
    return any(
        compatible_quantities(q, o)
        and (min(abs(q.value), abs(o.value)) >= AMOUNT_MIN or (q.noun and q.noun == o.noun))
        for q in claim.quantities
        for o in other.quantities
    )


def opposite_polarity(claim: Claim, other: Claim) -> bool:
    """Whether one of two same-fact claims says the other is false: one calls it a hoax or
    fake and the other does not, or one is negated where the other is not and they share
    ``NEGATION_COVER_MIN`` of the shorter side's words: the negated side's event words, the
    other side's ``stated_tokens`` ("ESPN is not having an all-male panel" against "ESPN
    planned a panel")."""
    if debunks(claim) != debunks(other):
        return True
    if _negates(claim) == _negates(other):
        return False
    # The negation must sit on what both state, not on a side clause of a longer sentence
    # ("no dangerous levels of pollutants after the fire at the depot"). The affirming
    # side's names count as stated: a Title Case denial ("Cartoon Is Not By Banksy"), where
    # the tagger finds no names, denies them in its event words.
    mine = event_tokens(claim) if _negates(claim) else stated_tokens(claim)
    theirs = event_tokens(other) if _negates(other) else stated_tokens(other)
    smaller = min(len(mine), len(theirs))
    return smaller > 0 and len(mine & theirs) / smaller >= NEGATION_COVER_MIN
