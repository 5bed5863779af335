"""Migrations on a real PostGIS database: upgrade from empty, no drift, downgrade to base and back."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from campaign_api.db.migrate import check, downgrade, upgrade
from campaign_shared.settings import DatabaseSettings, Settings
from devstack import ensure_database

PG = "postgresql://postgres@127.0.0.1:5432"
NAME = "campaign_migrations_test"


@pytest.fixture(scope="module")
def settings() -> Iterator[Settings]:
    ensure_database(f"{PG}/postgres", NAME, recreate=True)
    yield Settings(database=DatabaseSettings(url=f"{PG}/{NAME}"))
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


def _extensions() -> set[str]:
    with psycopg.connect(f"{PG}/{NAME}") as conn:
        return {row[0] for row in conn.execute("SELECT extname FROM pg_extension")}


def test_upgrade_check_downgrade_upgrade(settings: Settings) -> None:
    upgrade(settings)
    assert {"postgis", "postgis_topology", "uuid-ossp", "pg_trgm"} <= _extensions()
    check(settings)  # models and migrations agree
    downgrade(settings, "base")
    assert not {"postgis", "postgis_topology", "pg_trgm"} & _extensions()
    upgrade(settings)
    assert "postgis" in _extensions()
