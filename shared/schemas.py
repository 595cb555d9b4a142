"""Messages and documents shared by every service.

Families follow one pattern: ``*In`` is what a caller sends, ``Stored*`` is what Redis
holds, ``*Public`` is what the API and the stream return.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, model_validator

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ArticleStatus(StrEnum):
    queued = "queued"
    fetching = "fetching"
    extracting = "extracting"
    verifying = "verifying"
    done = "done"
    failed = "failed"

    @property
    def finished(self) -> bool:
        """Nothing more will happen to the article."""
        return self in (ArticleStatus.done, ArticleStatus.failed)


class Verdict(StrEnum):
    supported = "supported"
    disputed = "disputed"
    refuted = "refuted"
    unverified = "unverified"


class Stance(StrEnum):
    agree = "agree"
    disagree = "disagree"
    discuss = "discuss"
    unrelated = "unrelated"


# --- articles -------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """What a client posts. Either ``body`` or ``url`` must be given."""

    model_config = ConfigDict(extra="forbid", str_max_length=2_000_000)

    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    body: str | None = Field(default=None, description="Article text; omit to fetch `url`.")
    url: AnyHttpUrl | None = None
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    published_at: datetime | None = None
    author: Annotated[str, StringConstraints(max_length=300)] | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")] | None = (
        None
    )

    @model_validator(mode="after")
    def _body_or_url(self) -> ArticleIn:
        if self.body is not None and not self.body.strip():
            raise ValueError("body is empty; send text or omit it and give a url")
        if self.body is None and self.url is None:
            raise ValueError("either body or url is required")
        return self


class StoredArticle(BaseModel):
    """The article as Redis holds it."""

    article_id: str
    title: str = ""
    body: str = ""
    url: str | None = None
    source: str
    published_at: datetime | None = None
    author: str | None = None
    language: str | None = None
    detected_language: str | None = None
    status: ArticleStatus = ArticleStatus.queued
    reason: str | None = None
    received_at: datetime


class ArticleAccepted(BaseModel):
    id: str
    status_url: str
    duplicate: bool = False


class ArticlePublic(BaseModel):
    id: str
    status: ArticleStatus
    reason: str | None = None
    source: str
    title: str
    url: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    claim_ids: list[str]
    received_at: datetime


# --- claims ---------------------------------------------------------------------------


class Entity(BaseModel):
    text: str
    label: str = Field(description="spaCy entity label: PERSON, ORG, GPE, NORP, ...")
    key: str = Field(description="Canonical key, equal across spelling variants.")
    start: int = Field(ge=0, description="Character offset in the claim's section.")
    end: int = Field(ge=0)


class Quantity(BaseModel):
    text: str
    value: float
    approximate: bool = False
    comparator: Literal["eq", "gt", "ge", "lt", "le"] = "eq"
    noun: str | None = Field(default=None, description="Lemma of the counted noun.")


class TimeRef(BaseModel):
    text: str
    start: date
    end: date
    resolution: Literal["day", "range", "month", "year"] = "day"


class AttributionRole(StrEnum):
    """How the speaker stands to the assertion it is cited for.

    ``asserts``: the speaker states it ("the ministry said X"). ``denies``: the speaker
    states its opposite ("X denied Y": the assertion is Y, negated, and the speaker is a
    witness *against* Y, never for it). ``relays``: the article only passes on a report
    ("reportedly", "reports say", "according to the Daily Mail", "the Sun reported"); the
    speaker is that report's source, a named outlet or, when unnamed, ``UNNAMED_REPORT``.
    A relay is not an origin of its own: it counts as the origin of the report it relays.
    """

    asserts = "asserts"
    denies = "denies"
    relays = "relays"


# ``Attribution.speaker_key`` of a relay whose source is not named ("reportedly").
UNNAMED_REPORT = "src:reports"


class Attribution(BaseModel):
    speaker: str = Field(description="The speaker as written.")
    speaker_key: str = Field(description="Canonical key of the speaker.")
    cue: str = Field(description="'said', 'claimed', 'according to', ...")
    direct_quote: bool = False
    role: AttributionRole = Field(
        default=AttributionRole.asserts,
        description="asserts, denies (the speaker states the opposite) or relays (a report "
        "passed on: the speaker is the report's source).",
    )


class Modality(BaseModel):
    hedges: list[str] = Field(default_factory=list, description="Hedging cues as found.")
    negated: bool = False
    debunk: bool = Field(
        default=False,
        description="The claim says a report or story is false ('the story is a hoax').",
    )

    @property
    def hedged(self) -> bool:
        return bool(self.hedges)


class ClaimKind(StrEnum):
    """A reported claim has two layers: the statement itself and 'X said it'."""

    assertion = "assertion"
    attribution = "attribution"


class Claim(BaseModel):
    """A check-worthy factual statement extracted from one article."""

    claim_id: str
    article_id: str
    source: str
    kind: ClaimKind = ClaimKind.assertion
    parent_claim_id: str | None = Field(
        default=None, description="For an attribution claim, the assertion it reports."
    )
    text: str
    start: int = Field(ge=0, description="Character offset in the article's `section`.")
    end: int = Field(ge=0)
    section: Literal["body", "title"] = Field(
        default="body", description="Whether start and end index the body or the title."
    )
    subject: str | None = None
    predicate: str | None = None
    object: str | None = None
    entities: list[Entity] = Field(default_factory=list)
    quantities: list[Quantity] = Field(default_factory=list)
    times: list[TimeRef] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list, description="Canonical keys of places.")
    attribution: Attribution | None = None
    modality: Modality = Field(default_factory=Modality)
    checkworthiness: float = Field(ge=0.0, le=1.0)
    published_at: datetime | None = None
    language: str = "en"


# --- verdicts -------------------------------------------------------------------------


class Conflict(BaseModel):
    field: Literal["date", "place", "quantity", "name"]
    claim_value: str
    evidence_value: str


class EvidenceItem(BaseModel):
    claim_id: str | None = None
    article_id: str | None = None
    source: str
    stance: Stance
    text: str
    origin: str = Field(description="Who the information comes from, canonical.")
    relatedness: float = Field(default=0.0, ge=0.0, le=1.0)
    stance_probabilities: dict[Stance, float] = Field(default_factory=dict)
    conflicts: list[Conflict] = Field(default_factory=list)
    near_copy_of: str | None = Field(
        default=None, description="Claim id of earlier evidence this text nearly copies."
    )
    url: str | None = None
    provider: str | None = Field(default=None, description="External provider, if any.")


class ProviderCoverage(BaseModel):
    provider: str
    status: Literal["ok", "disabled", "unavailable", "circuit_open"]
    detail: str | None = None


class VerdictDoc(BaseModel):
    """The API's `GET /claims/{id}` body and the stream's `claim` payload: one schema."""

    claim_id: str
    article_id: str
    source: str
    text: str
    kind: ClaimKind = ClaimKind.assertion
    parent_claim_id: str | None = None
    verdict: Verdict
    confidence: float = Field(ge=0.0, le=1.0)
    independent_origins: int = Field(ge=0)
    evidence: list[EvidenceItem] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    explanation: str
    coverage: list[ProviderCoverage] = Field(default_factory=list)
    claim: Claim
    version: int = Field(ge=1)
    verified_at: datetime


class ClaimList(BaseModel):
    items: list[VerdictDoc]
    next_cursor: str | None = None


class ErrorBody(BaseModel):
    error: str = Field(description="Machine-readable error code.")
    detail: str | list[dict[str, object]] = Field(description="What is wrong, for a human.")


class DeadLetter(BaseModel):
    task: str
    article_id: str | None = None
    claim_id: str | None = None
    claim_ids: list[str] = Field(default_factory=list)
    args: list[str] = Field(default_factory=list)
    error: str
    error_type: str
    retries: int
    failed_at: datetime


__all__ = sorted(
    [
        "ArticleAccepted",
        "ArticleIn",
        "ArticlePublic",
        "ArticleStatus",
        "Attribution",
        "AttributionRole",
        "Claim",
        "ClaimKind",
        "ClaimList",
        "Conflict",
        "DeadLetter",
        "Entity",
        "ErrorBody",
        "EvidenceItem",
        "Modality",
        "NonEmptyStr",
        "ProviderCoverage",
        "Quantity",
        "Stance",
        "StoredArticle",
        "TimeRef",
        "UNNAMED_REPORT",
        "Verdict",
        "VerdictDoc",
    ]
)
