"""The claim budget: which of an article's sentences become claims."""

from __future__ import annotations

import pytest
from spacy.language import Language

from services.extract.claims import extract_claims
from services.extract.selection import Candidate, claim_budget, select_sentences
from shared.schemas import ClaimKind
from shared.settings import get_settings
from tests.extract.conftest import ArticleFactory, constant_checkworthy_model

_CUT = 0.025


def _statement(score: float, *, checkable: bool = True, always: bool = False) -> Candidate:
    return Candidate(score=score, statement=True, always=always, checkable=checkable)


def _kept(candidates: list[Candidate], *, full_up_to: int = 4, growth: float = 0.0) -> list[int]:
    keep = select_sentences(candidates, threshold=_CUT, full_up_to=full_up_to, growth=growth)
    return [i for i, k in enumerate(keep) if k]


@pytest.mark.parametrize(
    ("statements", "full_up_to", "growth", "budget"),
    [
        (0, 10, 0.25, 0),
        (7, 10, 0.25, 7),
        (10, 10, 0.25, 10),
        (20, 10, 0.25, 12),  # 10 * 2 ** 0.25 = 11.9
        (40, 10, 0.25, 15),  # 10 * 4 ** 0.25 = 14.1
        (160, 10, 0.25, 20),  # 10 * 16 ** 0.25, exactly
        (40, 10, 0.0, 10),  # a flat cap
        (40, 10, 1.0, 40),  # no cap
    ],
)
def test_the_budget_is_every_statement_then_grows_slowly(
    statements: int, full_up_to: int, growth: float, budget: int
) -> None:
    assert claim_budget(statements, full_up_to=full_up_to, growth=growth) == budget


def test_the_budget_never_shrinks_as_an_article_grows() -> None:
    budgets = [claim_budget(n, full_up_to=10, growth=0.25) for n in range(300)]
    assert budgets == sorted(budgets)
    assert all(b <= n for n, b in enumerate(budgets))


def test_a_short_article_keeps_every_statement_above_the_threshold() -> None:
    candidates = [_statement(0.03), _statement(0.02), _statement(0.5), _statement(0.025)]
    assert _kept(candidates) == [0, 2, 3]


def test_a_long_article_keeps_its_best_statements_within_the_budget() -> None:
    scores = [0.03, 0.2, 0.04, 0.05, 0.3, 0.06, 0.035, 0.1]
    assert _kept([_statement(s) for s in scores]) == [1, 4, 5, 7]


def test_rule_kept_sentences_are_kept_outside_the_budget() -> None:
    headline = _statement(0.001, always=True)
    candidates = [headline, *(_statement(0.5) for _ in range(7))]
    kept = _kept(candidates)
    assert kept[0] == 0
    assert len(kept) == 1 + 4


def test_a_sentence_that_names_nothing_ranks_after_one_that_does() -> None:
    scores = [0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
    candidates = [_statement(s, checkable=i >= 2) for i, s in enumerate(scores)]
    assert _kept(candidates) == [2, 3, 4, 5]


def test_a_later_sentence_needs_a_higher_score() -> None:
    # Six statements, budget 4: equal scores keep the first four; sentence 5 earns a place
    # only with a score above sentence 3's discounted one.
    same = [_statement(0.1) for _ in range(6)]
    assert _kept(same) == [0, 1, 2, 3]
    later = [*same[:5], _statement(0.2)]
    assert _kept(later) == [0, 1, 2, 5]


def test_gated_sentences_are_never_kept_nor_counted() -> None:
    question = Candidate(score=0.9, statement=False, always=False, checkable=True)
    candidates = [question, *(_statement(0.1) for _ in range(4)), question]
    # Four statements fit a budget of four: each is kept, neither question is.
    assert _kept(candidates) == [1, 2, 3, 4]


def test_the_extractor_keeps_a_long_article_within_its_budget(
    nlp: Language, make_article: ArticleFactory
) -> None:
    towns = [f"Town{chr(ord('A') + i)}" for i in range(24)]
    body = "\n\n".join(
        f"The river rose {i + 2} metres in {town} on Tuesday." for i, town in enumerate(towns)
    )
    settings = get_settings()
    claims = extract_claims(
        nlp=nlp, article=make_article(body), threshold=_CUT, model=constant_checkworthy_model(0.5)
    ).claims
    budget = claim_budget(
        len(towns), full_up_to=settings.claims_full_up_to, growth=settings.claims_budget_growth
    )
    assertions = [c for c in claims if c.kind is ClaimKind.assertion]
    assert budget < len(towns)
    # Equal scores: the article's first sentences are the ones kept.
    assert [c.text for c in assertions] == [
        f"The river rose {i + 2} metres in {town} on Tuesday."
        for i, town in enumerate(towns[:budget])
    ]


def test_a_caption_kept_by_rule_competes_for_the_budget() -> None:
    caption = Candidate(score=0.0, statement=False, always=False, checkable=True, by_rule=True)
    # A short article keeps it below the threshold; a long one only if it ranks in budget.
    assert _kept([_statement(0.1), caption, _statement(0.1)]) == [0, 1, 2]
    assert _kept([*(_statement(0.1) for _ in range(5)), caption]) == [0, 1, 2, 3]


def test_only_the_first_headline_line_of_a_body_is_kept_whatever(
    nlp: Language, make_article: ArticleFactory
) -> None:
    captions = [f"Police officers guard the bridge in Town{chr(ord('A') + i)}" for i in range(30)]
    body = "\n\n".join(["Floods cut off the northern valley", *captions])
    claims = extract_claims(
        nlp=nlp, article=make_article(body), threshold=_CUT, model=constant_checkworthy_model(0.01)
    ).claims
    texts = [c.text for c in claims if c.kind is ClaimKind.assertion]
    settings = get_settings()
    budget = claim_budget(
        len(captions), full_up_to=settings.claims_full_up_to, growth=settings.claims_budget_growth
    )
    # The headline is kept whatever; of the captions, as many as the budget holds.
    assert texts[0] == "Floods cut off the northern valley"
    assert len(texts) == 1 + budget < 1 + len(captions)
    assert set(texts[1:]) <= set(captions)
