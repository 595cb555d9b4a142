"""What ``crosscheck ingest`` makes of files, JSON Lines, URLs and stdin (no network)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from crosscheck.inputs import Item, read_inputs

ARTICLE = {"title": "T", "body": "Text.", "source": "Wire"}


def test_every_kind_of_input_in_order(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps(ARTICLE), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([ARTICLE, 3]), encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text(
        "\n".join(
            [
                json.dumps(ARTICLE),
                "",
                "# a comment",
                "https://news.example/a",
                "{not json",
                "[1]",
            ]
        ),
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_text("ignored in a directory", encoding="utf-8")
    stdin = io.StringIO("https://wire.example/b\n" + json.dumps(ARTICLE) + "\n")
    items = read_inputs(
        [str(tmp_path), "-", "https://x.example/c", str(tmp_path / "missing.json")],
        stdin=stdin,
        source=None,
    )
    lines = str(tmp_path / "lines.jsonl")
    many = str(tmp_path / "many.json")
    assert items == [
        Item(f"{lines}:1", ARTICLE),
        Item(f"{lines}:4", {"url": "https://news.example/a", "source": "news.example"}),
        Item(
            f"{lines}:5",
            problem="neither JSON nor an http(s) URL (Expecting property name enclosed in double quotes)",
        ),
        Item(f"{lines}:6", problem="not a JSON object"),
        Item(f"{many}[0]", ARTICLE),
        Item(f"{many}[1]", problem="not a JSON object"),
        Item(str(tmp_path / "one.json"), ARTICLE),
        Item("stdin:1", {"url": "https://wire.example/b", "source": "wire.example"}),
        Item("stdin:2", ARTICLE),
        Item("https://x.example/c", {"url": "https://x.example/c", "source": "x.example"}),
        Item(str(tmp_path / "missing.json"), problem="no such file, and not an http(s) URL"),
    ]


def test_a_whole_json_document_on_stdin_and_a_source_for_urls(tmp_path: Path) -> None:
    pretty = json.dumps(ARTICLE, indent=2)
    assert read_inputs(["-"], stdin=io.StringIO(pretty), source=None) == [Item("stdin", ARTICLE)]
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": ', encoding="utf-8")
    [item] = read_inputs(
        [
            str(broken),
        ],
        stdin=io.StringIO(""),
        source=None,
    )
    assert item.article is None and (item.problem or "").startswith("not valid JSON")
    [url] = read_inputs(["https://a.example/x"], stdin=io.StringIO(""), source="A Times")
    assert url.article == {"url": "https://a.example/x", "source": "A Times"}
