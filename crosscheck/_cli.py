"""Options and output shared by the training and evaluation commands of ``crosscheck``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

INPUT_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
INPUT_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
OUTPUT_FILE = click.Path(dir_okay=False, path_type=Path)
COMMITTED_ARTIFACT = "Artifact path [default: the committed artifact]."


def input_file(flag: str, dest: str, *, help: str | None = None) -> Callable[[F], F]:
    """A required option naming a file that exists."""
    return click.option(flag, dest, required=True, type=INPUT_FILE, help=help)


def data_dir(help: str) -> Callable[[F], F]:
    """The required ``--data`` option naming a directory that exists."""
    return click.option("--data", "data_dir", required=True, type=INPUT_DIR, help=help)


def fnc_files() -> Callable[[F], F]:
    """The required ``--bodies`` and ``--stances`` options of an FNC-1-format pair of files."""
    bodies = input_file("--bodies", "bodies_path")
    stances = input_file("--stances", "stances_path")

    def decorate(command: F) -> F:
        return bodies(stances(command))

    return decorate


def model_file() -> Callable[[F], F]:
    """The optional ``--model`` option: an artifact to use instead of the committed one."""
    return click.option(
        "--model",
        "model_path",
        type=INPUT_FILE,
        default=None,
        help="Artifact to use [default: the committed artifact].",
    )


def out_file(help: str | None = None) -> Callable[[F], F]:
    """The optional ``--out`` option: a file to write."""
    return click.option("--out", type=OUTPUT_FILE, default=None, help=help)


def echo_figures(figures: dict[str, Any], keys: list[str]) -> None:
    """Print ``key: value`` for each of ``keys``, values as JSON."""
    for key in keys:
        click.echo(f"{key}: {json.dumps(figures.get(key))}")


def write_figures(out: Path | None, figures: dict[str, Any]) -> None:
    """Write ``figures`` as indented JSON to ``out`` (its folder made), if one is given."""
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")


def echo_artifact(target: Path) -> None:
    """Say where a model artifact was written and how large it is."""
    click.echo(f"wrote {target} ({target.stat().st_size / 1e6:.2f} MB)")
