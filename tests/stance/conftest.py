"""Locations and small FNC-format fixtures for the stance tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crosscheck.stance.data import FncPairs, read_bodies, read_pairs
from tests.conftest import FNC_DIR, require_shared

_BODIES = {
    "7": (
        "Police confirmed on Monday that a meteorite crashed into a field near the town. "
        "Officials said the crater was three metres deep.\n\nResidents heard a loud boom."
    ),
    "12": (
        "The story that a giant spider was found in a hotel is a hoax, the hotel said. "
        "The photo was doctored and no spider was ever found, a spokesman denied it."
    ),
    "3": "Markets rose on Tuesday as investors welcomed the central bank's decision.",
}
_STANCES = [
    ("Meteorite crashes near town", "7", "agree"),
    ("Giant spider found in hotel room", "12", "disagree"),
    ("Central bank decision lifts markets", "12", "unrelated"),
    ("Giant spider found in hotel room", "7", "unrelated"),
    ("Meteorite reportedly crashed, residents say", "7", "discuss"),
    ("Investors welcome bank decision", "3", "agree"),
]


@pytest.fixture
def fnc_files(tmp_path: Path) -> tuple[Path, Path, list[tuple[str, str, str]]]:
    """A tiny synthetic dataset in FNC-1 format: (bodies.csv, stances.csv, rows)."""
    bodies = tmp_path / "bodies.csv"
    stances = tmp_path / "stances.csv"
    with bodies.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows(_BODIES.items())
    with stances.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(_STANCES)
    return bodies, stances, list(_STANCES)


def require_fnc() -> Path:
    return require_shared(FNC_DIR / "train_stances.csv").parent


def fnc_slice(n_bodies: int) -> FncPairs:
    """The pairs of the first ``n_bodies`` FNC-1 training bodies."""
    data = require_fnc()
    ids = list(read_bodies(data / "train_bodies.csv"))[:n_bodies]
    return read_pairs(
        bodies_path=data / "train_bodies.csv",
        stances_path=data / "train_stances.csv",
        body_ids=ids,
    )
