"""Settings: environment names, *_FILE secrets, production refusals, readable errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign_shared.settings import (
    DEV_JWT_SECRET,
    Environment,
    Settings,
    SettingsError,
    env_variables,
)

STRONG = "s" * 40


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for key in (
        "APP_ENV",
        "NODE_ENV",
        "JWT_SECRET",
        "JWT_SECRET_FILE",
        "SCHEDULER_API_TOKEN",
        "DATABASE_URL",
        "S3_ACCESS_KEY",
        "S3_SECRET_KEY",
        "PORT",
        "SCHEDULER_PORT",
        "LOG_FORMAT",
        "LOG_LEVEL",
    ):
        monkeypatch.delenv(key, raising=False)


def test_defaults_are_development() -> None:
    settings = Settings()
    assert settings.app.env is Environment.DEVELOPMENT
    assert settings.api.port == 3000
    assert settings.rules_client.timeout_ms == 5000
    assert settings.rules_engine.grpc_port == 50051 and settings.rules_engine.http_port == 9265
    assert settings.rules_engine.cache_ttl_seconds == 300 and settings.rules_engine.cache_max_keys == 10_000
    sched = settings.scheduler
    assert (sched.port, sched.queue_max_retries, sched.queue_retry_backoff_ms, sched.queue_concurrency) == (
        9266,
        3,
        5000,
        5,
    )
    assert sched.cron_event_expiration == "*/5 * * * *"
    assert sched.api_circuit_breaker_threshold == 5 and sched.api_circuit_breaker_duration_ms == 30_000


def test_spec_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_ENV", "production")
    monkeypatch.setenv("PORT", "9999")
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:pw@db:5432/campaign_db")
    monkeypatch.setenv("API_URL", "http://api:3000/graphql")
    settings = Settings()
    assert settings.app.env is Environment.PRODUCTION
    assert settings.scheduler.port == 9999
    assert settings.app.log_format == "json" and settings.app.log_level == "DEBUG"
    assert settings.database.url == "postgresql+psycopg://user:pw@db:5432/campaign_db"
    assert settings.scheduler.api_base_url == "http://api:3000"


def test_secret_file_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "jwt_secret"
    secret.write_text(STRONG + "\n")
    monkeypatch.setenv("JWT_SECRET", "from-env")
    monkeypatch.setenv("JWT_SECRET_FILE", str(secret))
    assert Settings().auth.jwt_secret == STRONG


def test_unreadable_secret_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SECRET_FILE", "/nonexistent/jwt")
    with pytest.raises(SettingsError, match="JWT_SECRET_FILE"):
        Settings().require("auth")


def test_database_password_file_goes_into_the_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pw = tmp_path / "db_password"
    pw.write_text("p@ss/word%")
    monkeypatch.setenv("DATABASE_URL", "postgresql://campaign@db:5432/campaign_db")
    monkeypatch.setenv("DATABASE_PASSWORD_FILE", str(pw))
    url = Settings().database.sqlalchemy_url
    assert url == "postgresql+psycopg://campaign:p%40ss%2Fword%25@db:5432/campaign_db"


def test_production_refuses_default_and_short_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(SettingsError) as err:
        Settings().require("auth", "service_token", "s3")
    message = str(err.value)
    assert "JWT_SECRET" in message and "SCHEDULER_API_TOKEN" in message and "S3_ACCESS_KEY" in message
    monkeypatch.setenv("JWT_SECRET", "short")
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        Settings().require("auth")


def test_production_accepts_strong_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("JWT_SECRET", STRONG)
    monkeypatch.setenv("SCHEDULER_API_TOKEN", STRONG + "x")
    monkeypatch.setenv("S3_ACCESS_KEY", "campaign")
    monkeypatch.setenv("S3_SECRET_KEY", STRONG)
    settings = Settings().require("auth", "service_token", "s3")
    assert settings.auth.jwt_secret != DEV_JWT_SECRET


def test_invalid_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_PORT", "not-a-port")
    with pytest.raises(SettingsError, match="API_PORT"):
        Settings().require("api")
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        Settings().require("database")
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(SettingsError, match="APP_ENV"):
        Settings().require()


def test_invalid_cron_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRON_SETTLEMENT_GROWTH", "every hour")
    with pytest.raises(SettingsError, match="CRON_SETTLEMENT_GROWTH"):
        Settings().require("scheduler")


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("API_PORT=3111\nGRAPHQL_PLAYGROUND=false\n")
    settings = Settings()
    assert settings.api.port == 3111 and settings.api.graphql_playground is False


def test_every_deployment_variable_has_a_field() -> None:
    names = {part.split(" ")[0] for rows in env_variables().values() for row in rows for part in row[0].split(" / ")}
    spec = {
        "NODE_ENV",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "GRAPHQL_PLAYGROUND",
        "GRAPHQL_INTROSPECTION",
        "DATABASE_URL",
        "REDIS_URL",
        "S3_ENDPOINT",
        "RULES_ENGINE_GRPC_HOST",
        "RULES_ENGINE_GRPC_PORT",
        "RULES_ENGINE_TIMEOUT_MS",
        "HTTP_PORT",
        "GRPC_PORT",
        "GRPC_HOST",
        "CACHE_TTL_SECONDS",
        "CACHE_CHECK_PERIOD_SECONDS",
        "CACHE_MAX_KEYS",
        "PORT",
        "API_URL",
        "SCHEDULER_API_TOKEN",
        "CRON_EVENT_EXPIRATION",
        "CRON_SETTLEMENT_GROWTH",
        "CRON_STRUCTURE_MAINTENANCE",
        "QUEUE_MAX_RETRIES",
        "QUEUE_RETRY_BACKOFF_MS",
        "QUEUE_CONCURRENCY",
        "API_REQUEST_TIMEOUT_MS",
        "API_CIRCUIT_BREAKER_THRESHOLD",
        "API_CIRCUIT_BREAKER_DURATION_MS",
        "JWT_SECRET",
        "S3_ACCESS_KEY",
        "S3_SECRET_KEY",
    }
    assert spec <= names, spec - names


def test_cors_origins_accept_a_comma_list_or_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "http://a.test, http://b.test")
    assert Settings().api.cors_origins == ["http://a.test", "http://b.test"]
    monkeypatch.setenv("CORS_ORIGINS", "")
    assert Settings().api.cors_origins == []
    monkeypatch.setenv("CORS_ORIGINS", '["https://admin.example.com"]')
    assert Settings().api.cors_origins == ["https://admin.example.com"]


def test_scheduler_does_not_need_the_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SCHEDULER_API_TOKEN", STRONG)
    Settings().require("redis", "service_token", "scheduler")
