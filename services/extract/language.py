"""Language identification: a cheap English test first, langdetect when unsure."""

from __future__ import annotations

import re

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

__all__ = ["UNKNOWN", "detect_language"]

UNKNOWN = "und"
_SAMPLE_CHARS = 3000
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "was",
        "that",
        "for",
        "on",
        "with",
        "as",
        "by",
        "at",
        "it",
        "from",
        "said",
        "has",
        "have",
        "were",
        "be",
        "are",
        "which",
        "this",
        "an",
        "not",
        "but",
        "had",
        "its",
        "after",
        "his",
        "her",
        "their",
        "been",
        "will",
        "would",
        "who",
    ]
)
# Articles share function words across Romance and Germanic languages; demand a clear lead.
_ENGLISH_SHARE = 0.22
_MIN_WORDS = 3

DetectorFactory.seed = 0  # langdetect is random unless seeded


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``, or ``"und"`` when it has too few words to tell."""
    sample = text[:_SAMPLE_CHARS]
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < _MIN_WORDS:
        return UNKNOWN
    share = sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)
    if share >= _ENGLISH_SHARE and len(words) >= 20:
        return "en"
    try:
        code = str(detect(" ".join(words)))
    except LangDetectException:
        return UNKNOWN
    return code.split("-")[0]
