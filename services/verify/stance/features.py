"""Feature extraction for headline/body pairs.

A :class:`FeatureSpace` holds what is fitted on training text (vocabularies, IDF,
an SVD basis). :func:`extract_features` turns a batch of pairs into a dense matrix;
the work that depends on the body alone is done once per distinct body in the batch,
because one body usually comes with many headlines. A :class:`BodyCache` keeps that work
across batches: the verifier judges the same candidate excerpts again and again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from cachetools import LRUCache
from numpy.typing import NDArray
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from services.verify.stance.linear_stance import LINEAR_NAMES, LINEAR_SOURCES, LinearStance
from services.verify.stance.text import (
    CUE_NAMES,
    content_stems,
    cue_counts,
    numbers,
    split_sentences,
    tokenize,
)

__all__ = [
    "FEATURE_NAMES",
    "BodyCache",
    "FeatureSpace",
    "LinearInputs",
    "extract_with_inputs",
    "extract_features",
    "fit_feature_space",
]

_LEAD_SENTENCES = 3
_TOP_SENTENCES = 3
_SENTENCE_HIT = 0.15
_BM25_K1 = 1.2
_BM25_B = 0.75
_SVD_DIMS = 64
# Character n-grams of a body's opening only: the full text costs more than it adds.
_CHAR_PREFIX = 1000

_SCALAR_NAMES = (
    "sim_word",
    "sim_char",
    "sim_svd",
    "bm25",
    "bm25_norm",
    "cover",
    "cover_idf",
    "cover_lead",
    "cover_bigram",
    "jaccard",
    "first_match_pos",
    "sent_max",
    "sent_top_mean",
    "sent_best_pos",
    "sent_hit_frac",
    "sent_first",
    "sent_lead_mean",
    "num_headline",
    "num_cover",
    "len_headline",
    "len_body_log",
    "n_sent_log",
    "polarity_flip",
)
FEATURE_NAMES: tuple[str, ...] = (
    _SCALAR_NAMES
    + tuple(f"body_{c}" for c in CUE_NAMES)
    + tuple(f"lead_{c}" for c in CUE_NAMES)
    + tuple(f"top_{c}" for c in CUE_NAMES)
    + tuple(f"best_{c}" for c in CUE_NAMES)
    + tuple(f"head_{c}" for c in CUE_NAMES)
    + tuple(f"hit_{c}" for c in CUE_NAMES)
    + LINEAR_NAMES
)

FloatMatrix = NDArray[np.float32]


def _identity(terms: list[str]) -> list[str]:
    # Module level so the fitted vectorizer pickles; documents arrive pre-tokenised.
    return terms


def _terms(stems: list[str]) -> list[str]:
    return stems + [f"{a}_{b}" for a, b in zip(stems, stems[1:], strict=False)]


@dataclass
class FeatureSpace:
    """Vocabularies and bases fitted on training text."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    svd_basis: FloatMatrix
    idf: dict[str, float]
    avg_body_len: float
    # Keyed by LINEAR_SOURCES; set by the trainer (it needs labels). Absent sources
    # leave their columns at 0.
    linear: dict[str, LinearStance] = field(default_factory=dict)


def fit_feature_space(
    *, headlines: Sequence[str], bodies: Sequence[str], seed: int
) -> FeatureSpace:
    """Fit vectorizers on the distinct headlines and bodies of a training set."""
    texts = sorted(set(headlines)) + sorted(set(bodies))
    term_docs = [_terms(content_stems(tokenize(t))) for t in texts]
    word = TfidfVectorizer(
        analyzer=_identity, min_df=2, max_features=30_000, sublinear_tf=True, dtype=np.float32
    )
    word_matrix = word.fit_transform(term_docs)
    char = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 4),
        min_df=3,
        max_features=40_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    char.fit(texts)
    # The pruned-term sets are only diagnostics and would bloat the artifact.
    for vec in (word, char):
        if hasattr(vec, "stop_words_"):
            del vec.stop_words_
    svd = TruncatedSVD(n_components=_SVD_DIMS, random_state=seed, n_iter=7)
    svd.fit(word_matrix)
    body_stem_docs = [set(content_stems(tokenize(b))) for b in sorted(set(bodies))]
    n_docs = len(body_stem_docs)
    df: dict[str, int] = {}
    for doc in body_stem_docs:
        for s in doc:
            df[s] = df.get(s, 0) + 1
    # Sorted so the pickled artifact is byte-identical whatever the hash seed.
    idf = {s: math.log(1.0 + (n_docs - n + 0.5) / (n + 0.5)) for s, n in sorted(df.items())}
    lengths = [len(content_stems(tokenize(b))) for b in sorted(set(bodies))]
    return FeatureSpace(
        word=word,
        char=char,
        svd_basis=svd.components_.astype(np.float32),
        idf=idf,
        avg_body_len=float(np.mean(lengths)) if lengths else 1.0,
    )


@dataclass
class _Text:
    """Per-text work shared by every pair the text appears in."""

    stems: list[str]
    stem_set: set[str]
    bigrams: set[tuple[str, str]]
    nums: frozenset[str]
    cues: NDArray[np.float64]
    n_tokens: int


@dataclass
class _Body(_Text):
    lead_stems: set[str]
    first_pos: dict[str, float]
    bm25: dict[str, float]
    sentence_terms: list[list[str]]
    sentence_cues: NDArray[np.float64]
    lead_cues: NDArray[np.float64]


def _text(text: str) -> _Text:
    tokens = tokenize(text)
    stems = content_stems(tokens)
    return _Text(
        stems=stems,
        stem_set=set(stems),
        bigrams=set(zip(stems, stems[1:], strict=False)),
        nums=numbers(text),
        cues=np.asarray(cue_counts(text, tokens), dtype=np.float64),
        n_tokens=len(tokens),
    )


def _body(space: FeatureSpace, text: str) -> _Body:
    base = _text(text)
    sentences = split_sentences(text)
    sentence_tokens = [tokenize(s) for s in sentences]
    sentence_cues = np.asarray(
        [cue_counts(s, t) for s, t in zip(sentences, sentence_tokens, strict=True)],
        dtype=np.float64,
    )
    lead_stems: set[str] = set()
    for toks in sentence_tokens[:_LEAD_SENTENCES]:
        lead_stems.update(content_stems(toks))
    n = max(len(base.stems), 1)
    first_pos: dict[str, float] = {}
    tf: dict[str, int] = {}
    for i, s in enumerate(base.stems):
        first_pos.setdefault(s, i / n)
        tf[s] = tf.get(s, 0) + 1
    norm = _BM25_K1 * (1.0 - _BM25_B + _BM25_B * len(base.stems) / space.avg_body_len)
    bm25 = {s: space.idf.get(s, 0.0) * c * (_BM25_K1 + 1.0) / (c + norm) for s, c in tf.items()}
    return _Body(
        stems=base.stems,
        stem_set=base.stem_set,
        bigrams=base.bigrams,
        nums=base.nums,
        cues=base.cues,
        n_tokens=base.n_tokens,
        lead_stems=lead_stems,
        first_pos=first_pos,
        bm25=bm25,
        sentence_terms=[_terms(content_stems(t)) for t in sentence_tokens],
        sentence_cues=sentence_cues,
        lead_cues=sentence_cues[:_LEAD_SENTENCES].sum(axis=0),
    )


@dataclass(frozen=True)
class _EncodedBody:
    """Everything about a body that no headline changes: its text work and its TF-IDF rows.

    A TF-IDF row depends on its own document only, so rows transformed in one batch equal
    rows transformed in another: cached and fresh bodies give the same features.
    """

    info: _Body
    sentences: sparse.csr_matrix  # word rows of its sentences
    word: sparse.csr_matrix  # one word row
    char: sparse.csr_matrix  # one char row, of the first _CHAR_PREFIX characters


class BodyCache(LRUCache[str, _EncodedBody]):
    """Bounded LRU of encoded bodies, keyed by the body text, for one :class:`FeatureSpace`."""

    def __init__(self, space: FeatureSpace, *, maxsize: int = 4096) -> None:
        super().__init__(maxsize=maxsize)
        self.space = space


def _row_cosine(a: FloatMatrix, b: FloatMatrix) -> NDArray[np.float64]:
    num = np.einsum("ij,ij->i", a, b, dtype=np.float64)
    den = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    cosine: NDArray[np.float64] = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return cosine


def _sparse_row_dot(a: sparse.csr_matrix, b: sparse.csr_matrix) -> NDArray[np.float64]:
    # TF-IDF rows are L2-normalised, so the dot product is the cosine.
    return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()


def _pair_scalars(
    space: FeatureSpace, head: _Text, body: _Body, sims: NDArray[np.float64]
) -> list[float]:
    h = head.stem_set
    n_h = max(len(h), 1)
    idf = space.idf
    found = h & body.stem_set
    # fsum: exact, so the result does not depend on set order (string hashing is
    # randomised per process) and training stays reproducible across runs.
    idf_total = math.fsum(idf.get(s, 1.0) for s in h) or 1.0
    bm25 = math.fsum(body.bm25.get(s, 0.0) for s in h)
    union = len(h | body.stem_set) or 1
    order = np.argsort(-sims, kind="stable")
    top = order[:_TOP_SENTENCES]
    best = int(order[0])
    n_sent = len(sims)
    positions = [body.first_pos[s] for s in found]
    best_neg = body.sentence_cues[best, 3]
    return [
        bm25,
        bm25 / idf_total,
        len(found) / n_h,
        math.fsum(idf.get(s, 1.0) for s in found) / idf_total,
        len(h & body.lead_stems) / n_h,
        len(head.bigrams & body.bigrams) / max(len(head.bigrams), 1),
        len(found) / union,
        math.fsum(positions) / len(positions) if positions else 1.0,
        float(sims[best]),
        float(sims[top].mean()),
        best / max(n_sent - 1, 1),
        float((sims > _SENTENCE_HIT).mean()),
        float(sims[0]),
        float(sims[:_LEAD_SENTENCES].mean()),
        float(len(head.nums)),
        len(head.nums & body.nums) / len(head.nums) if head.nums else -1.0,
        float(head.n_tokens),
        math.log1p(body.n_tokens),
        math.log1p(n_sent),
        float((head.cues[3] % 2) != (best_neg % 2)),
    ]


@dataclass(frozen=True)
class LinearInputs:
    """TF-IDF rows each linear stance source reads, and each pair's row index."""

    rows: dict[str, sparse.csr_matrix]
    index: dict[str, NDArray[np.int64]]


def extract_features(
    space: FeatureSpace,
    *,
    headlines: Sequence[str],
    bodies: Sequence[str],
    cache: BodyCache | None = None,
) -> FloatMatrix:
    """Feature matrix with FEATURE_NAMES columns, one row per (headline, body) pair.

    ``cache`` (built for ``space``) keeps each body's work for later calls; the features
    are the same with or without it.
    """
    out, inputs = extract_with_inputs(space, headlines=headlines, bodies=bodies, cache=cache)
    start = len(FEATURE_NAMES) - len(LINEAR_NAMES)
    for k, source in enumerate(LINEAR_SOURCES):
        linear = space.linear.get(source)
        if linear is not None and len(out):
            scores = linear.scores(inputs.rows[source])[inputs.index[source]]
            out[:, start + 3 * k : start + 3 * k + 3] = scores
    return out


def _encode(
    space: FeatureSpace, *, heads: list[_Text], uniq_heads: list[str], texts: list[str]
) -> tuple[list[_EncodedBody], sparse.csr_matrix, sparse.csr_matrix]:
    """Encode ``texts`` as bodies; also the word and char rows of the headlines."""
    body_info = [_body(space, b) for b in texts]
    # One transform call for every text: sklearn's per-call overhead dominates on
    # short sentences.
    sentence_docs = [terms for b in body_info for terms in b.sentence_terms]
    bounds = np.cumsum([0] + [len(b.sentence_terms) for b in body_info])
    word_all = space.word.transform(
        sentence_docs + [_terms(b.stems) for b in body_info] + [_terms(h.stems) for h in heads]
    ).tocsr()
    n_sent_total, n_bodies = len(sentence_docs), len(body_info)
    char_all = space.char.transform(uniq_heads + [b[:_CHAR_PREFIX] for b in texts]).tocsr()
    n_heads = len(uniq_heads)
    encoded = [
        _EncodedBody(
            # Token lists only feed the transforms above; a cached body keeps what pairs use
            # (sets, positions, BM25 weights, rows): entries 14 % smaller (bench/PERFORMANCE.md).
            info=replace(info, stems=[], sentence_terms=[]),
            sentences=word_all[bounds[k] : bounds[k + 1]],
            word=word_all[n_sent_total + k : n_sent_total + k + 1],
            char=char_all[n_heads + k : n_heads + k + 1],
        )
        for k, info in enumerate(body_info)
    ]
    return encoded, word_all[n_sent_total + n_bodies :], char_all[:n_heads]


def extract_with_inputs(
    space: FeatureSpace,
    *,
    headlines: Sequence[str],
    bodies: Sequence[str],
    cache: BodyCache | None = None,
) -> tuple[FloatMatrix, LinearInputs]:
    """Features with the linear-stance columns left at 0, plus those models' inputs."""
    if cache is not None and cache.space is not space:
        raise ValueError("the body cache belongs to another feature space")
    if len(headlines) != len(bodies):
        raise ValueError("headlines and bodies differ in length")
    n = len(headlines)
    out = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float32)
    if n == 0:
        return out, LinearInputs(rows={}, index={})
    uniq_heads = list(dict.fromkeys(headlines))
    uniq_bodies = list(dict.fromkeys(bodies))
    head_index = {h: i for i, h in enumerate(uniq_heads)}
    body_index = {b: i for i, b in enumerate(uniq_bodies)}
    hi = np.fromiter((head_index[h] for h in headlines), dtype=np.int64, count=n)
    bi = np.fromiter((body_index[b] for b in bodies), dtype=np.int64, count=n)

    heads = [_text(h) for h in uniq_heads]
    found: dict[str, _EncodedBody] = {}
    if cache is not None:
        for body_text in uniq_bodies:
            hit = cache.get(body_text)
            if hit is not None:
                found[body_text] = hit
    missing = [t for t in uniq_bodies if t not in found]
    fresh, head_word, head_char = _encode(space, heads=heads, uniq_heads=uniq_heads, texts=missing)
    for text, enc in zip(missing, fresh, strict=True):
        found[text] = enc
        if cache is not None:
            cache[text] = enc
    encoded = [found[t] for t in uniq_bodies]
    body_info = [e.info for e in encoded]
    body_word = sparse.vstack([e.word for e in encoded], format="csr")
    body_char = sparse.vstack([e.char for e in encoded], format="csr")
    basis_t = space.svd_basis.T
    head_svd = np.asarray(head_word @ basis_t, dtype=np.float32)
    body_svd = np.asarray(body_word @ basis_t, dtype=np.float32)

    out[:, 0] = _sparse_row_dot(head_word[hi], body_word[bi])
    out[:, 1] = _sparse_row_dot(head_char[hi], body_char[bi])
    out[:, 2] = _row_cosine(head_svd[hi], body_svd[bi])

    n_cues = len(CUE_NAMES)
    scalar_end = len(_SCALAR_NAMES)
    order = np.argsort(bi, kind="stable")
    starts = np.flatnonzero(np.r_[True, bi[order][1:] != bi[order][:-1]])
    for start, stop in zip(starts, np.r_[starts[1:], n], strict=True):
        rows = order[start:stop]
        b = int(bi[rows[0]])
        body = body_info[b]
        head_ids = hi[rows]
        sentences = encoded[b].sentences
        sims_all = np.asarray((sentences @ head_word[head_ids].T).toarray(), dtype=np.float64)
        tops = np.argsort(-sims_all, axis=0, kind="stable")[:_TOP_SENTENCES].T
        body_rate = 100.0 * body.cues / max(body.n_tokens, 1)
        for k, row in enumerate(rows):
            head = heads[int(head_ids[k])]
            sims = sims_all[:, k]
            out[row, 3:scalar_end] = _pair_scalars(space, head, body, sims)
            top = tops[k]
            col = scalar_end
            out[row, col : col + n_cues] = body_rate
            col += n_cues
            out[row, col : col + n_cues] = body.lead_cues
            col += n_cues
            out[row, col : col + n_cues] = body.sentence_cues[top].sum(axis=0)
            col += n_cues
            out[row, col : col + n_cues] = body.sentence_cues[top[0]]
            col += n_cues
            out[row, col : col + n_cues] = head.cues
            col += n_cues
            # Cue rate over every sentence that shares terms with the headline.
            hits = sims > _SENTENCE_HIT
            if hits.any():
                out[row, col : col + n_cues] = body.sentence_cues[hits].mean(axis=0)
    inputs = LinearInputs(
        rows={"body": body_word, "head": head_word}, index={"body": bi, "head": hi}
    )
    return out, inputs
