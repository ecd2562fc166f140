"""The database: SQLite pragmas for durability, and migrations that equal the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import course.models  # noqa: F401 - registers every table
from course.db import create_db_engine, write_session


def test_sqlite_is_tuned_for_durability(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return
    engine = create_db_engine(database_url)
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }


def test_sqlite_writes_take_the_lock_at_begin(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return
    engine = create_db_engine(database_url)
    with write_session(engine) as session:
        session.execute(text("SELECT 1"))
        # A second writer cannot start while this write transaction holds the lock.
        other = create_db_engine(database_url).raw_connection()
        other.execute("PRAGMA busy_timeout=0")
        try:
            other.execute("BEGIN IMMEDIATE")
            locked = False
        except Exception:
            locked = True
        finally:
            other.close()
    assert locked


def test_migrations_produce_exactly_the_models_schema(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
