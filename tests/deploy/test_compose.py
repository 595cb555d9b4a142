"""docker-compose.yml checked statically: there is no Docker engine on our machines."""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from crosscheck.redis_server import TUNING
from shared.settings import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_every_service_exists() -> None:
    assert {"redis", "ingest", "extract", "verify", "flower"} <= SERVICES.keys()


def test_redis_is_durable_and_never_evicts() -> None:
    args = _command(SERVICES["redis"])
    assert args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--maxmemory-policy") + 1] == "noeviction"


def test_redis_runs_with_the_embedded_servers_tuning() -> None:
    args = _command(SERVICES["redis"])
    for name, value in zip(TUNING[::2], TUNING[1::2], strict=True):
        assert args[args.index(name) + 1] == value, name


def test_app_services_share_one_image() -> None:
    images = {SERVICES[name]["image"] for name in ("ingest", "extract", "verify", "flower")}
    assert images == {"crosscheck:latest"}
    assert all(SERVICES[name]["build"] == "." for name in ("ingest", "extract", "verify", "flower"))
    assert (REPO / "Dockerfile").exists()


@pytest.mark.parametrize("name", ["ingest", "extract", "verify", "flower"])
def test_commands_name_real_entry_points(name: str) -> None:
    args = _command(SERVICES[name])
    if args[0] == "uvicorn":
        factory = args[args.index("--factory") + 1]
        module, _, attr = factory.partition(":")
        assert callable(getattr(importlib.import_module(module), attr))
    else:
        assert args[0] == "celery"
        module = args[args.index("-A") + 1]
        app = importlib.import_module(module).app
        assert app.main.startswith("crosscheck")
        if "worker" in args:
            queues = set(args[args.index("-Q") + 1].split(","))
            routed = {route["queue"] for route in app.conf.task_routes.values()}
            assert queues <= routed
            registered = {task for task in app.tasks if task.startswith("crosscheck.")}
            assert registered, f"{module} registers no crosscheck tasks"


def test_healthchecks() -> None:
    ingest = " ".join(SERVICES["ingest"]["healthcheck"]["test"])
    assert "/readyz" in ingest
    for name in ("extract", "verify"):
        check = " ".join(SERVICES[name]["healthcheck"]["test"])
        assert "inspect ping" in check


def test_every_crosscheck_variable_is_a_setting() -> None:
    text = (REPO / "docker-compose.yml").read_text() + (REPO / ".env.example").read_text()
    names = set(re.findall(r"\bCROSSCHECK_([A-Z0-9_]+)", text))
    fields = {field.upper() for field in Settings.model_fields}
    assert names, "compose sets no CROSSCHECK_ variables"
    assert names <= fields, f"not settings: {sorted(names - fields)}"


def test_api_keys_and_flower_auth_are_required() -> None:
    env = SERVICES["ingest"]["environment"]
    assert ":?" in env["CROSSCHECK_API_KEYS"], "compose must refuse to start without API keys"
    assert ":?" in SERVICES["flower"]["environment"]["FLOWER_BASIC_AUTH"]
    assert env["CROSSCHECK_ENVIRONMENT"] == "production"
