"""The database: engine and pragmas, one write transaction per use case, shared table parts.

Query functions take a keyword-only `session` and never commit. A use case (a route, or a named
function such as `take_decision`) opens one `write_session`, makes all its writes in it, and the
session commits once when the block ends, or rolls everything back if anything raised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import BigInteger, Column, Engine, ForeignKey, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import Field, Session, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Every models module imports this one (for `learner_ref` or `today`), so every table is
# defined after the convention is set, whatever is imported first.
SQLModel.metadata.naming_convention = NAMING_CONVENTION

# Writes on SQLite take the write lock at BEGIN, so a read-then-write transaction never
# meets SQLITE_BUSY half-way (see docs/OPERATIONS.md). Migrations run in one plain transaction.
# Plain reads send no BEGIN at all: each statement reads a consistent snapshot on its own.
WRITE = {"sqlite_begin": "BEGIN IMMEDIATE"}
MIGRATE = {"sqlite_begin": "BEGIN"}


def today() -> dt.date:
    """Today's date in UTC: we keep days, never times."""
    return dt.datetime.now(dt.UTC).date()


def learner_ref() -> Any:
    """The column that ties a row to its learner; deleting the learner deletes the row.

    A BIGINT, as learner ids are random 63-bit numbers (course/learning/models.py)."""
    return Field(
        sa_column=Column(BigInteger, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )


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
            "secure_delete=ON",  # deleted rows are overwritten, not left in free space
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        begin = connection.get_execution_options().get("sqlite_begin")
        if begin:
            connection.exec_driver_sql(begin)

    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One use case's write transaction: the write lock at once on SQLite, one commit at the
    end, and nothing kept if anything in the block raised."""
    with Session(engine.execution_options(**WRITE), expire_on_commit=False) as session:
        yield session
        session.commit()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads only: each statement sees a consistent snapshot."""
    with Session(engine) as session:
        yield session


def insert_ignoring_duplicates(session: Session, model: type[SQLModel]) -> Insert:
    """An INSERT that does nothing when a unique key already holds the row."""
    table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
