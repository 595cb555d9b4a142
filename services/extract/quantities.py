"""Counted quantities: "about 30 mid-level militant leaders", "over 300 fighters", "$3 billion"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from shared.schemas import Quantity

__all__ = ["NUMBER_WORDS", "FoundQuantity", "find_quantities", "parse_number"]

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "bn": 1_000_000_000,
    "k": 1_000,
    "tn": 1_000_000_000_000,
}
# Plural scale words used alone ("dozens of", "hundreds of") give a floor, not a count.
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2_000, "millions": 2_000_000}
_NUMERIC = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(bn|m|mn|k|tn)?$", re.IGNORECASE)
_CURRENCY = {"$": "dollar", "us$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}

# Modifier phrases before the number, longest first: (words, comparator, approximate).
_MODIFIERS: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("more", "than"), "gt", False),
    (("greater", "than"), "gt", False),
    (("upwards", "of"), "gt", False),
    (("in", "excess", "of"), "gt", False),
    (("at", "least"), "ge", False),
    (("no", "fewer", "than"), "ge", False),
    (("no", "less", "than"), "ge", False),
    (("a", "minimum", "of"), "ge", False),
    (("fewer", "than"), "lt", False),
    (("less", "than"), "lt", False),
    (("up", "to"), "le", False),
    (("as", "many", "as"), "le", False),
    (("as", "much", "as"), "le", False),
    (("no", "more", "than"), "le", False),
    (("at", "most"), "le", False),
    (("an", "estimated"), "eq", True),
    (("close", "to"), "eq", True),
    (("some",), "eq", True),
    (("about",), "eq", True),
    (("around",), "eq", True),
    (("approximately",), "eq", True),
    (("roughly",), "eq", True),
    (("nearly",), "eq", True),
    (("almost",), "eq", True),
    (("estimated",), "eq", True),
    (("circa",), "eq", True),
    (("~",), "eq", True),
    (("over",), "gt", False),
    (("above",), "gt", False),
    (("exceeding",), "gt", False),
    (("under",), "lt", False),
    (("below",), "lt", False),
)
_NOUN_PHRASE_POS = frozenset({"ADJ", "NOUN", "PROPN", "PUNCT", "ADV", "NUM"})
_SKIP_ENTS = frozenset({"DATE", "TIME", "ORDINAL"})


@dataclass(frozen=True, slots=True)
class FoundQuantity:
    quantity: Quantity
    start: int
    end: int


def _is_number_word(token: Token) -> bool:
    low = token.lower_
    return (
        low in NUMBER_WORDS or low in _SCALES or low == "dozen" or _NUMERIC.match(low) is not None
    )


def parse_number(words: Sequence[str]) -> float | None:
    """Value of a number phrase: ["1.2", "million"], ["two", "dozen"], ["twenty", "five"]."""
    total = 0.0
    current = 0.0
    seen = False
    for raw in words:
        word = raw.lower().replace(",", "")
        match = _NUMERIC.match(raw.lower())
        if match:
            digits = match.group(1).replace(",", "")
            frac = match.group(2)
            current += float(f"{digits}.{frac}" if frac else digits)
            if match.group(3):
                current *= _SCALES[match.group(3).lower()]
            seen = True
        elif word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
            seen = True
        elif word == "dozen":
            current = (current or 1) * 12
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0.0
            seen = True
        elif word in {"-", "and", "a"}:
            continue
        else:
            return None
    return total + current if seen else None


def _modifier(tokens: Sequence[Token], first: int) -> tuple[str, bool, int]:
    """Comparator, approximate flag and start index of the words before ``first``."""
    for words, comparator, approx in _MODIFIERS:
        n = len(words)
        lo = first - n
        if lo < 0:
            continue
        if tuple(t.lower_ for t in tokens[lo:first]) == words:
            return comparator, approx, lo
    return "eq", False, first


def _counted_noun(tokens: Sequence[Token], last: int) -> str | None:
    head = tokens[last]
    if (
        head.dep_ in {"nummod", "quantmod", "compound"}
        and head.head.pos_ in {"NOUN", "PROPN"}
        and head.head.i > head.i
    ):
        return head.head.lemma_.lower()
    following = tokens[last + 1 : last + 5]
    allowed = _NOUN_PHRASE_POS
    if following and following[0].lower_ == "of":
        # "71 of the 150 seats", "two dozen of the 60 villages"
        following = tokens[last + 2 : last + 8]
        allowed = _NOUN_PHRASE_POS | {"DET"}
    for token in following:
        if token.pos_ == "NOUN" and token.dep_ != "compound":
            return token.lemma_.lower()
        if token.pos_ not in allowed or token.lower_ == "of":
            break
    nxt = tokens[last + 1] if last + 1 < len(tokens) else None
    if nxt is not None and nxt.pos_ == "ADJ":
        return nxt.lemma_.lower()
    return None


def find_quantities(span: Span, doc_text: str | None = None) -> list[FoundQuantity]:
    """Quantities in a parsed span, excluding dates, times and ordinals.

    Pass ``doc_text`` (``span.doc.text``) when calling per sentence: spaCy rebuilds it on
    every access.
    """
    if doc_text is None:
        doc_text = span.doc.text
    tokens = list(span)
    skip = {t.i for t in tokens if t.ent_type_ in _SKIP_ENTS}
    found: list[FoundQuantity] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        vague = _VAGUE.get(tok.lower_)
        if tok.i in skip or not (_is_number_word(tok) or vague):
            i += 1
            continue
        j = i
        if not vague:
            while (
                j + 1 < len(tokens)
                and tokens[j + 1].i not in skip
                and (
                    _is_number_word(tokens[j + 1])
                    or (
                        tokens[j + 1].text in {"-", "and"}
                        and j + 2 < len(tokens)
                        and _is_number_word(tokens[j + 2])
                        and tokens[j + 2].lower_ not in _SCALES
                        and tokens[j].is_alpha
                        and tokens[j + 2].is_alpha
                    )
                )
            ):
                j += 1
        words = [t.text for t in tokens[i : j + 1]]
        value = float(vague) if vague else parse_number(words)
        if value is None or (tok.lower_ == "one" and i == j and tok.dep_ != "nummod"):
            i = j + 1
            continue
        if _is_year_like(tokens, i, j) or _is_identifier(tokens, i, j):
            i = j + 1
            continue
        currency = None
        first = i
        if i > 0 and tokens[i - 1].text.lower() in _CURRENCY:
            # "more than $11 billion": the comparator sits before the currency sign.
            currency = _CURRENCY[tokens[i - 1].text.lower()]
            first = i - 1
        comparator, approximate, lo = _modifier(tokens, first)
        if vague:
            comparator, approximate = "ge", True
        noun: str | None
        end_tok = j
        if j + 1 < len(tokens) and tokens[j + 1].lower_ in {"%", "percent"}:
            noun = "percent"
            end_tok = j + 1
        elif (
            j + 2 < len(tokens) and tokens[j + 1].lower_ == "per" and tokens[j + 2].lower_ == "cent"
        ):
            noun = "percent"
            end_tok = j + 2
        elif currency:
            noun = currency
        else:
            noun = _counted_noun(tokens, j)
        start_char = tokens[lo].idx
        end_char = tokens[end_tok].idx + len(tokens[end_tok].text)
        text = doc_text[start_char:end_char]
        found.append(
            FoundQuantity(
                Quantity(
                    text=text,
                    value=value,
                    approximate=approximate,
                    comparator=comparator,  # type: ignore[arg-type]
                    noun=noun,
                ),
                start_char,
                end_char,
            )
        )
        i = end_tok + 1
    return found


def _is_identifier(tokens: Sequence[Token], i: int, j: int) -> bool:
    """ "Berth 7", "Route 66", "2-1": labels and scores, not counts."""
    if j + 2 < len(tokens) and tokens[j + 1].text in {"-", "\u2013"} and tokens[j + 2].like_num:
        return True
    if i > 0 and tokens[i - 1].text in {"-", "\u2013"} and i > 1 and tokens[i - 2].like_num:
        return True
    if i == 0 or not tokens[i].text.isdigit():
        return False
    prev = tokens[i - 1]
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    return (
        prev.is_title
        and prev.pos_ in {"PROPN", "NOUN"}
        and (nxt is None or nxt.pos_ not in {"NOUN"})
    )


def _is_year_like(tokens: Sequence[Token], i: int, j: int) -> bool:
    if i != j or not tokens[i].text.isdigit() or len(tokens[i].text) != 4:
        return False
    year = int(tokens[i].text)
    if not 1800 <= year <= 2100:
        return False
    prev = tokens[i - 1].lower_ if i > 0 else ""
    return prev in {"in", "since", "of", "by", "until", "from", "to", "and", ","} or i == 0
