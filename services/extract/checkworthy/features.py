"""Sentence features of the check-worthiness model: hashed n-grams, context, cues.

Everything is computed from the text of a document's sentences in order (a debate's
lines, an article's sentences), with no parse: hashed word uni- and bigram counts of
the sentence and of its neighbours, and a few cues (length, numbers, money, percent,
capitalised words, question). Hashing keeps the feature space fixed and the artifact
small; the only fitted state is the IDF weights in :class:`FeatureSpace`. Character
n-grams were left out: they cost 130 µs a sentence and added nothing by debate-wise
cross-validation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from services.extract.segment import plain_apostrophes

__all__ = [
    "CONTEXT_WEIGHT",
    "CUE_NAMES",
    "FeatureSpace",
    "HashedCounts",
    "WORD_BITS",
    "count_features",
    "fit_idf",
]

FloatArray = NDArray[np.float64]

# 262,144 buckets for the ~150k distinct word n-grams of the training debates.
WORD_BITS = 18
CONTEXT_WEIGHT = 0.5
CUE_NAMES = (
    "log_tokens",
    "has_number",
    "numbers",
    "percent",
    "money",
    "capitalised",
    "question",
    "short",
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_PERCENT = re.compile(r"%|\bper ?cent\b", re.IGNORECASE)
_MONEY = re.compile(r"[$\u00a3\u20ac]|\b(?:dollars?|billions?|millions?|trillions?)\b", re.I)
_WORD = re.compile(r"\S+")


def _word_hasher() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        n_features=2**WORD_BITS,
        alternate_sign=False,
        norm=None,
        lowercase=True,
        dtype=np.float64,
    )


@dataclass(frozen=True, slots=True)
class HashedCounts:
    """Raw hashed counts of a document's sentences, before IDF weighting."""

    words: sparse.csr_matrix
    cues: FloatArray

    def rows(self, index: NDArray[np.int64]) -> HashedCounts:
        return HashedCounts(self.words[index], self.cues[index])

    @staticmethod
    def stack(parts: Sequence[HashedCounts]) -> HashedCounts:
        return HashedCounts(
            sparse.vstack([p.words for p in parts]).tocsr(),
            np.vstack([p.cues for p in parts]),
        )


def _cues(text: str) -> list[float]:
    tokens = _WORD.findall(text)
    numbers = len(_NUMBER.findall(text))
    capitalised = sum(1 for w in tokens[1:] if w[:1].isupper())
    return [
        math.log1p(len(tokens)) / 4.0,
        float(numbers > 0),
        min(numbers, 3) / 3.0,
        float(bool(_PERCENT.search(text))),
        float(bool(_MONEY.search(text))),
        min(capitalised, 5) / 5.0,
        float(text.rstrip().rstrip("\"')\u201d").endswith("?")),
        float(len(tokens) < 6),
    ]


def count_features(sentences: Sequence[str]) -> HashedCounts:
    """Hashed counts of each sentence of one document (its sentences in order)."""
    texts = [plain_apostrophes(s) for s in sentences]
    words = _word_hasher().transform(texts).tocsr()
    cues = np.asarray([_cues(t) for t in texts], dtype=np.float64).reshape(
        len(texts), len(CUE_NAMES)
    )
    return HashedCounts(words, cues)


def _idf(counts: sparse.csr_matrix) -> FloatArray:
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    return np.asarray(np.log((1.0 + n) / (1.0 + df)) + 1.0, dtype=np.float64)


def _weigh(counts: sparse.csr_matrix, idf: FloatArray) -> sparse.csr_matrix:
    weighted = counts.copy()
    weighted.data = np.log1p(weighted.data)  # sublinear term frequency
    weighted = weighted.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ weighted


def _neighbour(matrix: sparse.csr_matrix, shift: int) -> sparse.csr_matrix:
    """Rows moved by ``shift`` within the document; rows with no neighbour are empty."""
    n = matrix.shape[0]
    empty = sparse.csr_matrix((abs(shift), matrix.shape[1]))
    if n == 0 or abs(shift) >= n:
        return sparse.csr_matrix(matrix.shape)
    if shift > 0:  # the previous sentence
        return sparse.vstack([empty, matrix[: n - shift]]).tocsr()
    return sparse.vstack([matrix[-shift:], empty]).tocsr()


@dataclass(frozen=True, slots=True)
class FeatureSpace:
    """IDF weights fitted on training sentences; turns counts into model inputs."""

    word_idf: FloatArray

    @property
    def width(self) -> int:
        return 3 * len(self.word_idf) + len(CUE_NAMES)

    def transform(self, counts: HashedCounts) -> sparse.csr_matrix:
        """One row per sentence of ONE document (neighbours come from its rows)."""
        words = _weigh(counts.words, self.word_idf)
        return sparse.hstack(
            [
                words,
                CONTEXT_WEIGHT * _neighbour(words, 1),
                CONTEXT_WEIGHT * _neighbour(words, -1),
                sparse.csr_matrix(counts.cues),
            ],
            format="csr",
        )


def fit_idf(counts: HashedCounts) -> FeatureSpace:
    """IDF of word n-grams over the training sentences."""
    return FeatureSpace(word_idf=_idf(counts.words))
