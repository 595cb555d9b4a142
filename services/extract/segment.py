"""Cut an article body into blocks (paragraphs or standalone lines) with exact offsets.

News bodies mix paragraphs with one-line furniture (titles, bylines, captions), so a
line break ends a block unless the text obviously runs on (a hard-wrapped sentence).
Markup is blanked out with spaces of equal length, so offsets into the body stay exact
while the parser never sees tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MAX_BLOCK_CHARS",
    "Block",
    "drop_dateline",
    "mask_markup",
    "plain_apostrophes",
    "split_blocks",
]

MAX_BLOCK_CHARS = 100_000

_TAG = re.compile(r"<[^<>\n]{0,500}>|&(?:[a-zA-Z]{2,8}|#\d{1,6});")
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_LINE = re.compile(r"[^\n]*\n?")
_RUNS_ON_END = re.compile(r"[a-z,;\-]\s*$")
_RUNS_ON_START = re.compile(r"^\s*[a-z(]")
# "(MOSCOW) --", "KYIV, Ukraine (AP) --": the parser would take the city for the subject.
_DATELINE = re.compile(
    r"^\(?[A-Z][A-Z .'\-]{2,30}\)?(?:,\s*[A-Z][A-Za-z .]{1,30})?\s*(?:\((?:AP|Reuters|AFP)\)\s*)?"
    r"[\u2014\u2013]\s*|^\(?[A-Z][A-Z .'\-]{2,30}\)?(?:,\s*[A-Z][A-Za-z .]{1,30})?\s*(?:\(?(?:AP|Reuters|AFP)\)?)?\s*-+\s+"
)
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?\s+")


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph or line: ``text == masked_body[start:end]``."""

    start: int
    end: int
    text: str


def mask_markup(text: str) -> str:
    """Replace HTML tags, scripts and entities by spaces; length is unchanged."""
    if "<" not in text and "&" not in text:
        return text

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _TAG.sub(blank, _SCRIPT.sub(blank, text))


def plain_apostrophes(text: str) -> str:
    """Right single quotes as straight apostrophes (``it\u2019s`` -> ``it's``); same length."""
    return text.replace("\u2019", "'")


def _cut_long(start: int, text: str) -> list[Block]:
    """Split an over-long block near sentence ends, keeping each piece under the cap."""
    pieces: list[Block] = []
    offset = 0
    while len(text) - offset > MAX_BLOCK_CHARS:
        window = text[offset : offset + MAX_BLOCK_CHARS]
        cut = 0
        for match in _SENTENCE_END.finditer(window, MAX_BLOCK_CHARS // 2):
            cut = match.end()
        if cut == 0:
            space = window.rfind(" ", MAX_BLOCK_CHARS // 2)
            cut = space + 1 if space > 0 else MAX_BLOCK_CHARS
        pieces.append(Block(start + offset, start + offset + cut, window[:cut]))
        offset += cut
    if offset < len(text):
        pieces.append(Block(start + offset, start + len(text), text[offset:]))
    return pieces


def split_blocks(masked: str) -> list[Block]:
    """Blocks of non-blank text, trimmed, in body order."""
    blocks: list[Block] = []
    cur_start = -1
    cur_end = -1
    prev_line = ""
    pos = 0
    for match in _LINE.finditer(masked):
        line = match.group(0)
        if not line:
            break
        line_start = pos
        pos += len(line)
        content = line.rstrip("\n")
        if not content.strip():
            if cur_start >= 0:
                blocks.extend(_trimmed(masked, cur_start, cur_end))
                cur_start = -1
            prev_line = ""
            continue
        runs_on = (
            cur_start >= 0
            and _RUNS_ON_END.search(prev_line) is not None
            and _RUNS_ON_START.search(content) is not None
        )
        if cur_start >= 0 and not runs_on:
            blocks.extend(_trimmed(masked, cur_start, cur_end))
            cur_start = -1
        if cur_start < 0:
            cur_start = line_start
        cur_end = line_start + len(content)
        prev_line = content
    if cur_start >= 0:
        blocks.extend(_trimmed(masked, cur_start, cur_end))
    return blocks


def _trimmed(masked: str, start: int, end: int) -> list[Block]:
    text = masked[start:end]
    stripped = text.strip()
    if not stripped:
        return []
    lead = len(text) - len(text.lstrip())
    start += lead
    end = start + len(stripped)
    return _cut_long(start, stripped)


def drop_dateline(block: Block) -> Block:
    """The block without a leading wire dateline."""
    match = _DATELINE.match(block.text)
    if not match or match.end() >= len(block.text):
        return block
    return Block(block.start + match.end(), block.end, block.text[match.end() :])
