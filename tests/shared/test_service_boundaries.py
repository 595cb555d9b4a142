"""No service imports another: they share only ``shared/`` and send tasks by name."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

SERVICES = REPO_ROOT / "services"


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_service_imports_another_service() -> None:
    services = sorted(p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists())
    assert {"extract", "ingest", "verify"} <= set(services)
    crossing = sorted(
        (str(path.relative_to(SERVICES)), name)
        for service in services
        for path in (SERVICES / service).rglob("*.py")
        for name in _imported(path)
        if name.startswith("services.") and name.split(".")[1] != service
    )
    assert crossing == []
