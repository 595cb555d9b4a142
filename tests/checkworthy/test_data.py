"""Reading CheckThat! TSV files, with and without the label column."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.checkworthy.data import data_files, read_debate
from shared.errors import InvalidInput


def test_labelled_and_unlabelled_files(tmp_path: Path) -> None:
    labelled = tmp_path / "a.tsv"
    labelled.write_text("1\tHOLT\tGood evening.\t0\n2\tTRUMP\tWe lost 70,000 factories.\t1\n")
    bare = tmp_path / "b.tsv"
    bare.write_text("1\tHOLT\tGood evening.\n\n2\tCLINTON\tThank you.\n")
    first, second = (read_debate(p) for p in data_files(tmp_path))
    assert first.name == "a" and first.labels == [0, 1]
    assert first.speakers == ["HOLT", "TRUMP"] and first.line_numbers == ["1", "2"]
    assert second.labels is None and second.texts == ["Good evening.", "Thank you."]


@pytest.mark.parametrize(
    "content",
    [
        "1\tHOLT\tGood evening.\t0\n2\tHOLT\tWelcome.\n",  # label column on some lines only
        "1\tHOLT\tGood evening.\t2\n",  # not a 0/1 label
        "1\tGood evening.\n",  # too few fields
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.tsv"
    path.write_text(content)
    with pytest.raises(InvalidInput):
        read_debate(path)


def test_a_directory_without_tsv_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        data_files(tmp_path)
