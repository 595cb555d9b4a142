"""Claim extraction entry points: ``extract_claims`` for one article, ``extract_many`` to batch.

Steps: detect the language; cut the body into blocks and drop furniture; add the title
as a block of its own unless the body repeats it; lower-case the common words of Title
Case lines; parse the blocks with ``nlp.pipe``; read each sentence into plain facts; link
entities across the article; resolve speakers with carry-over; score the sentences and
keep the check-worthy ones within the article's claim budget (``selection``). Reported claims come out twice: the assertion "X" and the attribution
"S said X".

Headlines (a line with a verb but no final stop, the title, or the body's first sentence
that restates the title) and debunks ("the story is a hoax") are kept whatever their
check-worthiness score and outside the budget, unless they are questions, imperatives, opinion or first-person:
the score is fitted to debate lines, and a headline is the outlet's own choice of its
central claim.

Title claims index the title (``Claim.section == "title"``). While an article is read,
the title sits after the body in one text (``_TITLE_GAP`` apart), so the linker and the
speaker carry-over see one offset space; offsets are moved back when claims are built.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from spacy.language import Language

from services.extract.attribution import REFERRING_SPEAKERS, is_media, is_pronoun_speaker
from services.extract.boilerplate import is_boilerplate_block, is_heading
from services.extract.canonical import content_words, normalize_words, skeleton
from services.extract.checkworthy import CheckworthyModel, load_checkworthy_model
from services.extract.checkworthy.gates import Shape, is_statement
from services.extract.headline import Lexicon, is_title_case, lexicon, recase
from services.extract.language import UNKNOWN, detect_language
from services.extract.linking import ArticleLinker, Mention
from services.extract.modality import DENIAL_CUES, find_hedges
from services.extract.segment import (
    Block,
    drop_dateline,
    mask_markup,
    plain_apostrophes,
    split_blocks,
)
from services.extract.selection import Candidate, select_sentences
from services.extract.sentences import CueFacts, SentenceFacts, read_block
from shared.ids import claim_id
from shared.schemas import (
    UNNAMED_REPORT,
    Attribution,
    AttributionRole,
    Claim,
    ClaimKind,
    Entity,
    Modality,
    StoredArticle,
)
from shared.settings import get_settings

__all__ = ["Extraction", "extract_claims", "extract_many"]

_BATCH_SIZE = 64
# A sentence that passes on reports without naming them: "X reportedly ...", "...: report".
_RELAYED = re.compile(
    r"\breportedly\b|\breports\s+(?:say|said|claim|suggest)|[:\-\u2013\u2014]\s*reports?\W*$",
    re.IGNORECASE,
)
_UNNAMED_TEXT = "unnamed reports"
_TITLE_GAP = "\n\n"
# Below this many words langdetect is unreliable: a headline reads as Danish or Afrikaans.
_SHORT_TEXT_WORDS = 20
_ENGLISH_WORD_SHARE = 0.6
_TITLE_COVERED = 0.5
_MIN_RULE_WORDS = 4  # "Macaulay Culkin is dead" has four
_PERSON = frozenset({"PERSON"})
_GROUPS = frozenset({"ORG", "GPE", "NORP"})
# Cues that are themselves the reporter's doubt; they hedge the assertion, not the report.
_CUE_HEDGES = frozenset(
    {"claims", "claimed", "claim", "according to claims", "alleged", "allegedly"}
)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction found in one article; ``reason`` says why it found no claim."""

    article_id: str
    language: str
    claims: list[Claim] = field(default_factory=list)
    reason: str | None = None


@dataclass(slots=True)
class _Speaker:
    text: str
    key: str
    cue: str
    role: AttributionRole = AttributionRole.asserts


@dataclass(slots=True)
class _Prepared:
    article: StoredArticle
    language: str
    published: date
    blocks: list[Block]
    text: str = ""  # the body, then the title when it is read (at ``title_at``)
    title_at: int | None = None
    facts: list[SentenceFacts] = field(default_factory=list)
    linker: ArticleLinker = field(default_factory=ArticleLinker)


def extract_claims(
    *,
    nlp: Language,
    article: StoredArticle,
    threshold: float | None = None,
    model: CheckworthyModel | None = None,
) -> Extraction:
    """Check-worthy claims of one article; never raises on odd text."""
    return extract_many(nlp=nlp, articles=[article], threshold=threshold, model=model)[0]


def extract_many(
    *,
    nlp: Language,
    articles: Sequence[StoredArticle],
    threshold: float | None = None,
    model: CheckworthyModel | None = None,
) -> list[Extraction]:
    """``extract_claims`` for many articles, parsing all their blocks in one ``nlp.pipe``.

    ``model`` scores check-worthiness; by default the configured one, loaded once per process.
    """
    settings = get_settings()
    cut = settings.checkworthy_threshold if threshold is None else threshold
    lex = lexicon(nlp)
    if model is None:
        model = load_checkworthy_model(settings.checkworthy_model_path or None)
    prepared = [_prepare(a, max_chars=settings.max_article_chars, lex=lex) for a in articles]
    texts = _block_texts(prepared)
    for doc, (index, block_no) in nlp.pipe(texts, as_tuples=True, batch_size=_BATCH_SIZE):
        item = prepared[index]
        block = item.blocks[block_no]
        facts, mentions = read_block(
            doc, block=block_no, shift=block.start, published=item.published, verbs=lex.verbs
        )
        item.facts.extend(facts)
        title_case = is_title_case(block.text)
        for mention in mentions:
            kept = _trimmed(mention, lex) if title_case else mention
            if kept is not None:
                item.linker.add(kept)
    return [
        _finish(
            item,
            threshold=cut,
            full_up_to=settings.claims_full_up_to,
            growth=settings.claims_budget_growth,
            model=model,
        )
        for item in prepared
    ]


def _block_texts(prepared: Sequence[_Prepared]) -> Iterator[tuple[str, tuple[int, int]]]:
    for index, item in enumerate(prepared):
        for block_no, block in enumerate(item.blocks):
            yield block.text, (index, block_no)


def _prepare(article: StoredArticle, *, max_chars: int, lex: Lexicon) -> _Prepared:
    body = (article.body or "")[:max_chars]
    published = (article.published_at or article.received_at).date()
    title = " ".join(article.title.split())
    read_title = bool(title) and not _restated(title, body)
    # Curly apostrophes confuse the parser ("it’s" is not read as "be"); same length.
    masked = plain_apostrophes(mask_markup(body))
    language = _language(
        f"{title}\n{masked}" if read_title else masked, declared=article.language, lex=lex
    )
    if language != "en":
        return _Prepared(article, language, published, [])
    blocks = [
        _recased(drop_dateline(b), lex)
        for b in split_blocks(masked)
        if not is_boilerplate_block(b.text)
    ]
    text, title_at = body, None
    if read_title:
        title_at = len(body) + len(_TITLE_GAP)
        text = body + _TITLE_GAP + title
        blocks.append(
            _recased(Block(title_at, title_at + len(title), plain_apostrophes(title)), lex)
        )
    return _Prepared(article, language, published, blocks, text=text, title_at=title_at)


def _trimmed(mention: Mention, lex: Lexicon) -> Mention | None:
    """``mention`` without the headline words the tagger ran into it, or None."""
    keep = lex.name_length(mention.text)
    if keep == len(mention.text):
        return mention
    if keep == 0:
        return None
    return Mention(mention.text[:keep], mention.label, mention.start, mention.start + keep)


def _restated(title: str, body: str) -> bool:
    """The body already says what the title says: it repeats the title, or uses most of
    its content words (a lede states the headline's fact with its context, which the
    headline's own parse lacks)."""
    if " ".join(title.split()).casefold() in " ".join(body.split()).casefold():
        return True
    words = set(content_words(title))
    if not words:
        return True
    covered = len(words & set(content_words(body))) / len(words)
    return covered >= _TITLE_COVERED


def _language(text: str, *, declared: str | None, lex: Lexicon) -> str:
    detected = detect_language(text)
    short = len(text.split()) < _SHORT_TEXT_WORDS
    if detected != "en" and short and lex.english_share(text) >= _ENGLISH_WORD_SHARE:
        return "en"
    return detected if detected != UNKNOWN else (declared or UNKNOWN)


def _recased(block: Block, lex: Lexicon) -> Block:
    """A Title Case line with its common words lower-cased (the parser reads it better)."""
    if not is_heading(block.text) or not is_title_case(block.text):
        return block
    return Block(block.start, block.end, recase(block.text, lex))


def _finish(
    item: _Prepared,
    *,
    threshold: float,
    full_up_to: int,
    growth: float,
    model: CheckworthyModel,
) -> Extraction:
    article = item.article
    if item.language != "en":
        reason = (
            "too little text to tell its language"
            if item.language == UNKNOWN
            else f"language {item.language!r} is not supported"
        )
        return Extraction(article_id=article.article_id, language=item.language, reason=reason)
    item.linker.link()
    # The article's sentences in order are one document: neighbours are context.
    scores = model.score([f.text for f in item.facts])
    lede = _lede(item)
    read: list[tuple[SentenceFacts, _Speaker | None, bool, float]] = []
    candidates: list[Candidate] = []
    headline_seen = False
    for (facts, speaker, direct), probability in zip(
        _with_speakers(item.facts, item.linker), scores.tolist(), strict=True
    ):
        statement = is_statement(_shape(facts, speaker))
        worth = round(probability, 3) if statement else 0.0
        read.append((facts, speaker, direct, worth))
        # The body's first headline-style line is its headline; later ones are captions
        # and crossheads, which compete for the budget.
        first_line = facts.headline and not headline_seen
        headline_seen = headline_seen or facts.headline
        candidates.append(
            _candidate(
                facts,
                item=item,
                statement=statement,
                worth=worth,
                lede=facts is lede,
                first_line=first_line,
            )
        )
    keep = select_sentences(candidates, threshold=threshold, full_up_to=full_up_to, growth=growth)
    claims: list[Claim] = []
    for (facts, speaker, direct, worth), kept in zip(read, keep, strict=True):
        if kept:
            claims.extend(
                _claims_of(
                    facts, speaker=speaker, direct=direct, item=item, body=item.text, worth=worth
                )
            )
    if item.title_at is not None:
        claims = [_in_title(c, item.title_at) for c in claims]
    return Extraction(
        article_id=article.article_id,
        language="en",
        claims=claims,
        reason=None if claims else _why_none(item.facts),
    )


def _lede(item: _Prepared) -> SentenceFacts | None:
    """The body's first sentence that restates an unread title: the headline's claim."""
    title = item.article.title
    if item.title_at is not None or not title.strip():
        return None
    return next((f for f in item.facts if _restated(title, f.text)), None)


def _why_none(all_facts: Sequence[SentenceFacts]) -> str:
    """Why no sentence of an article became a claim, counted by the first reason that applies."""
    if not all_facts:
        return "no text to read: the body is empty or only page furniture"
    counts = Counter(_refusal(f) for f in all_facts)
    parts = ", ".join(f"{n} {label}" for label, n in counts.most_common())
    noun = "sentence" if len(all_facts) == 1 else "sentences"
    return f"no check-worthy statement in {len(all_facts)} {noun} ({parts})"


def _refusal(facts: SentenceFacts) -> str:
    if facts.question:
        return "question"
    if facts.imperative:
        return "imperative"
    if facts.opinion:
        return "opinion"
    if facts.first_person and facts.cue is None:
        return "first-person"
    if facts.heading:
        return "heading"
    if not facts.has_finite_verb:
        return "without a verb"
    return "below the check-worthiness threshold"


def _shape(facts: SentenceFacts, speaker: _Speaker | None) -> Shape:
    return Shape(
        n_tokens=facts.n_tokens,
        has_finite_verb=facts.has_finite_verb,
        question=facts.question,
        imperative=facts.imperative,
        heading=facts.heading,
        opinion_cues=facts.opinion,
        writer_first_person=facts.first_person and speaker is None,
    )


def _in_title(claim: Claim, at: int) -> Claim:
    """``claim`` with offsets into the title, if it was read from the title."""
    if claim.start < at:
        return claim
    entities = [
        e.model_copy(update={"start": e.start - at, "end": e.end - at})
        for e in claim.entities
        if e.start >= at
    ]
    return claim.model_copy(
        update={
            "start": claim.start - at,
            "end": claim.end - at,
            "section": "title",
            "entities": entities,
        }
    )


def _fallback_key(words: list[str]) -> str:
    """A key for an unlinked speaker from its ``content_words``."""
    body = " ".join(s for s in (skeleton(w) for w in words[-3:]) if s)
    return f"src:{body}" if body else "src:unknown"


def _pronoun_speaker(
    pronoun: str, *, at: int, last: _Speaker | None, linker: ArticleLinker, cue: str
) -> _Speaker | None:
    """ "he"/"she" is the latest person named; "it"/"they" the last speaker or organisation."""
    if pronoun.lower() in {"he", "she"}:
        person = linker.last_before(at, labels=_PERSON)
        # The person spoken of last is still the speaker unless someone else was named since.
        if (
            last is not None
            and last.key.startswith("per:")
            and (person is None or person[1] == last.key)
        ):
            return _Speaker(last.text, last.key, cue)
        return _Speaker(person[0], person[1], cue) if person else None
    if last is not None and not last.key.startswith("per:"):
        return _Speaker(last.text, last.key, cue)
    group = linker.last_before(at, labels=_GROUPS)
    return _Speaker(group[0], group[1], cue) if group else None


def _named_speaker(
    text: str, *, start: int, end: int, linker: ArticleLinker, earlier: list[_Speaker], cue: str
) -> _Speaker:
    linked = linker.speaker_key(text, start=start, end=end)
    if linked is None or not linked[0].startswith("per:"):
        # "Oberholtzer said" after "Sheriff Mark Oberholtzer": a lone surname is that person.
        person = linker.person_by_surname(text) if text[:1].isupper() else None
        if person is not None:
            return _Speaker(text, person, cue)
    if linked:
        return _Speaker(text, linked[0], cue)
    # "The agency said" after "the regional emergency agency said": reuse that speaker.
    words = content_words(text)
    if words and len(words) <= 3:
        for prior in reversed(earlier):
            if words[-1] in normalize_words(prior.text):
                return _Speaker(text, prior.key, cue)
    return _Speaker(text, _fallback_key(words), cue)


def _with_speakers(
    all_facts: Iterable[SentenceFacts], linker: ArticleLinker
) -> Iterator[tuple[SentenceFacts, _Speaker | None, bool]]:
    """Each sentence with its resolved speaker, carrying the last one forward.

    A sentence without a cue inherits the last speaker only when it is a bare quote:
    news prose after "X said" is usually the reporter's again. A pronoun with no one to
    refer to leaves the sentence unattributed. A sentence that says it relays unnamed
    reports ("reportedly") is attributed to them.
    """
    last: _Speaker | None = None
    earlier: list[_Speaker] = []
    for facts in all_facts:
        cue = facts.cue
        speaker: _Speaker | None = None
        direct = False
        if cue is not None:
            speaker = _cue_speaker(cue, linker=linker, last=last, earlier=earlier)
            if speaker is not None:
                speaker.role = _role(cue, speaker)
                direct = cue.direct_quote
                last = speaker
                earlier.append(speaker)
        elif last is not None and facts.bare_quote:
            speaker = _Speaker(last.text, last.key, last.cue, last.role)
            direct = True
        elif _RELAYED.search(facts.text):
            speaker = _Speaker(_UNNAMED_TEXT, UNNAMED_REPORT, "reportedly", AttributionRole.relays)
        yield facts, speaker, direct


def _cue_speaker(
    cue: CueFacts, *, linker: ArticleLinker, last: _Speaker | None, earlier: list[_Speaker]
) -> _Speaker | None:
    words = normalize_words(cue.speaker)
    if is_pronoun_speaker(cue.speaker):
        return _pronoun_speaker(
            cue.speaker, at=cue.speaker_start, last=last, linker=linker, cue=cue.cue
        )
    if len(words) <= 3 and bool(words) and words[-1] in REFERRING_SPEAKERS and last:
        return _Speaker(last.text, last.key, cue.cue)
    speaker = _named_speaker(
        cue.speaker,
        start=cue.speaker_start,
        end=cue.speaker_end,
        linker=linker,
        earlier=earlier,
        cue=cue.cue,
    )
    kind = speaker.key.partition(":")[0]
    if cue.relay and (kind in {"loc", "norp"} or (kind == "src" and not is_media(cue.speaker))):
        # "Reports say", "according to U.S. media reports", "British media reported": a
        # report no outlet is named for (a place or a nationality names none).
        speaker.key = UNNAMED_REPORT
    return speaker


def _role(cue: CueFacts, speaker: _Speaker) -> AttributionRole:
    if cue.cue_lemma in DENIAL_CUES and not cue.cue_negated:
        return AttributionRole.denies
    if cue.relay or is_media(speaker.text):
        return AttributionRole.relays
    return AttributionRole.asserts


def _entities(item: _Prepared, start: int, end: int, body: str) -> list[Entity]:
    found: list[Entity] = []
    for mention, key, label in item.linker.entities_between(start, end):
        found.append(
            Entity(
                text=body[mention.start : mention.end],
                label=label,
                key=key,
                start=mention.start,
                end=mention.end,
            )
        )
    return found


def _places(entities: list[Entity]) -> list[str]:
    keys: list[str] = []
    for entity in entities:
        if ArticleLinker.is_place(entity.label) and entity.key not in keys:
            keys.append(entity.key)
    return keys


def _speaker_entity(facts: SentenceFacts, speaker: _Speaker, body: str) -> Entity | None:
    cue = facts.cue
    if cue is None or speaker.key.startswith("src:"):
        return None
    label = {"per": "PERSON", "loc": "GPE", "norp": "NORP"}.get(speaker.key.split(":")[0], "ORG")
    return Entity(
        text=body[cue.speaker_start : cue.speaker_end],
        label=label,
        key=speaker.key,
        start=cue.speaker_start,
        end=cue.speaker_end,
    )


def _kept_by_rule(facts: SentenceFacts, *, asserted: str, lede: bool) -> bool:
    """Headlines, the lede that restates the title, and debunks are claims unless they
    ask, order, opine or speak for "I", or what they assert is a fragment ("to have taken
    a cast"). A lede written as a headline may use a headline's verb forms ("Students not
    found in grave"), and a debunk there needs none ("Third breast likely a hoax")."""
    words = asserted.split()
    # "Batmobile wasn't stolen: Cops" is a whole statement; its speaker is one of its words.
    said = facts.text.split() if facts.cue is not None and facts.cue.cue_lemma == ":" else words
    if not (facts.headline or facts.debunk or lede) or len(said) < _MIN_RULE_WORDS:
        return False
    if words[0] == "to":
        return False
    headline_like = facts.headline or lede
    verb = (
        facts.has_finite_verb
        or (lede and facts.headline_verb)
        or (headline_like and (facts.debunk or facts.elided_denial))
    )
    return not (
        facts.question
        or facts.imperative
        or facts.opinion
        or (facts.first_person and facts.cue is None)
        or not verb
    )


def _asserted(facts: SentenceFacts) -> tuple[int, int]:
    """The span a sentence asserts: what its speaker says, or the whole sentence."""
    cue = facts.cue
    return (cue.content_start, cue.content_end) if cue is not None else (facts.start, facts.end)


def _candidate(
    facts: SentenceFacts,
    *,
    item: _Prepared,
    statement: bool,
    worth: float,
    lede: bool,
    first_line: bool,
) -> Candidate:
    """A sentence as the selection sees it; one with nothing asserted is no statement.

    The title, the body's first headline-style line, the lede and debunks are kept
    whatever; a later headline-style line only within the budget.
    """
    a_start, a_end = _asserted(facts)
    asserted = item.text[a_start:a_end]
    if a_end <= a_start or asserted.strip() == "":
        return Candidate(score=0.0, statement=False, always=False, checkable=False)
    checkable = (
        any(s >= a_start and e <= a_end for _, s, e in facts.quantities)
        or any(s >= a_start and e <= a_end for _, s, e in facts.times)
        or bool(item.linker.entities_between(a_start, a_end))
    )
    rule = _kept_by_rule(facts, asserted=asserted, lede=lede)
    in_title = item.title_at is not None and facts.start >= item.title_at
    always = rule and (lede or facts.debunk or in_title or first_line)
    return Candidate(
        score=worth,
        statement=statement,
        always=always,
        checkable=checkable,
        by_rule=rule and not always,
    )


def _claims_of(
    facts: SentenceFacts,
    *,
    speaker: _Speaker | None,
    direct: bool,
    item: _Prepared,
    body: str,
    worth: float,
) -> list[Claim]:
    cue = facts.cue
    a_start, a_end = _asserted(facts)
    if a_end <= a_start or body[a_start:a_end].strip() == "":
        return []
    sentence_entities = _entities(item, facts.start, facts.end, body)
    # The asserted span lies inside the sentence (without a cue it is the sentence).
    entities = [e for e in sentence_entities if e.start >= a_start and e.end <= a_end]
    quantities = [q for q, s, e in facts.quantities if s >= a_start and e <= a_end]
    times = [t for t, s, e in facts.times if s >= a_start and e <= a_end]
    hedges = find_hedges(facts.text)
    negated = facts.negated or (cue is not None and cue.cue_lemma in DENIAL_CUES)
    subject = facts.subject
    if (
        speaker is not None
        and subject is not None
        and is_pronoun_speaker(subject)
        and subject.lower() != "i"
    ):
        subject = speaker.text
    common = {
        "article_id": item.article.article_id,
        "source": item.article.source,
        "published_at": item.article.published_at,
        "language": "en",
        "checkworthiness": worth,
    }
    attribution = (
        Attribution(
            speaker=speaker.text,
            speaker_key=speaker.key,
            cue=speaker.cue,
            direct_quote=direct,
            role=speaker.role,
        )
        if speaker is not None
        else None
    )
    assertion_id = claim_id(
        article_id=item.article.article_id, kind=ClaimKind.assertion.value, start=a_start, end=a_end
    )
    assertion = Claim(
        claim_id=assertion_id,
        kind=ClaimKind.assertion,
        text=body[a_start:a_end],
        start=a_start,
        end=a_end,
        subject=subject,
        predicate=facts.predicate,
        object=facts.object,
        entities=entities,
        quantities=quantities,
        times=times,
        places=_places(entities),
        attribution=attribution,
        modality=Modality(hedges=hedges, negated=negated, debunk=facts.debunk),
        **common,  # type: ignore[arg-type]
    )
    if speaker is None or speaker.key == UNNAMED_REPORT:
        # "Reportedly X": nobody is named as saying it, so there is no report to check.
        return [assertion]
    outer = body[facts.start : a_start] + " " + body[a_end : facts.end]
    outer_hedges = [h for h in find_hedges(outer) if h not in _CUE_HEDGES]
    extra = _speaker_entity(facts, speaker, body)
    if extra is not None and not any(e.start <= extra.start < e.end for e in sentence_entities):
        sentence_entities = sorted([*sentence_entities, extra], key=lambda e: e.start)
    report = Claim(
        claim_id=claim_id(
            article_id=item.article.article_id,
            kind=ClaimKind.attribution.value,
            start=facts.start,
            end=facts.end,
        ),
        kind=ClaimKind.attribution,
        parent_claim_id=assertion_id,
        text=body[facts.start : facts.end],
        start=facts.start,
        end=facts.end,
        subject=speaker.text,
        predicate=(cue.cue_lemma if cue is not None else "say"),
        object=assertion.text if len(assertion.text) <= 200 else assertion.text[:199] + "\u2026",
        entities=sentence_entities,
        quantities=[q for q, _, _ in facts.quantities],
        times=[t for t, _, _ in facts.times],
        places=_places(sentence_entities),
        attribution=attribution,
        modality=Modality(
            hedges=outer_hedges, negated=cue.cue_negated if cue is not None else False
        ),
        **common,  # type: ignore[arg-type]
    )
    return [assertion, report]
