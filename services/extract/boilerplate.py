"""Page furniture that must never become a claim: datelines, bylines, captions, forms.

Blocks are judged before parsing (cheap, and the parser never wastes time on them);
sentences are judged again after parsing for questions and opinion.
"""

from __future__ import annotations

import re

__all__ = ["is_boilerplate_block", "is_heading", "opinion_cues"]

_FURNITURE = re.compile(
    r"""
    ^\s*(?:date\s+\d{4}-\d{2}-\d{2}\b
      | (?:updated|originally\ published|published|posted|last\ updated|first\ published)
        \b[^.]{0,80}?\d{1,2}[:.]\d{2}
      | by\s+[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}\s*(?:[,|/\-]|and|$)
      | (?:photo|image|file\ photo|picture|video|graphic)\s*(?:credit)?\s*[:|]
      | (?:this|in\ this|a|an)\s+(?:\w+\s+){0,3}(?:image|photo|photograph|picture|video\ grab
         |screenshot|still|handout)\b.*\b(?:shows?|purports?|made|taken|released|provided)\b
      | (?:related|read\ more|see\ also|more\ from|recommended|advertisement|sponsored)\b
      | (?:leave\ a\ (?:reply|comment)|share\ (?:this|on)|tweet\ this|click\ (?:here|to)
         |sign\ up|subscribe|follow\ us|all\ rights\ reserved|copyright|\u00a9)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ANYWHERE = re.compile(
    r"""your\ email\ address\ will\ not\ be\ published|required\ fields\ are\ marked
      |privacy\ policy|cookie|terms\ of\ (?:use|service)|javascript|newsletter
      |click\ to\ learn\ more|all\ rights\ reserved|\u00a9|share\ on\ (?:facebook|twitter)""",
    re.IGNORECASE | re.VERBOSE,
)
# A caption or photo line ends with the credit of an agency or photographer.
_CREDIT_END = re.compile(
    r"""[.)]\s*\(?(?:AP|AFP|Reuters|Getty(?:\ Images)?|EPA|Xinhua|TASS|ANP|dpa|Sputnik
      |AP\ Photo[^)]*|[A-Z][a-z]+\ [A-Z][a-z]+/(?:AP|AFP|Reuters|Getty\ Images)|File)\)?\s*$""",
    re.VERBOSE,
)
_WIRE_BYLINE = re.compile(
    r"""^\s*(?:The\ )?(?:Associated\ Press|Reuters|AFP|Agence\ France-Presse|AP|Bloomberg
      |TASS|Xinhua|UPI|dpa)\s*$""",
    re.VERBOSE,
)
_TERMINAL = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s*$")
_DATELINE_ONLY = re.compile(r"^\s*\(?[A-Z][A-Z .,'\-]{2,40}\)?\s*(?:[\u2014\u2013\-]+|:)?\s*$")

_OPINION = re.compile(
    r"""\b(?:it\ (?:looks|seems|appears)\ like|i\ think|i\ believe|we\ believe|in\ my\ (?:view
      |opinion)|i\ would\ argue|let'?s\ be\ (?:clear|honest)|make\ no\ mistake|frankly
      |of\ course|obviously|clearly|needless\ to\ say|shameful|disgrace|outrageous|must\ be
      |should\ be|ought\ to|we\ need|we\ must|it\ is\ time|it's\ time|high\ time|surely
      |arguably|nobody\ (?:can|should)|what\ a|so-called|tired\ of|let\ us|imagine|deserve[sd]?
      |instead\ of\ pretending|i'?m|i\ am|we\ are\ all|wake\ up|the\ real\ question)\b
      |!""",
    re.IGNORECASE | re.VERBOSE,
)


def is_heading(text: str) -> bool:
    """A title-like line: short, without sentence-final punctuation."""
    words = text.split()
    return not _TERMINAL.search(text) and len(words) <= 25


def is_boilerplate_block(text: str) -> bool:
    """True for furniture lines; ``text`` is one block from ``segment.split_blocks``."""
    stripped = text.strip()
    if len(stripped) < 3:
        return True
    if _FURNITURE.search(stripped) or _WIRE_BYLINE.search(stripped):
        return True
    if _DATELINE_ONLY.search(stripped):
        return True
    if len(stripped) < 600 and _ANYWHERE.search(stripped):
        return True
    return len(stripped) < 600 and _CREDIT_END.search(stripped) is not None


def opinion_cues(text: str) -> list[str]:
    """Opinion and rhetoric markers in a sentence, lowercased."""
    cues = [m.group(0).lower() for m in _OPINION.finditer(text)]
    shouted = [w for w in re.findall(r"\b[A-Z]{3,}(?:-[A-Z]{2,})+\b", text)]
    return cues + [w.lower() for w in shouted]
