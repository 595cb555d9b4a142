"""Dictionary forms of event words, from the spaCy pipeline's own lemma tables.

Reports of one event inflect its verb differently ("Big Bank Hank dies at 57", "has
died", "is dead"; "truck stolen", "thieves steal truck"), and a suffix fold cannot join
irregular forms. The installed pipeline ships the tables its rule lemmatizer uses
(exceptions such as "found" -> "find", suffix rules, and the index of known lemmas); they
are read once per process without loading the pipeline. Death gets one family ("dead",
"death" -> "die") because the tables join inflections, not derivations, and a death is
the event news reports most. Without the tables every word is its own lemma.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from shared.settings import get_settings

__all__ = ["lemma"]

_POS = ("verb", "noun", "adj")
_DERIVED = {"dead": "die", "death": "die"}
_Tables = tuple[dict[str, dict[str, list[str]]], dict[str, set[str]], dict[str, list[list[str]]]]


@cache
def _tables() -> _Tables | None:
    import spacy.util
    from spacy.lookups import Lookups

    try:
        package = spacy.util.get_package_path(get_settings().spacy_model)
    except (ImportError, ModuleNotFoundError):
        return None
    found = sorted(Path(package).glob("*/lemmatizer/lookups"))
    if not found:
        return None
    lookups = Lookups().from_disk(found[0])
    exc = lookups.get_table("lemma_exc")
    index = lookups.get_table("lemma_index")
    rules = lookups.get_table("lemma_rules")
    return (
        {pos: dict(exc.get(pos, {})) for pos in _POS},
        {pos: set(index.get(pos, [])) for pos in _POS},
        {pos: list(rules.get(pos, [])) for pos in _POS},
    )


@lru_cache(maxsize=65_536)
def lemma(word: str) -> str:
    """The dictionary form of a lower-case ``word``: verbs first, as events are verbs."""
    if word in _DERIVED:
        return _DERIVED[word]
    tables = _tables()
    if tables is None:
        return word
    exceptions, index, rules = tables
    # One part of speech at a time, verbs first: "leaves" is "leave" before it is "leaf".
    for pos in _POS:
        if word in exceptions[pos]:
            return exceptions[pos][word][0]
        if word in index[pos]:
            return word
        for old, new in rules[pos]:
            if word.endswith(old):
                candidate = word[: len(word) - len(old)] + new
                if candidate in index[pos]:
                    return _DERIVED.get(candidate, candidate)
    return word
