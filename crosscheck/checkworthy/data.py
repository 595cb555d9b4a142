"""CLEF CheckThat! check-worthiness files: one debate or speech per TSV file.

A line is ``line_number<TAB>speaker<TAB>text[<TAB>label]``, UTF-8, no header; label 1
marks a sentence a fact-checker chose. Files without the label column are read too
(their labels are ``None``), so unlabelled debates can be scored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.errors import InvalidInput

__all__ = ["Debate", "data_files", "file_sha256", "read_debate", "read_debates"]


@dataclass(frozen=True, slots=True)
class Debate:
    """The lines of one debate in speaking order."""

    name: str
    line_numbers: list[str]
    speakers: list[str]
    texts: list[str]
    labels: list[int] | None

    def __len__(self) -> int:
        return len(self.texts)


def data_files(directory: Path) -> list[Path]:
    """The ``*.tsv`` files of ``directory``, sorted by name; an error if there are none."""
    files = sorted(p for p in directory.glob("*.tsv") if p.is_file())
    if not files:
        raise InvalidInput(f"no .tsv files in {directory}")
    return files


def read_debate(path: Path) -> Debate:
    """One file; every line must have 3 fields, or 4 with a 0/1 label, consistently."""
    numbers: list[str] = []
    speakers: list[str] = []
    texts: list[str] = []
    labels: list[int] = []
    widths: set[int] = set()
    with path.open(encoding="utf-8") as handle:
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) not in (3, 4):
                raise InvalidInput(f"{path}:{lineno}: expected 3 or 4 tab-separated fields")
            widths.add(len(fields))
            numbers.append(fields[0].strip())
            speakers.append(fields[1].strip())
            texts.append(fields[2])
            if len(fields) == 4:
                label = fields[3].strip()
                if label not in ("0", "1"):
                    raise InvalidInput(f"{path}:{lineno}: label must be 0 or 1, not {label!r}")
                labels.append(int(label))
    if len(widths) > 1:
        raise InvalidInput(f"{path}: some lines have a label column and some do not")
    return Debate(
        name=path.stem,
        line_numbers=numbers,
        speakers=speakers,
        texts=texts,
        labels=labels if widths == {4} else None,
    )


def read_debates(files: Sequence[Path]) -> list[Debate]:
    return [read_debate(p) for p in files]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
