"""Run Alembic programmatically, so the console script works from any directory and inside images."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from campaign_shared.settings import Settings

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # '%' must be doubled for ConfigParser interpolation (URL-encoded passwords).
    config.set_main_option("sqlalchemy.url", settings.database.sqlalchemy_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)


def check(settings: Settings) -> None:
    """Raise if the models and the migrations differ (`alembic check`)."""
    command.check(alembic_config(settings))


def revision(settings: Settings, message: str) -> None:
    """Autogenerate a migration from the models (development only)."""
    command.revision(alembic_config(settings), message=message, autogenerate=True)
