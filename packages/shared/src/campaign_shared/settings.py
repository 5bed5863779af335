"""Settings, one object per concern, read from the environment and `.env` files.

Every variable of the deployment spec has a Python-side field here (see the README's configuration
table). Secrets also accept a `<NAME>_FILE` variable pointing at a file (Docker Swarm secrets), which
wins over the plain variable. Values are validated when loaded; `Settings.require()` adds the
production checks a service needs (no default or short secrets) and fails with one readable message.
"""

from __future__ import annotations

import json
import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

ENV_FILES = (".env", ".env.local")
MIN_SECRET_LENGTH = 32
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-0123456789abcdef"
DEV_SCHEDULER_TOKEN = "dev-only-scheduler-token-change-me-0123456789"
DEFAULT_S3_KEY = "minioadmin"


class SettingsError(RuntimeError):
    """Raised at start-up when configuration is missing or unsafe; the message names the variables."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


def _secret(default: str, *names: str, description: str) -> Any:
    """A secret field: readable from `NAME` or from the file named by `NAME_FILE`."""
    return Field(
        default=default,
        validation_alias=AliasChoices(*names),
        description=description,
        json_schema_extra={"secret": True},
    )


class _SecretFileSource(PydanticBaseSettingsSource):
    """Reads `<NAME>_FILE` for fields marked secret, so Swarm secrets never sit in the environment."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        extra = field.json_schema_extra
        if not isinstance(extra, dict) or not extra.get("secret"):
            return None, field_name, False
        alias = field.validation_alias
        names = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [field_name.upper()]
        for name in names:
            path = os.environ.get(f"{name}_FILE")
            if path:
                try:
                    return Path(path).read_text(encoding="utf-8").strip(), name, False
                except OSError as exc:
                    raise SettingsError(f"{name}_FILE={path} cannot be read: {exc.strerror}") from exc
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field_name, field in self.settings_cls.model_fields.items():
            value, key, _complex = self.get_field_value(field, field_name)
            if value is not None:
                values[key] = value  # keyed like the env source (by alias), so this one wins
        return values


class _Base(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=ENV_FILES, env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, _SecretFileSource(settings_cls), env_settings, dotenv_settings)

    def problems(self, env: Environment) -> list[str]:
        """Reasons this configuration must not run in `env` (empty when fine)."""
        return []


def _weak_secret(name: str, value: str, dev_default: str) -> list[str]:
    if value == dev_default or len(value) < MIN_SECRET_LENGTH:
        return [f"{name} must be set to a random value of at least {MIN_SECRET_LENGTH} characters"]
    return []


class AppSettings(_Base):
    """Process-wide behaviour: environment and logging."""

    env: Environment = Field(
        Environment.DEVELOPMENT,
        validation_alias=AliasChoices("APP_ENV", "NODE_ENV"),
        description="development, test or production; production turns on the safety checks",
    )
    log_level: Literal["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", validation_alias=AliasChoices("LOG_LEVEL"), description="minimum log level"
    )
    log_format: Literal["console", "json"] = Field(
        "console",
        validation_alias=AliasChoices("LOG_FORMAT"),
        description="console (readable) or json (one object per line)",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.lower()
            return "console" if value in {"pretty", "text", "dev"} else value
        return value


class DatabaseSettings(_Base):
    """PostgreSQL + PostGIS connection (psycopg 3 everywhere)."""

    url: str = Field(
        "postgresql+psycopg://postgres@127.0.0.1:5432/campaign",
        validation_alias=AliasChoices("DATABASE_URL"),
        description="SQLAlchemy URL; postgres:// and postgresql:// are accepted",
    )
    password: str = _secret("", "DATABASE_PASSWORD", description="overrides the URL's password (Swarm: db_password)")
    pool_size: int = Field(
        10,
        ge=1,
        le=200,
        validation_alias=AliasChoices("DATABASE_POOL_SIZE"),
        description="connections kept open per process",
    )
    max_overflow: int = Field(
        10,
        ge=0,
        le=200,
        validation_alias=AliasChoices("DATABASE_MAX_OVERFLOW"),
        description="extra connections under load",
    )
    echo: bool = Field(
        False,
        validation_alias=AliasChoices("DATABASE_ECHO"),
        description="log every SQL statement (debugging)",
    )

    @field_validator("url")
    @classmethod
    def _driver(cls, value: str) -> str:
        scheme, sep, rest = value.partition("://")
        if not sep or scheme not in {"postgres", "postgresql", "postgresql+psycopg"}:
            raise ValueError("DATABASE_URL must be a postgresql:// URL")
        return f"postgresql+psycopg://{rest}"

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the password from `DATABASE_PASSWORD(_FILE)` applied."""
        if not self.password:
            return self.url
        parts = urlsplit(self.url)
        user = parts.username or "postgres"
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        netloc = f"{quote(user, safe='')}:{quote(self.password, safe='')}@{host}{port}"
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def libpq_url(self) -> str:
        """The URL for plain psycopg / libpq tools (no SQLAlchemy driver suffix)."""
        return self.sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


class RedisSettings(_Base):
    """Redis: pub/sub and cache on one instance, the job queue on a URL that never evicts."""

    url: str = Field(
        "redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("REDIS_URL"),
        description="cache and pub/sub Redis (the API caches in REDIS_CACHE_DB)",
    )
    cache_db: int = Field(
        1,
        ge=0,
        le=15,
        validation_alias=AliasChoices("REDIS_CACHE_DB"),
        description="logical database of the API cache",
    )
    queue_url: str = Field(
        "",
        validation_alias=AliasChoices("QUEUE_REDIS_URL"),
        description="job queue Redis (noeviction); empty = REDIS_URL",
    )
    channel_prefix: str = Field(
        "campaign",
        validation_alias=AliasChoices("REDIS_CHANNEL_PREFIX"),
        description="prefix of pub/sub channels, so several stacks can share one Redis",
    )

    @property
    def effective_queue_url(self) -> str:
        return self.queue_url or self.url

    @property
    def cache_url(self) -> str:
        """REDIS_URL with the database number replaced by `cache_db`."""
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{self.cache_db}"))


class S3Settings(_Base):
    """Object storage for map images and attachments (MinIO, SeaweedFS or any S3 server)."""

    endpoint: str = Field(
        "http://127.0.0.1:9000",
        validation_alias=AliasChoices("S3_ENDPOINT"),
        description="S3 API endpoint the services use",
    )
    public_endpoint: str = Field(
        "",
        validation_alias=AliasChoices("S3_PUBLIC_ENDPOINT"),
        description="endpoint browsers use for presigned URLs; empty = S3_ENDPOINT",
    )
    access_key: str = _secret(DEFAULT_S3_KEY, "S3_ACCESS_KEY", description="S3 access key")
    secret_key: str = _secret(DEFAULT_S3_KEY, "S3_SECRET_KEY", description="S3 secret key (Swarm: minio_root_password)")
    bucket: str = Field(
        "campaign-manager",
        validation_alias=AliasChoices("S3_BUCKET"),
        description="bucket for map images and attachments",
    )
    region: str = Field(
        "us-east-1", validation_alias=AliasChoices("S3_REGION"), description="region used for request signing"
    )

    @field_validator("endpoint", "public_endpoint")
    @classmethod
    def _http(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    def problems(self, env: Environment) -> list[str]:
        if env is Environment.PRODUCTION and DEFAULT_S3_KEY in {self.access_key, self.secret_key}:
            return ["S3_ACCESS_KEY / S3_SECRET_KEY must not be the default 'minioadmin' in production"]
        return []


class AuthSettings(_Base):
    """Tokens: JWT signing, lifetimes, and the scheduler's service credential."""

    jwt_secret: str = _secret(DEV_JWT_SECRET, "JWT_SECRET", description="HMAC key for access tokens")
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = Field(
        "HS256", validation_alias=AliasChoices("JWT_ALGORITHM"), description="HMAC algorithm of access tokens"
    )
    access_token_ttl_seconds: int = Field(
        900,
        ge=30,
        le=86_400,
        validation_alias=AliasChoices("JWT_ACCESS_TTL_SECONDS"),
        description="access token lifetime",
    )
    refresh_token_ttl_seconds: int = Field(
        30 * 86_400,
        ge=300,
        validation_alias=AliasChoices("JWT_REFRESH_TTL_SECONDS"),
        description="refresh token lifetime",
    )

    def problems(self, env: Environment) -> list[str]:
        if env is not Environment.PRODUCTION:
            return []
        return _weak_secret("JWT_SECRET", self.jwt_secret, DEV_JWT_SECRET)


class ServiceTokenSettings(_Base):
    """The scheduler's service credential: the scheduler sends it, the API accepts it."""

    scheduler_api_token: str = _secret(
        DEV_SCHEDULER_TOKEN, "SCHEDULER_API_TOKEN", description="service credential of the scheduler"
    )

    def problems(self, env: Environment) -> list[str]:
        if env is not Environment.PRODUCTION:
            return []
        return _weak_secret("SCHEDULER_API_TOKEN", self.scheduler_api_token, DEV_SCHEDULER_TOKEN)


class ApiSettings(_Base):
    """The API process: bind address, GraphQL switches, limits."""

    host: str = Field(
        "127.0.0.1",
        validation_alias=AliasChoices("API_HOST"),
        description="bind address of the API (0.0.0.0 in containers)",
    )
    port: int = Field(3000, ge=1, le=65535, validation_alias=AliasChoices("API_PORT"), description="port of the API")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        validation_alias=AliasChoices("API_WORKERS"),
        description="uvicorn worker processes of `campaign-api serve` (the API is stateless; about one per core)",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        validation_alias=AliasChoices("API_FORWARDED_ALLOW_IPS"),
        description="proxies whose X-Forwarded-For/-Proto are trusted (comma-separated addresses or networks, "
        '"*" for any): the client address that per-IP rate limits count comes from there',
    )
    graphql_playground: bool | None = Field(
        None,
        validation_alias=AliasChoices("GRAPHQL_PLAYGROUND"),
        description="GraphiQL at /graphql; default on outside production",
    )
    graphql_introspection: bool | None = Field(
        None,
        validation_alias=AliasChoices("GRAPHQL_INTROSPECTION"),
        description="schema introspection; default on outside production",
    )
    max_body_bytes: int = Field(
        10 * 1024 * 1024,
        ge=1024,
        validation_alias=AliasChoices("API_MAX_BODY_BYTES"),
        description="largest accepted request body",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("CORS_ORIGINS"),
        description="comma-separated origins allowed to call the API from a browser",
    )
    metrics_enabled: bool = Field(True, validation_alias=AliasChoices("METRICS_ENABLED"), description="serve /metrics")
    graphql_rate_limit_per_minute: int = Field(
        600,
        ge=1,
        validation_alias=AliasChoices("GRAPHQL_RATE_LIMIT_PER_MINUTE"),
        description="GraphQL operations per minute per signed-in caller",
    )
    graphql_ip_rate_limit_per_minute: int = Field(
        3000,
        ge=1,
        validation_alias=AliasChoices("GRAPHQL_IP_RATE_LIMIT_PER_MINUTE"),
        description="GraphQL operations per minute per client address",
    )
    cache_ttl_seconds: int = Field(
        300,
        ge=0,
        validation_alias=AliasChoices("API_CACHE_TTL_SECONDS"),
        description="lifetime of cached GraphQL answers and map layers (0 turns the caches off)",
    )
    health_timeout_ms: int = Field(
        2000,
        ge=50,
        le=30_000,
        validation_alias=AliasChoices("HEALTH_CHECK_TIMEOUT_MS"),
        description="deadline of each readiness check",
    )
    frontend_dist: str = Field(
        "",
        validation_alias=AliasChoices("FRONTEND_DIST_DIR"),
        description="serve this built SPA from / (single-process deployments); empty = off",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)  # a JSON list
            return [v.strip() for v in text.split(",") if v.strip()]
        return value


class RulesEngineClientSettings(_Base):
    """How the API reaches the rules engine."""

    host: str = Field(
        "127.0.0.1",
        validation_alias=AliasChoices("RULES_ENGINE_GRPC_HOST"),
        description="rules engine host (from the API)",
    )
    port: int = Field(
        50051,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("RULES_ENGINE_GRPC_PORT"),
        description="rules engine gRPC port (from the API)",
    )
    timeout_ms: int = Field(
        5000,
        ge=10,
        le=120_000,
        validation_alias=AliasChoices("RULES_ENGINE_TIMEOUT_MS"),
        description="deadline of each call to the rules engine",
    )


class RulesEngineSettings(_Base):
    """The rules engine process: gRPC and HTTP listeners, result cache."""

    grpc_host: str = Field(
        "127.0.0.1", validation_alias=AliasChoices("GRPC_HOST"), description="bind address of the gRPC server"
    )
    grpc_port: int = Field(50051, ge=1, le=65535, validation_alias=AliasChoices("GRPC_PORT"), description="gRPC port")
    http_host: str = Field(
        "127.0.0.1",
        validation_alias=AliasChoices("HTTP_HOST"),
        description="bind address of the health/metrics server",
    )
    http_port: int = Field(
        9265, ge=1, le=65535, validation_alias=AliasChoices("HTTP_PORT"), description="health/metrics port"
    )
    cache_ttl_seconds: int = Field(
        300,
        ge=0,
        validation_alias=AliasChoices("CACHE_TTL_SECONDS"),
        description="lifetime of a cached evaluation",
    )
    cache_check_period_seconds: int = Field(
        60,
        ge=1,
        validation_alias=AliasChoices("CACHE_CHECK_PERIOD_SECONDS"),
        description="how often expired cache entries are purged",
    )
    cache_max_keys: int = Field(
        10_000,
        ge=1,
        validation_alias=AliasChoices("CACHE_MAX_KEYS"),
        description="cached evaluations kept (LRU beyond)",
    )


class SchedulerSettings(_Base):
    """The scheduler process: cron sweeps, queue behaviour, and its API client."""

    host: str = Field(
        "127.0.0.1",
        validation_alias=AliasChoices("SCHEDULER_HOST"),
        description="bind address of the health/metrics server",
    )
    port: int = Field(
        9266,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("SCHEDULER_PORT", "PORT"),
        description="health/metrics port",
    )
    api_url: str = Field(
        "http://127.0.0.1:3000/graphql",
        validation_alias=AliasChoices("API_URL"),
        description="the API GraphQL endpoint the scheduler calls",
    )
    cron_event_expiration: str = Field(
        "*/5 * * * *",
        validation_alias=AliasChoices("CRON_EVENT_EXPIRATION"),
        description="cron of the event expiration sweep",
    )
    cron_settlement_growth: str = Field(
        "0 * * * *",
        validation_alias=AliasChoices("CRON_SETTLEMENT_GROWTH"),
        description="cron of the settlement growth sweep",
    )
    cron_structure_maintenance: str = Field(
        "0 * * * *",
        validation_alias=AliasChoices("CRON_STRUCTURE_MAINTENANCE"),
        description="cron of the structure maintenance sweep",
    )
    queue_name: str = Field(
        "campaign-scheduler", validation_alias=AliasChoices("QUEUE_NAME"), description="SAQ queue name"
    )
    queue_max_retries: int = Field(
        3,
        ge=0,
        le=100,
        validation_alias=AliasChoices("QUEUE_MAX_RETRIES"),
        description="retries of a failed job",
    )
    queue_retry_backoff_ms: int = Field(
        5000,
        ge=0,
        validation_alias=AliasChoices("QUEUE_RETRY_BACKOFF_MS"),
        description="delay before a retry",
    )
    queue_concurrency: int = Field(
        5,
        ge=1,
        le=100,
        validation_alias=AliasChoices("QUEUE_CONCURRENCY"),
        description="jobs run at once per worker",
    )
    api_request_timeout_ms: int = Field(
        10_000,
        ge=10,
        validation_alias=AliasChoices("API_REQUEST_TIMEOUT_MS"),
        description="deadline of each call to the API",
    )
    api_circuit_breaker_threshold: int = Field(
        5,
        ge=1,
        validation_alias=AliasChoices("API_CIRCUIT_BREAKER_THRESHOLD"),
        description="failures that open the breaker",
    )
    api_circuit_breaker_duration_ms: int = Field(
        30_000,
        ge=100,
        validation_alias=AliasChoices("API_CIRCUIT_BREAKER_DURATION_MS"),
        description="how long the breaker stays open",
    )

    @field_validator("cron_event_expiration", "cron_settlement_growth", "cron_structure_maintenance")
    @classmethod
    def _cron(cls, value: str) -> str:
        from croniter import croniter  # only the scheduler installs croniter

        if not croniter.is_valid(value):
            raise ValueError(f"not a valid cron expression: {value!r}")
        return value

    @property
    def api_base_url(self) -> str:
        """API_URL names the GraphQL endpoint; health and REST live beside it."""
        return self.api_url.removesuffix("/").removesuffix("/graphql")


class Settings:
    """All concerns, loaded lazily so a service only validates what it reads."""

    CONCERNS: ClassVar[dict[str, type[_Base]]] = {
        "app": AppSettings,
        "database": DatabaseSettings,
        "redis": RedisSettings,
        "s3": S3Settings,
        "auth": AuthSettings,
        "service_token": ServiceTokenSettings,
        "api": ApiSettings,
        "rules_client": RulesEngineClientSettings,
        "rules_engine": RulesEngineSettings,
        "scheduler": SchedulerSettings,
    }

    def __init__(self, **overrides: _Base) -> None:
        self._loaded: dict[str, _Base] = dict(overrides)

    def _get(self, name: str) -> Any:
        if name not in self._loaded:
            self._loaded[name] = _load(self.CONCERNS[name])
        return self._loaded[name]

    @property
    def app(self) -> AppSettings:
        return self._get("app")  # type: ignore[no-any-return]

    @property
    def database(self) -> DatabaseSettings:
        return self._get("database")  # type: ignore[no-any-return]

    @property
    def redis(self) -> RedisSettings:
        return self._get("redis")  # type: ignore[no-any-return]

    @property
    def s3(self) -> S3Settings:
        return self._get("s3")  # type: ignore[no-any-return]

    @property
    def auth(self) -> AuthSettings:
        return self._get("auth")  # type: ignore[no-any-return]

    @property
    def service_token(self) -> ServiceTokenSettings:
        return self._get("service_token")  # type: ignore[no-any-return]

    @property
    def api(self) -> ApiSettings:
        return self._get("api")  # type: ignore[no-any-return]

    @property
    def rules_client(self) -> RulesEngineClientSettings:
        return self._get("rules_client")  # type: ignore[no-any-return]

    @property
    def rules_engine(self) -> RulesEngineSettings:
        return self._get("rules_engine")  # type: ignore[no-any-return]

    @property
    def scheduler(self) -> SchedulerSettings:
        return self._get("scheduler")  # type: ignore[no-any-return]

    @property
    def is_production(self) -> bool:
        return self.app.env is Environment.PRODUCTION

    def require(self, *concerns: str) -> Self:
        """Load `concerns` (plus app) now and apply the production checks; raise one SettingsError."""
        problems: list[str] = []
        env = self.app.env
        for name in ("app", *concerns):
            try:
                problems.extend(self._get(name).problems(env))
            except SettingsError as exc:
                problems.append(str(exc))
        if problems:
            raise SettingsError("invalid configuration:\n  - " + "\n  - ".join(problems))
        return self


def _load[T: _Base](cls: type[T]) -> T:
    try:
        return cls()
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            info = cls.model_fields.get(field)
            alias = info.validation_alias if info else None
            names = "/".join(str(c) for c in alias.choices) if isinstance(alias, AliasChoices) else field
            lines.append(f"{names}: {err['msg']}")
        raise SettingsError("; ".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached; tests build their own `Settings()` instead)."""
    return Settings()


def env_variables() -> dict[str, list[tuple[str, str, str]]]:
    """Every variable by concern: (name, default, description); feeds the README configuration table."""
    table: dict[str, list[tuple[str, str, str]]] = {}
    for concern, cls in Settings.CONCERNS.items():
        rows = []
        for name, info in cls.model_fields.items():
            alias = info.validation_alias
            names = [str(c) for c in alias.choices] if isinstance(alias, AliasChoices) else [name.upper()]
            extra = info.json_schema_extra
            secret = isinstance(extra, dict) and bool(extra.get("secret"))
            label = " / ".join(names) + (f" (or {names[0]}_FILE)" if secret else "")
            default = info.get_default(call_default_factory=True)
            if isinstance(default, StrEnum):
                default = default.value
            shown = "(dev default)" if secret and default else "(empty)" if default in ("", None, []) else default
            rows.append((label, str(shown), info.description or ""))
        table[concern] = rows
    return table
