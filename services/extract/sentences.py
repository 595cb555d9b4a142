"""Read one parsed block into per-sentence facts with article offsets.

Everything that needs the parse happens here, so a Doc can be dropped as soon as it
has been read; the article-level steps (linking, carry-over, scoring) work on these
plain records.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span, Token

from services.extract.attribution import find_cue
from services.extract.boilerplate import is_heading, opinion_cues
from services.extract.headline import elided_denial, headline_verb, is_debunk, misread_verb
from services.extract.linking import Mention
from services.extract.modality import is_negated
from services.extract.quantities import find_quantities
from services.extract.times import resolve_time
from shared.schemas import Quantity, TimeRef

__all__ = ["CueFacts", "SentenceFacts", "read_block"]

_MAX_FIELD = 200
_DATELINE = re.compile(
    r"^\(?[A-Z][A-Z .,'\-/]{2,40}\)?\s*(?:\([A-Za-z .]{2,20}\)\s*)?[\u2014\u2013\-]+\s*"
)
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_FIRST_PERSON = frozenset({"i", "we", "my", "our", "us", "me"})
_OPEN_QUOTES = '"\u201c\u201e\u00ab'
_FUTURE = frozenset({"will", "shall", "'ll", "wo"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})


@dataclass(frozen=True, slots=True)
class CueFacts:
    speaker: str
    speaker_start: int
    speaker_end: int
    cue: str
    cue_lemma: str
    content_start: int
    content_end: int
    direct_quote: bool
    cue_negated: bool
    relay: bool = False


@dataclass(slots=True)
class SentenceFacts:
    block: int
    start: int
    end: int
    text: str
    cue: CueFacts | None
    subject: str | None
    predicate: str | None
    object: str | None
    negated: bool
    n_tokens: int
    has_finite_verb: bool
    past: bool
    question: bool
    imperative: bool
    first_person: bool
    opinion: int
    bare_quote: bool
    heading: bool
    headline: bool = False
    headline_verb: bool = False  # a verb in the forms headlines use ("found", "to quit")
    debunk: bool = False
    elided_denial: bool = False  # "al-Baghdadi Not Dead": a headline's verbless denial
    quantities: list[tuple[Quantity, int, int]] = field(default_factory=list)
    times: list[tuple[TimeRef, int, int]] = field(default_factory=list)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_FIELD else text[: _MAX_FIELD - 1].rstrip() + "\u2026"


def _phrase(token: Token, doc_text: str) -> str:
    return _clip(doc_text[token.left_edge.idx : token.right_edge.idx + len(token.right_edge)])


def _spo(head: Token, doc_text: str) -> tuple[str | None, str | None, str | None]:
    """Subject, predicate lemma and object of the clause headed by ``head``."""
    subject = next((c for c in head.children if c.dep_ in _SUBJECT_DEPS), None)
    predicate = head.lemma_.lower() if head.pos_ in {"VERB", "AUX"} else None
    obj: Token | None = None
    if subject is not None and subject.dep_ == "expl":
        attr = next((c for c in head.children if c.dep_ in {"attr", "nsubj"}), None)
        subject = attr
        verbs = [c for c in attr.children if c.pos_ == "VERB"] if attr is not None else []
        if verbs:
            predicate = verbs[0].lemma_.lower()
    else:
        for dep in ("dobj", "attr", "acomp", "dative", "oprd"):
            obj = next((c for c in head.children if c.dep_ == dep), None)
            if obj is not None:
                break
    if obj is None:
        agent = next((c for c in head.children if c.dep_ == "agent"), None)
        prep = agent or next((c for c in head.children if c.dep_ == "prep"), None)
        if prep is not None and any(c.dep_ == "pobj" for c in prep.children):
            obj = prep
    if head.pos_ == "AUX" and predicate == "be" and obj is None:
        predicate = "be"
    return (
        _phrase(subject, doc_text) if subject is not None else None,
        predicate,
        _phrase(obj, doc_text) if obj is not None else None,
    )


def _inside_quotes(text: str, offset: int) -> bool:
    before = text[:offset]
    opens = sum(before.count(q) for q in "\u201c\u201e\u00ab")
    closes = sum(before.count(q) for q in "\u201d\u00bb")
    straight = before.count('"')
    return opens > closes or straight % 2 == 1


def _sentence_facts(
    sent: Span,
    *,
    doc_text: str,
    dates: list[Span],
    block: int,
    shift: int,
    published: date,
    verbs: frozenset[str],
) -> SentenceFacts | None:
    start, end = sent.start_char, sent.end_char
    raw = doc_text[start:end]
    stripped = raw.rstrip()
    end = start + len(stripped)
    dateline = _DATELINE.match(stripped)
    if dateline:
        start += dateline.end()
    lead = len(doc_text[start:end]) - len(doc_text[start:end].lstrip())
    start += lead
    text = doc_text[start:end]
    if not text.strip():
        return None
    tokens = [t for t in sent if not t.is_space]
    cue = find_cue(sent, doc_text)
    root = sent.root
    head = cue.content_head if cue is not None else None
    subject, predicate, obj = _spo(head if head is not None else root, doc_text)
    denial_without_verb = elided_denial(sent)
    negated = denial_without_verb or is_negated(head if head is not None else root)
    future = any(t.lower_ in _FUTURE and t.tag_ == "MD" for t in sent)
    quantities = [
        (q.quantity, q.start + shift, q.end + shift) for q in find_quantities(sent, doc_text)
    ]
    times: list[tuple[TimeRef, int, int]] = []
    # Span.ents rebuilds every entity of the doc; the caller passes the doc's dates once.
    first = bisect_left(dates, sent.start_char, key=lambda e: e.start_char)
    for ent in dates[first:]:
        if ent.start_char >= sent.end_char:
            break
        ref = resolve_time(ent.text, published=published, future=future)
        if ref is not None:
            times.append((ref, ent.start_char + shift, ent.end_char + shift))
    first_person = any(
        t.lower_ in _FIRST_PERSON
        and t.pos_ == "PRON"
        and not _inside_quotes(raw, t.idx - sent.start_char)
        for t in tokens
    )
    # A line without a final stop: a heading unless it has a verb, then a headline claim.
    headline = is_heading(text)
    verb_as_headline = headline_verb(sent)
    misread = misread_verb(sent, verbs)
    # A headline's verbless denial ("al-Baghdadi Not Dead") states as much as a verb would.
    has_verb = headline and (verb_as_headline or denial_without_verb or misread)
    outside = re.sub(r"[\u201c\"][^\u201d\"]*[\u201d\"]", " ", text)
    has_subject = any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in root.children)
    cue_facts = None
    if cue is not None:
        cue_facts = CueFacts(
            speaker=cue.speaker,
            speaker_start=cue.speaker_start + shift,
            speaker_end=cue.speaker_end + shift,
            cue=cue.cue,
            cue_lemma=cue.cue_lemma,
            content_start=cue.content_start + shift,
            content_end=cue.content_end + shift,
            direct_quote=cue.direct_quote,
            cue_negated=is_negated(cue.verb) if cue.verb is not None else False,
            relay=cue.relay,
        )
    return SentenceFacts(
        block=block,
        start=start + shift,
        end=end + shift,
        text=text,
        cue=cue_facts,
        subject=subject,
        predicate=predicate,
        object=obj,
        negated=negated,
        n_tokens=len(tokens),
        has_finite_verb=has_verb or misread or any(t.tag_ in _FINITE_TAGS for t in tokens),
        past=any(t.tag_ == "VBD" or (t.tag_ == "VBN" and t.dep_ != "amod") for t in tokens),
        question=stripped.rstrip("\"'\u201d\u2019)").endswith("?"),
        imperative=root.tag_ == "VB" and not has_subject and text[:1] not in _OPEN_QUOTES,
        first_person=first_person,
        opinion=len(opinion_cues(outside)),
        bare_quote=text[:1] in _OPEN_QUOTES,
        heading=headline
        and not has_verb
        and len(tokens) < 20
        and sum(t.is_title for t in tokens) * 2 > len(tokens),
        headline=has_verb,
        headline_verb=verb_as_headline,
        debunk=is_debunk(sent),
        elided_denial=denial_without_verb,
        quantities=quantities,
        times=times,
    )


def read_block(
    doc: Doc, *, block: int, shift: int, published: date, verbs: frozenset[str] = frozenset()
) -> tuple[list[SentenceFacts], list[Mention]]:
    """Facts of each sentence and the named mentions of one parsed block; ``verbs`` are the
    verbs the lemmatizer knows (``headline.misread_verb``)."""
    text = doc.text
    ents = list(doc.ents)
    dates = [e for e in ents if e.label_ == "DATE"]
    facts = [
        f
        for sent in doc.sents
        if (
            f := _sentence_facts(
                sent,
                doc_text=text,
                dates=dates,
                block=block,
                shift=shift,
                published=published,
                verbs=verbs,
            )
        )
        is not None
    ]
    mentions = [
        Mention(ent.text, ent.label_, ent.start_char + shift, ent.end_char + shift) for ent in ents
    ]
    return facts, mentions
