"""The database: SQLite pragmas for durability, and migrations that equal the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import SQLModel

import course.models  # noqa: F401 - registers every table
from course.db import SQLITE_POOL_SIZE, create_db_engine, write_session


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


def test_the_pool_keeps_its_connections_and_opens_none_beyond(database_url: str) -> None:
    """A connection past the pool would be opened for one request and closed after it (on
    PostgreSQL a new server process each time): a request waits for a kept one instead."""
    engine = create_db_engine(database_url, pool_size=2)
    if database_url.startswith("sqlite"):
        assert engine.pool.size() == SQLITE_POOL_SIZE  # type: ignore[attr-defined]
        return
    engine.pool._timeout = 0.2  # type: ignore[attr-defined]  # no 30 s wait in a test
    held = [engine.raw_connection() for _ in range(2)]
    with pytest.raises(PoolTimeout):
        engine.raw_connection()
    first = held[0].driver_connection
    held[0].close()  # back to the pool, still open: the next request gets the same one
    again = engine.raw_connection()
    assert again.driver_connection is first
    for connection in (again, held[1]):
        connection.close()
    engine.dispose()
