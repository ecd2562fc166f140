"""The database engine: SQLite tuned for durability, or PostgreSQL, behind one interface."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Writes on SQLite take the write lock at BEGIN, so a read-then-write transaction never
# meets SQLITE_BUSY half-way (see docs/OPERATIONS.md). Migrations run in one plain transaction.
# Plain reads send no BEGIN at all: each statement reads a consistent snapshot on its own.
WRITE = {"sqlite_begin": "BEGIN IMMEDIATE"}
MIGRATE = {"sqlite_begin": "BEGIN"}


def create_db_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, synchronous=FULL, foreign keys and a busy timeout."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    # SQLite connections are cheap; the request threadpool has 40 threads.
    pool = {} if in_memory else {"pool_size": 10, "max_overflow": 30}
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below (pysqlite otherwise delays BEGIN).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=5000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        begin = connection.get_execution_options().get("sqlite_begin")
        if begin:
            connection.exec_driver_sql(begin)

    return engine


def write_session(engine: Engine) -> Session:
    """A session whose transaction takes the write lock at once on SQLite."""
    return Session(engine.execution_options(**WRITE), expire_on_commit=False)


def insert_ignoring_duplicates(engine: Engine, model: type[SQLModel]) -> Insert:
    """An INSERT that does nothing when a unique key already holds the row."""
    table = model.__table__  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
