"""Turn judged evidence into a confidence in [0, 1] and a verdict.

Method
------
Each piece of evidence arrives as a ``Signal``: its origin, stance probabilities
(agree / disagree / discuss), relatedness to the claim, number of detail conflicts, whether
it is hedged, and a credibility weight.

1. Per item, with ``c = 1 - (1 - CONFLICT_PENALTY) ** n_conflicts``:

   * support    ``s = rel * clip(P(agree) + k * P(discuss) - P(disagree)) * (1 - c) * h``
   * opposition ``o = rel * (1 - (1 - clip(P(disagree) - P(agree))) * (1 - c))``

   ``k`` (``DISCUSS_CREDIT``) is 0 for assertions: an article that reports a claim
   without endorsing it repeats it, and repetition is no confirmation. For attribution
   claims ("X said Y") ``k`` is 1.0: an outlet relaying the statement *is* a witness that
   it was made. ``h`` is
   ``HEDGED_EVIDENCE_FACTOR`` (0.5) when a piece of evidence on the assertion layer is itself
   hedged ("reportedly"), else 1. A detail conflict moves weight from support to
   opposition: "41 dead" both confirms that something happened and contradicts "14 dead".
   Using the *net* stance means one item cannot push both ways on stance alone.

2. Per origin: ``s_o`` and ``o_o`` are the maxima over that origin's items, so ten relays
   of one statement, or near-copies of one wire story, count once. The origin weight
   ``w_o`` is ``ORIGIN_WEIGHT`` (0.9: an ordinary outlet or speaker is fallible) or
   ``EXTERNAL_WEIGHT`` (1.0) for a published fact-check.

3. Independent origins combine noisy-OR, as independent chances that the claim holds:

   * corroboration ``C = 1 - prod_{o != own} (1 - w_o * s_o)``
   * support       ``S = 1 - (1 - OWN_REPORT_PRIOR) * (1 - C)``
   * opposition    ``O = 1 - prod_o (1 - w_o * o_o)`` (the claim's own origin included,
     so an outlet's own retraction counts)

   ``OWN_REPORT_PRIOR`` (0.4) is what one report by one origin is worth on its own: less
   than even odds.

4. Caps. ``SINGLE_ORIGIN_CAP`` (0.5) applies when no origin other than the claim's own
   supports it on its own sourcing (``s_o >= SUPPORT_MIN``, 0.15, from an item that is
   neither hedged nor a relay: "reportedly" passes on someone else's report, it does not
   confirm it). ``FEW_CONFIRMATIONS_CAP`` (0.55, below ``supported``) applies to an
   assertion confirmed so by fewer than ``MIN_CONFIRMING_ORIGINS`` (2) other origins: a
   rumour is echoed by an outlet or two before anyone confirms it, so ``supported`` needs
   three independent origins in all; a statement needs two witnesses. An origin with no
   sourcing of its own (an outlet whose article quotes nobody: a bare headline, a rewrite)
   counts ``UNSOURCED_CONFIRMATION`` (0.5) of a confirmation: a rumour repeated plainly by
   headline after headline is still a rumour, so four such outlets weigh what two named
   sources or two reporting outlets do. ``HEDGE_CAP`` (0.45) applies to a hedged
   assertion ("may have", "if confirmed", or hedged by its own origin where that origin
   states it elsewhere: see ``assess``) unless an independent origin supports it without
   hedging. Hedges do not cap attribution claims: the hedge belongs to the quoted content,
   and the question there is whether the statement was made.

   A known satire outlet (``satire``) confirms nothing: its items, and the claim's own report
   when it is one, are left out of support and opposition. Unless the claim has
   ``MIN_CONFIRMING_ORIGINS`` confirmations without them, each origin of satire items
   carrying it (``s >= SUPPORT_MIN``, or the claim's own report) adds ``SATIRE_DOUBT`` to
   the opposition, noisy-OR: a story only a satire site and its unsourced echoes carry is
   disputed. The amount is flat: how closely the satire words the story matters less than
   that it published it.

5. ``confidence = min(S, cap) * (1 - O)``. It rises with every independent supporting origin
   and falls with every opposing one; it does not depend on evidence order. A ``disputed``
   claim's confidence is at most ``OWN_REPORT_PRIOR`` (0.4) and a ``refuted`` one's at most
   0.1 (``VERDICT_CONFIDENCE_MAX``): confidence and verdict read the same way.

6. Verdict, first match wins:

   * ``refuted``: ``O >= REFUTE_MIN`` (0.7), ``C < REFUTE_MAX_CORROBORATION`` (0.2), and the
     opposition comes from at least two independent origins or a fact-check. One party's
     denial disputes a report; it does not refute it, since the subject has a stake.
   * ``disputed``: ``O >= DISPUTE_MIN`` (0.25): one related report (relatedness >= 0.5)
     whose death toll contradicts the claim's is enough.
   * ``supported``: ``confidence >= SUPPORT_MIN_CONFIDENCE`` (0.6) and ``O < 0.2``.
   * ``unverified``: everything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shared.schemas import ClaimKind, Verdict

__all__ = [
    "CONFLICT_PENALTY",
    "DISCUSS_CREDIT",
    "DISPUTE_MIN",
    "EXTERNAL_WEIGHT",
    "FEW_CONFIRMATIONS_CAP",
    "HEDGED_EVIDENCE_FACTOR",
    "HEDGE_CAP",
    "MIN_CONFIRMING_ORIGINS",
    "ORIGIN_WEIGHT",
    "OWN_REPORT_PRIOR",
    "REFUTE_MAX_CORROBORATION",
    "REFUTE_MIN",
    "SATIRE_DOUBT",
    "SINGLE_ORIGIN_CAP",
    "SUPPORT_MIN",
    "SUPPORT_MIN_CONFIDENCE",
    "UNSOURCED_CONFIRMATION",
    "VERDICT_CONFIDENCE_MAX",
    "Score",
    "Signal",
    "carries",
    "item_opposition",
    "item_support",
    "score",
]

OWN_REPORT_PRIOR = 0.4
ORIGIN_WEIGHT = 0.9
EXTERNAL_WEIGHT = 1.0
DISCUSS_CREDIT = {ClaimKind.assertion: 0.0, ClaimKind.attribution: 1.0}
HEDGED_EVIDENCE_FACTOR = 0.5
CONFLICT_PENALTY = 0.6
SUPPORT_MIN = 0.15
SINGLE_ORIGIN_CAP = 0.5
# One outlet beside the claim's own may be echoing the same unconfirmed rumour:
# ``supported`` needs this many independent origins beside the claim's own.
MIN_CONFIRMING_ORIGINS = 2
# What an origin that cites nobody counts towards MIN_CONFIRMING_ORIGINS.
UNSOURCED_CONFIRMATION = 0.5
FEW_CONFIRMATIONS_CAP = 0.55
# How strongly a satire outlet carrying a claim counts against it: one is enough to dispute.
SATIRE_DOUBT = 0.5
HEDGE_CAP = 0.45
SUPPORT_MIN_CONFIDENCE = 0.6
SUPPORTED_MAX_OPPOSITION = 0.2
DISPUTE_MIN = 0.25
REFUTE_MIN = 0.7
REFUTE_MAX_CORROBORATION = 0.2
VERDICT_CONFIDENCE_MAX = {Verdict.disputed: OWN_REPORT_PRIOR, Verdict.refuted: 0.1}


@dataclass(frozen=True)
class Signal:
    """One judged piece of evidence, reduced to what scoring needs."""

    origin: str
    agree: float
    disagree: float
    discuss: float
    relatedness: float
    conflicts: int = 0
    hedged: bool = False
    weight: float = ORIGIN_WEIGHT
    external: bool = False
    witness: bool = True  # False: related, but cannot speak to this layer of the claim
    sourced: bool = True  # False: an outlet whose article quotes nobody
    satire: bool = False  # from a known satire outlet: confirms nothing


@dataclass(frozen=True)
class Score:
    confidence: float
    verdict: Verdict
    support: float
    corroboration: float
    opposition: float
    own_origin: str
    supporting_origins: tuple[str, ...]
    opposing_origins: tuple[str, ...]
    hedge_capped: bool
    single_origin: bool
    origin_support: dict[str, float] = field(default_factory=dict)
    # Each origin's weighted opposition, where it has any.
    origin_opposition: dict[str, float] = field(default_factory=dict)
    # Confirming origins of an assertion (the claim's own excluded) that cite no source of
    # their own.
    unsourced_origins: tuple[str, ...] = ()
    # Whether satire outlets carrying the claim count against it (``SATIRE_DOUBT``).
    satire_doubt: bool = False

    @property
    def confirmations(self) -> float:
        """What the other confirming origins weigh together: an unsourced one counts half."""
        return _confirmations(len(self.supporting_origins) - 1, len(self.unsourced_origins))

    @property
    def too_few_confirmations(self) -> bool:
        """Whether too few of the other origins confirm an assertion on their own sourcing."""
        return bool(self.unsourced_origins) and self.confirmations < MIN_CONFIRMING_ORIGINS

    @property
    def held_back_by_opposition(self) -> bool:
        """Confident enough for ``supported``, kept from it only by opposition too weak to
        dispute: several small items against it add up."""
        return (
            self.verdict is Verdict.unverified
            and self.confidence >= SUPPORT_MIN_CONFIDENCE
            and self.opposition >= SUPPORTED_MAX_OPPOSITION
        )

    @property
    def independent_origins(self) -> int:
        return len(self.supporting_origins)


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _conflict_share(n: int) -> float:
    return 1.0 - (1.0 - CONFLICT_PENALTY) ** n


def item_support(signal: Signal, *, kind: ClaimKind) -> float:
    if not signal.witness:
        return 0.0
    net = signal.agree + DISCUSS_CREDIT[kind] * signal.discuss - signal.disagree
    hedge = HEDGED_EVIDENCE_FACTOR if signal.hedged and kind is ClaimKind.assertion else 1.0
    return signal.relatedness * _clip(net) * (1.0 - _conflict_share(signal.conflicts)) * hedge


def carries(signal: Signal, *, kind: ClaimKind) -> bool:
    """Whether an item supports the claim enough to count as carrying it."""
    return item_support(signal, kind=kind) >= SUPPORT_MIN


def item_opposition(signal: Signal) -> float:
    if not signal.witness:
        return 0.0
    against = _clip(signal.disagree - signal.agree)
    return signal.relatedness * (1.0 - (1.0 - against) * (1.0 - _conflict_share(signal.conflicts)))


def _confirmations(others: int, unsourced: int) -> float:
    return others - (1.0 - UNSOURCED_CONFIRMATION) * unsourced


def _noisy_or(values: Iterable[float]) -> float:
    remaining = 1.0
    for value in sorted(values):  # sorted: the float result must not depend on input order
        remaining *= 1.0 - _clip(value)
    return 1.0 - remaining


def score(
    *,
    signals: Sequence[Signal],
    own_origin: str,
    kind: ClaimKind,
    claim_hedged: bool,
    own_satire: bool = False,
) -> Score:
    """Combine signals into a confidence and a verdict (see the module docstring)."""
    support: dict[str, float] = {}
    opposition: dict[str, float] = {}
    weight: dict[str, float] = {}
    unhedged: set[str] = set()
    external: set[str] = set()
    sourced: set[str] = set()
    satire = {own_origin} if own_satire else set()
    for sig in signals:
        s, o = item_support(sig, kind=kind), item_opposition(sig)
        if sig.satire:
            if carries(sig, kind=kind):
                satire.add(sig.origin)
            continue
        support[sig.origin] = max(support.get(sig.origin, 0.0), s)
        opposition[sig.origin] = max(opposition.get(sig.origin, 0.0), o)
        weight[sig.origin] = max(weight.get(sig.origin, 0.0), _clip(sig.weight))
        # A hedged item relays; on the attribution layer it still witnesses the statement.
        if s >= SUPPORT_MIN and (not sig.hedged or kind is ClaimKind.attribution):
            unhedged.add(sig.origin)
            if sig.sourced or sig.external:
                sourced.add(sig.origin)
        if sig.external and o > 0.0:
            external.add(sig.origin)

    others = sorted(o for o in unhedged if o != own_origin)
    corroboration = _noisy_or(weight[o] * support[o] for o in support if o != own_origin)
    total_support = 1.0 - (1.0 - OWN_REPORT_PRIOR) * (1.0 - corroboration)
    total_opposition = _noisy_or(weight[o] * opposition[o] for o in opposition)
    opposing = tuple(sorted(o for o in opposition if weight[o] * opposition[o] >= SUPPORT_MIN))

    # Only an assertion needs sourcing: on the attribution layer every outlet witnesses.
    unsourced = tuple(o for o in others if o not in sourced) if kind is ClaimKind.assertion else ()
    confirmations = _confirmations(len(others), len(unsourced))
    satire_doubt = bool(satire) and confirmations < MIN_CONFIRMING_ORIGINS
    if satire_doubt:
        doubt = _noisy_or([SATIRE_DOUBT] * len(satire))
        total_opposition = 1.0 - (1.0 - total_opposition) * (1.0 - doubt)
    cap = 1.0
    single = not others
    if single:
        cap = SINGLE_ORIGIN_CAP
    elif kind is ClaimKind.assertion and confirmations < MIN_CONFIRMING_ORIGINS:
        # On the attribution layer each outlet witnesses the statement: two suffice.
        cap = FEW_CONFIRMATIONS_CAP
    hedge_capped = kind is ClaimKind.assertion and claim_hedged and not others
    if hedge_capped:
        cap = min(cap, HEDGE_CAP)
    confidence = _clip(min(total_support, cap) * (1.0 - total_opposition))

    verdict = _verdict(
        confidence=confidence,
        corroboration=corroboration,
        opposition=total_opposition,
        credible_opposition=len(opposing) >= 2 or bool(external & set(opposing)),
    )
    # A contested claim reads no better than one unconfirmed report, so a client asking
    # for confident claims (``min_confidence``) never gets a disputed one.
    confidence = min(confidence, VERDICT_CONFIDENCE_MAX.get(verdict, 1.0))
    return Score(
        confidence=confidence,
        verdict=verdict,
        support=total_support,
        corroboration=corroboration,
        opposition=total_opposition,
        own_origin=own_origin,
        supporting_origins=(own_origin, *others),
        opposing_origins=opposing,
        hedge_capped=hedge_capped,
        single_origin=single,
        origin_support=dict(sorted(support.items())),
        origin_opposition={o: weight[o] * v for o, v in sorted(opposition.items()) if v > 0.0},
        unsourced_origins=unsourced,
        satire_doubt=satire_doubt,
    )


def _verdict(
    *, confidence: float, corroboration: float, opposition: float, credible_opposition: bool
) -> Verdict:
    if (
        opposition >= REFUTE_MIN
        and corroboration < REFUTE_MAX_CORROBORATION
        and credible_opposition
    ):
        return Verdict.refuted
    if opposition >= DISPUTE_MIN:
        return Verdict.disputed
    if confidence >= SUPPORT_MIN_CONFIDENCE and opposition < SUPPORTED_MAX_OPPOSITION:
        return Verdict.supported
    return Verdict.unverified
