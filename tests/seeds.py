"""The two seed articles as API payloads: two outlets, one claim, both published 2017-06-16."""

from __future__ import annotations

from typing import Any

from tests.conftest import SEEDS_DIR, require_shared

SEED_PUBLISHED = "2017-06-16T09:00:00Z"
SEEDS = {
    "000_8564a6edf3cd1575.txt": {
        "source": "TIME (Associated Press)",
        "title": "Russia Says It May Have Killed ISIS Leader Abu Bakr al-Baghdadi in an Airstrike",
        "url": "https://seed.example/time/russia-baghdadi",
    },
    "003_7313f90b12f14898.txt": {
        "source": "Conservative Daily Post",
        "title": "Russian Military Killed ISIS Leader Abu al-Baghdadi",
        "url": "https://seed.example/cdp/russian-military-killed-baghdadi",
    },
}


def seed_articles() -> list[dict[str, Any]]:
    require_shared(SEEDS_DIR)
    return [
        {
            **meta,
            "body": (SEEDS_DIR / name).read_text(encoding="utf-8"),
            "published_at": SEED_PUBLISHED,
        }
        for name, meta in SEEDS.items()
    ]
