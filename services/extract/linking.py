"""Within-article entity linking: one key per real-world thing across its mentions.

The tagger labels "al-Baghdadi" ORG in one sentence and PERSON in the next, and writes
"the ministry" for the "Russian Defence Ministry" it named earlier. Linking fixes the
label by majority and resolves short mentions and definite descriptions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from services.extract.canonical import content_words, entity_key, normalize_words

__all__ = ["ArticleLinker", "Mention"]

KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "LAW"})
_NAME_PARTICLES = frozenset({"al", "el", "abu", "bin", "ibn", "bint", "umm", "abd", "abdul"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_RELABEL_ORDER = ("PERSON", "GPE", "ORG")
# Descriptions look back over this many earlier mentions: bounded cost on huge bodies.
_DESCRIPTION_WINDOW = 200


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    label: str
    start: int
    end: int


@dataclass
class ArticleLinker:
    """Collects an article's mentions, then answers keys for mentions and descriptions."""

    mentions: list[Mention] = field(default_factory=list)
    _keys: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)
    _by_word: dict[str, list[tuple[int, tuple[str, str]]]] = field(default_factory=dict)
    _by_label: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    _surnames: dict[str, str] = field(default_factory=dict)

    def add(self, mention: Mention) -> None:
        if mention.label in KEPT_LABELS:
            self.mentions.append(mention)

    def link(self) -> None:
        """Assign keys to every mention; call once after all mentions are added."""
        own = [(m, entity_key(m.text, m.label)) for m in self.mentions]
        counts = Counter(k for _, k in own if k)
        first_names = self._first_names(own)
        self._surnames = self._surnames_of(own)
        for mention, key in own:
            if not key:
                continue
            label = mention.label
            words = normalize_words(mention.text)
            for alt_label in _RELABEL_ORDER:
                if alt_label == label:
                    continue
                if alt_label == "PERSON" and not (_NAME_PARTICLES & set(words) or len(words) == 1):
                    continue
                alt = entity_key(mention.text, alt_label)
                if alt and counts[alt] > counts[key] - 1:
                    key, label = alt, alt_label
                    break
            if label == "PERSON" and len(words) == 1 and words[0] in first_names:
                key = first_names[words[0]]
            elif label in {"PERSON", "ORG"} and len(words) == 1 and words[0] in self._surnames:
                # "Earnest said" after "Josh Earnest": the tagger often calls a lone surname ORG.
                key, label = self._surnames[words[0]], "PERSON"
            self._keys[(mention.start, mention.end)] = (key, label)
            self._by_label.setdefault(label, []).append((mention.start, mention.text, key))
            if label == "ORG":
                for word in set(words):
                    self._by_word.setdefault(word, []).append((mention.start, (key, label)))
        self.mentions.sort(key=lambda m: (m.start, m.end))
        self._starts = [m.start for m in self.mentions]
        for by_word in self._by_word.values():
            by_word.sort(key=lambda e: e[0])
        for by_label in self._by_label.values():
            by_label.sort(key=lambda e: e[0])

    @staticmethod
    def _first_names(own: list[tuple[Mention, str]]) -> dict[str, str]:
        names: dict[str, str] = {}
        for mention, key in own:
            words = normalize_words(mention.text)
            if mention.label == "PERSON" and key and len(words) >= 2:
                names.setdefault(words[0], key)
        return names

    @staticmethod
    def _surnames_of(own: list[tuple[Mention, str]]) -> dict[str, str]:
        """Surname -> key of the one person the article names in full with it."""
        found: dict[str, set[str]] = {}
        for mention, key in own:
            words = normalize_words(mention.text)
            if mention.label == "PERSON" and key and len(words) >= 2:
                found.setdefault(words[-1], set()).add(key)
        return {name: next(iter(keys)) for name, keys in found.items() if len(keys) == 1}

    def person_by_surname(self, word: str) -> str | None:
        """Key of the one person the article names in full with surname ``word``."""
        words = normalize_words(word)
        return self._surnames.get(words[0]) if len(words) == 1 else None

    def key_of(self, start: int, end: int) -> tuple[str, str] | None:
        """(key, label) of the mention at this span, after linking."""
        return self._keys.get((start, end))

    def entities_between(self, start: int, end: int) -> list[tuple[Mention, str, str]]:
        """Linked mentions inside ``[start, end)`` as (mention, key, label)."""
        found = []
        for index in range(bisect_left(self._starts, start), len(self.mentions)):
            mention = self.mentions[index]
            if mention.start >= end:
                break
            if mention.end <= end:
                linked = self._keys.get((mention.start, mention.end))
                if linked:
                    found.append((mention, linked[0], linked[1]))
        return found

    def resolve_description(self, text: str, *, before: int) -> tuple[str, str] | None:
        """Key of "the ministry"-style descriptions: the most frequent earlier match."""
        words = content_words(text)
        if not words or len(words) > 3:
            return None
        entries = self._by_word.get(words[-1], [])
        stop = bisect_left(entries, before, key=lambda e: e[0])
        candidates: Counter[tuple[str, str]] = Counter()
        last_seen: dict[tuple[str, str], int] = {}
        for start, linked in entries[max(0, stop - _DESCRIPTION_WINDOW) : stop]:
            candidates[linked] += 1
            last_seen[linked] = start
        if not candidates:
            return None
        return max(candidates, key=lambda k: (candidates[k], last_seen[k]))

    def speaker_key(self, text: str, *, start: int, end: int) -> tuple[str, str] | None:
        """Key of a speaker phrase: a linked mention inside it, else a description."""
        inside = self.entities_between(start, end)
        people = [e for e in inside if e[2] == "PERSON"]
        orgs = [e for e in inside if e[2] == "ORG"]
        best = people or orgs or inside
        if best:
            return best[-1][1], best[-1][2]
        return self.resolve_description(text, before=start)

    def last_before(self, before: int, *, labels: frozenset[str]) -> tuple[str, str, str] | None:
        """(text, key, label) of the latest linked mention with one of ``labels`` before ``before``."""
        best: tuple[str, str, str] | None = None
        best_start = -1
        for label in labels:
            entries = self._by_label.get(label, [])
            stop = bisect_left(entries, before, key=lambda e: e[0])
            if stop and entries[stop - 1][0] > best_start:
                start, text, key = entries[stop - 1]
                best, best_start = (text, key, label), start
        return best

    @staticmethod
    def is_place(label: str) -> bool:
        return label in _PLACE_LABELS
