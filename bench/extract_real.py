"""Extraction on real news nobody here wrote: claims per article, headlines, speakers.

Runs ``extract_many`` in-process over two samples and counts what a reader of the
verdicts would notice:

* **FNC-1 bodies** (``train_bodies.csv``): claims per article, articles with no claim,
  attributed claims, and *bogus speakers*: a speaker that is a relative or demonstrative
  word ("who", "that"), a pronoun left unresolved, a fragment with no letter, a lone
  capitalised word or title the linker could not tie to a named thing ("Contents",
  "Total Recall"), or a surname written alone while the same article names the person in
  full ("Earnest" beside "Josh Earnest"). Also the claims whose attribution is marked a
  relay or a denial.
* **Emergent headlines** (``emergent/train.csv``, one article per distinct headline, the
  headline as body, as a rumour tracker posts them): the share of headlines that give at
  least one claim; likewise the FNC-1 headlines (``train_stances.csv``).

Samples are split by a hash of the Body ID / claim id into a development slice (``dev``,
the one looked at while writing rules) and a check slice (``check``, only counted).

    python bench/extract_real.py                 # both slices, writes bench/results/
    python bench/extract_real.py --slice dev --bodies 100 --show 20
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.extract.claims import Extraction, extract_many  # noqa: E402
from services.extract.nlp import load_nlp  # noqa: E402
from shared.schemas import Claim, ClaimKind, StoredArticle  # noqa: E402
from shared.settings import get_settings  # noqa: E402

DATASETS = REPO.parent / "shared" / "datasets"
FNC_BODIES = DATASETS / "fnc1" / "train_bodies.csv"
FNC_STANCES = DATASETS / "fnc1" / "train_stances.csv"
EMERGENT = DATASETS / "emergent" / "train.csv"
RESULT = REPO / "bench" / "results" / "extract_real.json"

_PUBLISHED = datetime(2015, 3, 1, 12, 0, tzinfo=UTC)
_CHUNK = 32
_RELATIVE_WORDS_TEXT = "who whom whose which that this these those what whatever whoever there here"
_RELATIVE = frozenset(_RELATIVE_WORDS_TEXT.split())
_PRONOUNS_WORDS_TEXT = "he she it they we i you him her them us one"
_PRONOUNS = frozenset(_PRONOUNS_WORDS_TEXT.split())
_QUANTIFIERS_WORDS_TEXT = (
    "some another many most all both each few several any either neither others other pro"
)
_QUANTIFIERS = frozenset(_QUANTIFIERS_WORDS_TEXT.split())
# Anonymous but real sources: "Police said", "Witnesses told".
_GROUP_NOUNS_WORDS_TEXT = """sources source police witnesses witness residents officials official
    researchers scientists experts analysts authorities investigators correspondents reports
    prosecutors doctors critics observers activists neighbours neighbors relatives friends
    family students staff employees workers soldiers troops rebels militants insiders locals"""
_GROUP_NOUNS = frozenset(_GROUP_NOUNS_WORDS_TEXT.split())


def _slice_of(key: str) -> str:
    """``dev`` for about a third of the keys, ``check`` for the rest (by a stable hash)."""
    digest = int(hashlib.blake2b(key.encode(), digest_size=4).hexdigest(), 16)
    return "dev" if digest % 3 == 0 else "check"


def _rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(10_000_000)
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _article(article_id: str, body: str, *, source: str, title: str = "") -> StoredArticle:
    return StoredArticle(
        article_id=article_id,
        title=title,
        body=body,
        source=source,
        published_at=_PUBLISHED,
        received_at=_PUBLISHED,
    )


def _extract(articles: Sequence[StoredArticle]) -> list[Extraction]:
    nlp = load_nlp(get_settings().spacy_model)
    out: list[Extraction] = []
    for start in range(0, len(articles), _CHUNK):
        out.extend(extract_many(nlp=nlp, articles=articles[start : start + _CHUNK]))
    return out


def bogus_reason(claim: Claim, *, article_keys: dict[str, str]) -> str | None:
    """Why the claim's speaker is not a real speaker, or None if it may be one."""
    att = claim.attribution
    if att is None:
        return None
    text = att.speaker.strip()
    words = re.findall(r"[^\W\d_][\w'\-]*", text)
    if not words:
        return "no word"
    low = [w.lower() for w in words]
    if len(low) == 1 and low[0] in _RELATIVE:
        return "relative or demonstrative"
    if len(low) == 1 and low[0] in _PRONOUNS and att.speaker_key.startswith("src:"):
        return "unresolved pronoun"
    if len(low) == 1 and low[0] in _QUANTIFIERS:
        return "determiner fragment"
    if len(low) == 1 and article_keys.get(low[0], att.speaker_key) != att.speaker_key:
        return "surname beside full name"
    if (
        att.speaker_key.startswith("src:")
        and all(w[:1].isupper() for w in words)
        and not text.isupper()
        and low[0] not in {"the", "a", "an"}
        and not (len(low) == 1 and low[0] in _GROUP_NOUNS)
    ):
        return "unlinked name or title"
    return None


def _speaker_keys(extraction: Extraction) -> dict[str, str]:
    """Surname -> key of each person the article names in full."""
    keys: dict[str, str] = {}
    for c in extraction.claims:
        for e in c.entities:
            words = e.text.split()
            if e.label == "PERSON" and len(words) >= 2:
                keys.setdefault(words[-1].lower(), e.key)
    return keys


def measure_bodies(articles: Sequence[StoredArticle], *, show: int) -> dict[str, Any]:
    extractions = _extract(articles)
    claims = [c for x in extractions for c in x.claims]
    assertions = [c for c in claims if c.kind is ClaimKind.assertion]
    attributed = [c for c in assertions if c.attribution is not None]
    bogus: Counter[str] = Counter()
    examples: dict[str, Counter[str]] = {}
    speakers: Counter[str] = Counter()
    for x in extractions:
        keys = _speaker_keys(x)
        for c in x.claims:
            if c.kind is not ClaimKind.assertion or c.attribution is None:
                continue
            speakers[c.attribution.speaker] += 1
            reason = bogus_reason(c, article_keys=keys)
            if reason is not None:
                bogus[reason] += 1
                examples.setdefault(reason, Counter())[c.attribution.speaker] += 1
    roles = Counter(
        getattr(c.attribution, "role", "says") for c in attributed if c.attribution is not None
    )
    no_claim = [x for x in extractions if not x.claims]
    reasons = Counter(str(getattr(x, "reason", None)) for x in no_claim)
    result: dict[str, Any] = {
        "articles": len(articles),
        "claims": len(claims),
        "assertions": len(assertions),
        "claims_per_article": round(len(claims) / max(1, len(articles)), 2),
        "articles_without_claim": len(no_claim),
        "no_claim_reasons": dict(reasons),
        "attributed_assertions": len(attributed),
        "distinct_speakers": len(speakers),
        "bogus_speaker_claims": sum(bogus.values()),
        "bogus_share_of_attributed": round(sum(bogus.values()) / max(1, len(attributed)), 4),
        "bogus_by_reason": dict(bogus),
        "roles": dict(roles),
        "title_claims": sum(1 for c in claims if getattr(c, "section", "body") == "title"),
    }
    if show:
        result["bogus_examples"] = {
            r: [s for s, _ in cnt.most_common(show)] for r, cnt in examples.items()
        }
        result["top_speakers"] = [s for s, _ in speakers.most_common(show)]
    return result


def measure_headlines(headlines: Sequence[str], *, show: int, prefix: str) -> dict[str, Any]:
    articles = [
        _article(f"{prefix}{i}", h, source=f"outlet{i % 7}") for i, h in enumerate(headlines)
    ]
    extractions = _extract(articles)
    found = [x for x in extractions if any(c.kind is ClaimKind.assertion for c in x.claims)]
    result: dict[str, Any] = {
        "headlines": len(headlines),
        "with_claim": len(found),
        "share_with_claim": round(len(found) / max(1, len(headlines)), 4),
        "claims": sum(len(x.claims) for x in extractions),
        "attributed": sum(
            1
            for x in extractions
            for c in x.claims
            if c.kind is ClaimKind.assertion and c.attribution
        ),
    }
    if show:
        rng = random.Random(7)
        missed = [h for h, x in zip(headlines, extractions, strict=True) if not x.claims]
        result["missed_examples"] = rng.sample(missed, min(show, len(missed)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slice", choices=("dev", "check", "both"), default="both")
    parser.add_argument("--bodies", type=int, default=None, help="at most N bodies per slice")
    parser.add_argument("--show", type=int, default=0, help="examples to print per group")
    parser.add_argument("--out", type=Path, default=None, help=f"default: {RESULT}")
    args = parser.parse_args(argv)
    if not (FNC_BODIES.exists() and EMERGENT.exists()):
        print(f"skipped: {DATASETS} is absent (it holds FNC-1 and Emergent)")
        return 0
    slices = ("dev", "check") if args.slice == "both" else (args.slice,)
    report: dict[str, Any] = {}
    for name in slices:
        bodies = [
            _article(f"fnc{row['Body ID']}", row["articleBody"], source="outlet")
            for row in _rows(FNC_BODIES)
            if _slice_of(row["Body ID"]) == name and row["articleBody"].strip()
        ][: args.bodies]
        emergent = sorted(
            {
                r["articleHeadline"].strip()
                for r in _rows(EMERGENT)
                if _slice_of(r["claimId"]) == name
            }
            - {""}
        )
        claims = sorted(
            {r["claimHeadline"].strip() for r in _rows(EMERGENT) if _slice_of(r["claimId"]) == name}
            - {""}
        )
        fnc_heads = sorted(
            {r["Headline"].strip() for r in _rows(FNC_STANCES) if _slice_of(r["Body ID"]) == name}
        )
        report[name] = {
            "fnc_bodies": measure_bodies(bodies, show=args.show),
            "emergent_headlines": measure_headlines(emergent, show=args.show, prefix="em"),
            "emergent_claims": measure_headlines(claims, show=args.show, prefix="ec"),
            "fnc_headlines": measure_headlines(fnc_heads, show=args.show, prefix="fh"),
        }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    out = args.out or (RESULT if args.show == 0 and args.bodies is None else None)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
