"""structlog, configured once per process: JSON off a TTY, a readable console on one."""

from __future__ import annotations

import logging
import re
import sys

import structlog

_SECRET_FIELDS = frozenset({"api_key", "authorization", "password", "redis_url", "key", "token"})


# Secrets inside text: query parameters such as ``?key=...`` (urllib3 logs request URLs at
# DEBUG, and the fact-check API takes its key that way) and passwords in URLs.
_SECRET_IN_TEXT = re.compile(
    r"(?i)([?&](?:key|api_?key|access_token|token|password|secret)=)[^&\s\"'#]+"
    r"|(://[^/@:\s\"']*:)[^/@\s\"']+(@)"
)


def _scrub(text: str) -> str:
    return _SECRET_IN_TEXT.sub(lambda m: f"{m[1]}***" if m[1] else f"{m[2]}***{m[3]}", text)


def _redact_secrets(
    _logger: object, _method: str, event_dict: structlog.types.EventDict
) -> structlog.types.EventDict:
    # A bound secret must never reach a log line, whoever bound it.
    for field in _SECRET_FIELDS & event_dict.keys():
        event_dict[field] = "***"
    for name, value in event_dict.items():
        if isinstance(value, str) and ("=" in value or "@" in value):
            event_dict[name] = _scrub(value)
    return event_dict


def configure_logging(*, level: str = "INFO", json: bool | None = None) -> None:
    render_json = (not sys.stderr.isatty()) if json is None else json
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if render_json else structlog.dev.ConsoleRenderer()
    )
    shared_processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact_secrets,
    ]
    structlog.configure(
        processors=[
            *shared_processors,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # Route stdlib logging (celery, uvicorn, kombu) through the same renderer.
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared_processors,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
