"""What ``crosscheck ingest`` reads: article JSON files, JSON Lines, URLs and stdin, each
turned into the articles to post, or the reason one cannot be posted. Pure: no network."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_LINES_SUFFIXES = {".jsonl", ".ndjson"}
_FILE_SUFFIXES = {".json", *_LINES_SUFFIXES}


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to post: an article, or why there is none (``problem``)."""

    label: str  # where it came from: a file, file:line, stdin:line or the URL
    article: dict[str, Any] | None = None
    problem: str | None = None


def is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def url_item(url: str, *, label: str, source: str | None) -> Item:
    """A URL-only article (a worker fetches it); its source is ``source`` or the host."""
    host = urlsplit(url).hostname or url
    return Item(label, {"url": url, "source": source or host})


def _json_value(value: Any, *, label: str) -> list[Item]:
    if isinstance(value, dict):
        return [Item(label, value)]
    if isinstance(value, list):
        return [
            Item(f"{label}[{i}]", v)
            if isinstance(v, dict)
            else Item(f"{label}[{i}]", problem="not a JSON object")
            for i, v in enumerate(value)
        ]
    return [Item(label, problem="not a JSON object or a list of them")]


def from_lines(text: str, *, label: str, source: str | None) -> list[Item]:
    """JSON Lines: each line an article object or an http(s) URL; blank lines and lines
    starting with ``#`` are skipped."""
    items: list[Item] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{label}:{number}"
        if not line or line.startswith("#"):
            continue
        if is_url(line):
            items.append(url_item(line, label=where, source=source))
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(Item(where, problem=f"neither JSON nor an http(s) URL ({exc.msg})"))
            continue
        items.extend(
            _json_value(value, label=where)
            if isinstance(value, dict)
            else [Item(where, problem="not a JSON object")]
        )
    return items


def from_text(text: str, *, label: str, source: str | None) -> list[Item]:
    """A whole JSON document (an object or a list of objects), else JSON Lines."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return from_lines(text, label=label, source=source)
    return _json_value(value, label=label)


def _from_file(path: Path, *, source: str | None) -> list[Item]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Item(str(path), problem=f"cannot be read: {exc}")]
    if path.suffix.lower() in _LINES_SUFFIXES:
        return from_lines(text, label=str(path), source=source)
    if path.suffix.lower() == ".json":
        try:
            return _json_value(json.loads(text), label=str(path))
        except json.JSONDecodeError as exc:
            return [Item(str(path), problem=f"not valid JSON: {exc.msg} at line {exc.lineno}")]
    return from_text(text, label=str(path), source=source)


def read_inputs(args: Sequence[str], *, stdin: Iterable[str], source: str | None) -> list[Item]:
    """Every item of ``args`` in order: ``-`` is ``stdin``; an http(s) URL is a URL article;
    a directory gives its ``*.json``, ``*.jsonl`` and ``*.ndjson`` files; a file is read by
    its suffix (``.jsonl``/``.ndjson``: JSON Lines, ``.json``: one JSON document)."""
    items: list[Item] = []
    for arg in args:
        if arg == "-":
            items.extend(from_text("".join(stdin), label="stdin", source=source))
        elif is_url(arg):
            items.append(url_item(arg, label=arg, source=source))
        elif (path := Path(arg)).is_dir():
            for child in sorted(p for p in path.iterdir() if p.suffix.lower() in _FILE_SUFFIXES):
                items.extend(_from_file(child, source=source))
        elif path.is_file():
            items.extend(_from_file(path, source=source))
        else:
            items.append(Item(arg, problem="no such file, and not an http(s) URL"))
    return items
