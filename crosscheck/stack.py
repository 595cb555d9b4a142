"""The pipeline's processes: ingest API, the combined worker (or extract and verify workers
apart, as docker-compose runs them), Flower.

``crosscheck run`` and the end-to-end tests start the very same commands that
docker-compose runs, so what is tested is what ships.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import requests

from crosscheck.processes import Child, stop_all

PYTHON = sys.executable


def api_command(*, host: str, port: int) -> list[str]:
    return [
        PYTHON,
        "-m",
        "uvicorn",
        "--factory",
        "services.ingest.main:app_factory",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "5",
    ]


ALL_QUEUES = "fetch,extract,verify"
COMBINED_APP = "crosscheck.worker"


def default_concurrency(configured: int = 0) -> int:
    """Worker processes: as configured, else one per CPU core this process may use."""
    if configured > 0:
        return configured
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def worker_command(*, app: str, queues: str, name: str, concurrency: int) -> list[str]:
    return [
        PYTHON,
        "-m",
        "celery",
        "-A",
        app,
        "worker",
        "-Q",
        queues,
        "-n",
        name,
        "-c",
        str(concurrency),
        "--pool",
        "prefork",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]


def flower_command(*, port: int, address: str = "127.0.0.1") -> list[str]:
    return [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "crosscheck.flower_app",
        "flower",
        f"--port={port}",
        f"--address={address}",
        "--persistent=False",
    ]


@dataclass
class Stack:
    redis_url: str
    log_dir: Path
    api_port: int
    flower_port: int | None = None
    host: str = "127.0.0.1"
    extra_env: Mapping[str, str] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.api_port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            CROSSCHECK_REDIS_URL=self.redis_url,
            CROSSCHECK_API_PORT=str(self.api_port),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def _start(
        self, name: str, args: list[str], *, env_overrides: Mapping[str, str] | None = None
    ) -> Child:
        child = Child(
            name=name,
            args=args,
            env={**self.env(), **(env_overrides or {})},
            log_path=self.log_dir / f"{name}.log",
        ).start()
        self.children[name] = child
        return child

    def start_api(self) -> Child:
        return self._start("api", api_command(host=self.host, port=self.api_port))

    def start_extract(self, *, name: str = "extract", concurrency: int = 1) -> Child:
        return self._start_worker(name, "services.extract.worker", "fetch,extract", concurrency)

    def start_verify(self, *, name: str = "verify", concurrency: int = 1) -> Child:
        return self._start_worker(name, "services.verify.worker", "verify", concurrency)

    def start_worker(self, *, name: str = "worker", concurrency: int = 0) -> Child:
        """One worker over every queue (``crosscheck.worker``): the embedded default."""
        return self._start_worker(name, COMBINED_APP, ALL_QUEUES, default_concurrency(concurrency))

    def _start_worker(self, name: str, app: str, queues: str, concurrency: int) -> Child:
        command = worker_command(app=app, queues=queues, name=f"{name}@%h", concurrency=concurrency)
        return self._start(name, command)

    def start_flower(self) -> Child:
        if self.flower_port is None:
            raise ValueError("no flower_port configured")
        return self._start(
            "flower",
            flower_command(port=self.flower_port, address=self.host),
            # Flower 2 closes its JSON API without auth; this local stack binds to loopback
            # only, so the API may stay open here. docker-compose uses basic auth instead.
            env_overrides={"FLOWER_UNAUTHENTICATED_API": "true"},
        )

    def start_all(self, *, concurrency: int = 0) -> None:
        self.start_api()
        self.start_worker(concurrency=concurrency)
        if self.flower_port is not None:
            self.start_flower()

    def wait_http(
        self, url: str, *, timeout: float = 60.0, headers: Mapping[str, str] | None = None
    ) -> None:
        deadline = time.monotonic() + timeout
        last_error = ""
        while time.monotonic() < deadline:
            dead = [c.name for c in self.children.values() if not c.alive()]
            if dead:
                raise RuntimeError(f"{', '.join(dead)} exited early; logs in {self.log_dir}")
            try:
                if requests.get(url, timeout=2, headers=dict(headers or {})).status_code < 500:
                    return
            except requests.RequestException as exc:
                last_error = str(exc)
            time.sleep(0.2)
        raise TimeoutError(f"{url} not up after {timeout}s: {last_error}; logs in {self.log_dir}")

    def wait_api(self, *, timeout: float = 60.0, headers: Mapping[str, str] | None = None) -> None:
        self.wait_http(f"{self.api_url}/readyz", timeout=timeout, headers=headers)

    def stop(self, *, grace: float = 15.0) -> None:
        stop_all(list(self.children.values()), grace=grace)
        self.children.clear()
