"""Alembic, driven from Python: no alembic.ini to keep in step."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config(url: str) -> Config:
    """An Alembic config for this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current_revision(url: str) -> str | None:
    """The revision the database is at; None for a new (empty) database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to the revision."""
    command.upgrade(alembic_config(url), revision)


def migrate(url: str) -> str:
    """Bring the database to the newest revision; says which happened: "created" (it was new),
    "upgraded" or "up to date"."""
    before = current_revision(url)
    upgrade(url)
    after = current_revision(url)
    if before is None:
        return "created"
    return "up to date" if before == after else "upgraded"
