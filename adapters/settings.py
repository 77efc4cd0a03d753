"""Settings: config.toml, overridden by PODFORGE_<SECTION>__<KEY> environment variables."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from limits import parse_many
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from adapters.resources import resource
from adapters.secret_strength import weakness

DEFAULT_JWT_SECRET = "change-me-dev-only-secret"
CONFIG_ENV_VAR = "PODFORGE_CONFIG"


class Section(BaseModel):
    """A config section; unknown keys are kept, since plugins read sub-sections of their own."""

    model_config = ConfigDict(extra="allow")

    def plugin_section(self, name: str) -> dict[str, Any]:
        """The ``[<section>.<name>]`` table, as plain data, for a plugin's settings model."""
        extra = self.model_extra or {}
        value = extra.get(name, {})
        return dict(value) if isinstance(value, dict) else {}


class AppSection(Section):
    env: Literal["dev", "test", "production"] = "dev"
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    data_dir: Path = Path("var")
    base_url: str = "http://127.0.0.1:8000"


class DatabaseSection(Section):
    url: str = ""  # empty: an SQLite file under [app] data_dir
    # PostgreSQL connections kept open per process: enough for the API's request threads, so
    # busy moments do not open and close connections.
    pool_size: int = Field(20, ge=1, le=200)
    max_overflow: int = Field(20, ge=0, le=200)
    # A worker process renders one task at a time and holds one connection (measured by
    # bench/connections.py); these replace the two above in `podforge worker`'s processes.
    worker_pool_size: int = Field(2, ge=1, le=200)
    worker_max_overflow: int = Field(1, ge=0, le=200)

    def pool(self, process_kind: str) -> tuple[int, int]:
        """Connections kept open and opened for bursts by a process of ``process_kind``."""
        if process_kind == "worker":
            return self.worker_pool_size, self.worker_max_overflow
        return self.pool_size, self.max_overflow


class QueueSection(Section):
    type: str = "memory"
    visibility_timeout_seconds: float = Field(60, gt=0)


class RedisSection(Section):
    url: str = "redis://127.0.0.1:6379/0"
    # Starts every key PodForge writes, so deployments sharing a Redis database never see each
    # other's tasks, statuses, tickets or limits. No braces: keys are not laid out for Cluster.
    key_prefix: str = Field("podforge", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


class StorageSection(Section):
    type: str = "local"


class PaymentSection(Section):
    type: str = "dev"


class EngineSection(Section):
    type: str = "direct"


class TTSSection(Section):
    """Voice providers' sections live below it: ``[tts.minimax]``, ``[tts.espeak]``."""

    voices_file: Path = Path("voices.yaml")


class SegmenterSection(Section):
    max_segment_seconds: float = Field(10, gt=0)
    cjk_chars_per_second: float = Field(4.5, gt=0)
    latin_chars_per_second: float = Field(15, gt=0)


class AudioSection(Section):
    sample_rate: int = Field(32000, ge=8000, le=192000)
    mp3_bitrate: int = Field(128, ge=32, le=320)
    mp3_quality: int = Field(7, ge=0, le=9)  # LAME's algorithm: 0 best and slowest, 9 fastest
    loudness_normalize: bool = True
    loudness_target: float = Field(-16, ge=-70, le=0)
    silence_min: float = Field(0.3, ge=0)
    silence_max: float = Field(1.2, ge=0)

    @model_validator(mode="after")
    def _silence_range(self) -> AudioSection:
        if self.silence_max < self.silence_min:
            raise ValueError("[audio] silence_max must not be below silence_min")
        return self


class LLMSection(Section):
    type: str = "litellm"
    model: str = ""
    api_base: str = ""
    api_key: SecretStr = SecretStr("")
    timeout_seconds: float = Field(60, gt=0)


class ScriptsSection(Section):
    max_bytes: int = Field(1_000_000, gt=0)


class BillingSection(Section):
    signup_credits: int = Field(100, ge=0)
    audio_chars_per_credit: int = Field(100, gt=0)
    chat_base_credits: int = Field(10, ge=0)
    chat_base_rounds: int = Field(3, ge=1)
    chat_tokens_per_credit: int = Field(1000, gt=0)
    chat_max_credits: int = Field(50, ge=0)
    max_purchase_credits: int = Field(100_000, gt=0)


class WorkerSection(Section):
    processes: int = Field(2, ge=1, le=64)
    task_timeout_minutes: float = Field(30, gt=0)
    max_retries: int = Field(1, ge=0)
    temp_retention_hours: float = Field(24, ge=0)
    duty_seconds: float = Field(10, gt=0)  # how often the watchdog and reconciler run
    # `podforge worker` serves its processes' metrics (summed) on this port, under the
    # [metrics] access rules; 0: no metrics port.
    metrics_port: int = Field(0, ge=0, le=65535)
    # This process's place among the worker processes (set by `podforge worker` for each one);
    # engines that own services offset their ports by it.
    index: int = Field(0, ge=0, le=63)
    # Each worker process touches a file here as it loops, for a liveness probe
    # (`python -m workers.liveness DIR`); one folder per `podforge worker`; empty: none.
    liveness_dir: str = ""


class CacheSection(Section):
    ttl_seconds: int = Field(3600, ge=0)
    # The segment cache's own Redis (one with an eviction policy such as allkeys-lru); empty:
    # [redis] url, which must keep noeviction for the queue.
    redis_url: str = ""


class AuthSection(Section):
    jwt_secret: SecretStr = SecretStr(DEFAULT_JWT_SECRET)
    jwt_issuer: str = "podforge"
    jwt_expire_minutes: int = Field(60 * 24, gt=0)
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    download_token_minutes: int = Field(60, gt=0)
    stream_ticket_seconds: int = Field(60, ge=5, le=600)


class MetricsSection(Section):
    """Who may read ``/metrics``: clients in these networks, or anyone with the token."""

    allow_networks: list[IPvAnyNetwork] = Field(
        default_factory=lambda: [ipaddress.ip_network("127.0.0.1/32"),
                                 ipaddress.ip_network("::1/128")],
        max_length=100)
    token: SecretStr = SecretStr("")  # empty: no token opens it


def _rate_limit(text: str) -> str:
    """Accepts the ``limits`` library's notation: "5/hour", "10 per 15 minutes", "5/hour;20/day"."""
    if not all(item.amount > 0 for item in parse_many(text)):
        raise ValueError("a rate limit must allow at least one request")
    return text


def _network(text: str) -> str:
    ipaddress.ip_network(text, strict=False)
    return text


RateLimit = Annotated[str, AfterValidator(_rate_limit)]


class LimitsSection(Section):
    """Requests allowed per client address or per user; 429 with Retry-After beyond them."""

    signup: RateLimit = "5/hour"                # per address
    login: RateLimit = "10/15 minutes"          # per account and address
    login_account: RateLimit = "100/hour"       # per account, from every address together
    login_address: RateLimit = "60/minute"      # per address, whatever the account
    validate_: RateLimit = Field("60/minute", alias="validate")  # per user
    ai_round: RateLimit = "20/minute"           # per user
    upload: RateLimit = "60/minute"             # per user: scripts created or uploaded
    preview: RateLimit = "60/minute"            # per address
    task_submit: RateLimit = "60/minute"        # per user


class HttpSection(Section):
    # Addresses or networks of reverse proxies whose X-Forwarded-For names the client; none
    # by default, so a client cannot choose the address its limits are counted under.
    trusted_proxies: list[Annotated[str, AfterValidator(_network)]] = []


class Settings(BaseSettings):
    """Everything configurable. Read with :func:`load_settings`, never at import time."""

    model_config = SettingsConfigDict(
        env_prefix="PODFORGE_", env_nested_delimiter="__", extra="ignore"
    )
    toml_path: ClassVar[Path | None] = None

    app: AppSection = AppSection()
    database: DatabaseSection = DatabaseSection()
    queue: QueueSection = QueueSection()
    redis: RedisSection = RedisSection()
    storage: StorageSection = StorageSection()
    engine: EngineSection = EngineSection()
    payment: PaymentSection = PaymentSection()
    tts: TTSSection = TTSSection()
    segmenter: SegmenterSection = SegmenterSection()
    audio: AudioSection = AudioSection()
    llm: LLMSection = LLMSection()
    scripts: ScriptsSection = ScriptsSection()
    billing: BillingSection = BillingSection()
    worker: WorkerSection = WorkerSection()
    cache: CacheSection = CacheSection()
    auth: AuthSection = AuthSection()
    metrics: MetricsSection = MetricsSection()
    limits: LimitsSection = LimitsSection()
    http: HttpSection = HttpSection()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls.toml_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls.toml_path))
        return tuple(sources)

    @model_validator(mode="after")
    def _strong_secret_outside_dev(self) -> Settings:
        if self.app.env == "dev":
            return self
        problem = weakness(self.auth.jwt_secret.get_secret_value())
        if problem is None:
            return self
        default = (" (its default value, allowed only with [app] env = \"dev\")"
                   if self.auth.jwt_secret.get_secret_value() == DEFAULT_JWT_SECRET else "")
        raise ValueError(
            f"[auth] jwt_secret is refused with env {self.app.env!r}{default}: {problem}. "
            f"Generate one with `python -c \"import secrets; print(secrets.token_urlsafe(48))\"` "
            f"or `openssl rand -base64 48` and set PODFORGE_AUTH__JWT_SECRET"
        )

    @property
    def data_dir(self) -> Path:
        """``[app] data_dir`` made absolute against the working directory."""
        return self.app.data_dir.resolve()

    @property
    def voices_path(self) -> Path:
        """``[tts] voices_file``; a relative path names a shipped file (``voices.yaml``)."""
        path = self.tts.voices_file
        return path if path.is_absolute() else resource(str(path))

    @property
    def cache_redis_url(self) -> str:
        """``[cache] redis_url``, else the main ``[redis] url``."""
        return self.cache.redis_url or self.redis.url

    @property
    def database_url(self) -> str:
        """The configured URL, or the embedded default: an SQLite file under the data dir."""
        return self.database.url or f"sqlite:///{self.data_dir / 'podforge.sqlite3'}"


def config_path(explicit: Path | str | None = None) -> Path | None:
    """The TOML file to read: explicit, else ``$PODFORGE_CONFIG``, else ``./config.toml``,
    else the shipped ``config.toml``; None when there is none (defaults apply)."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV_VAR):
        return Path(os.environ[CONFIG_ENV_VAR])
    for candidate in (Path.cwd() / "config.toml", resource("config.toml")):
        if candidate.is_file():
            return candidate
    return None


def load_settings(path: Path | str | None = None, **overrides: Any) -> Settings:
    """Read the config file and the environment; ``overrides`` (tests) win over both."""
    chosen = config_path(path)
    if chosen is not None and not chosen.is_file():
        raise FileNotFoundError(f"config file {chosen} does not exist ({CONFIG_ENV_VAR})")
    bound = type("BoundSettings", (Settings,), {"toml_path": chosen})
    return bound(**overrides)


def describe(invalid: ValidationError) -> str:
    """Field paths and messages only: the input values may be secrets."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'section'}: {error['msg']}"
        for error in invalid.errors()
    )
