"""The database: engine and pragmas, one write transaction per use case, shared table parts.

Query functions take a keyword-only `session` and never commit. A use case (a route, or a named
function such as `take_decision`) opens one `write_session`, makes all its writes in it, and the
session commits once when the block ends, or rolls everything back if anything raised.

SQLite has one writer at a time, so writers queue instead of failing (course/writer_turns.py):
`write_session` waits for the file's turn, and a program outside the app that holds the file
makes BEGIN wait SQLite's busy timeout, tried again a few times. PostgreSQL needs none of it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Engine, ForeignKey, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.sql.dml import Insert
from sqlmodel import Field, Session, SQLModel

from course.settings import DATABASE_POOL_SIZE
from course.writer_turns import writer_turn

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

# How long a SQLite writer waits for another process's writer: SQLite waits BUSY_TIMEOUT_SECONDS
# (polling), and BEGIN is tried BEGIN_ATTEMPTS times, so up to 30 s in all before an error.
BUSY_TIMEOUT_SECONDS = 5
BEGIN_ATTEMPTS = 6
RETRY_PAUSE_SECONDS = 0.01


def today() -> dt.date:
    """Today's date in UTC: we keep days, never times."""
    return dt.datetime.now(dt.UTC).date()


def learner_ref() -> Any:
    """The column that ties a row to its learner; deleting the learner deletes the row.

    A BIGINT, as learner ids are random 63-bit numbers (course/learning/models.py)."""
    return Field(
        sa_column=Column(BigInteger, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )


# A pooled PostgreSQL connection idle longer than this is pinged before use (see below).
PING_AFTER_IDLE_SECONDS = 1.0
# Connections a process keeps open, and never more: on SQLite as many as its requests can use
# at once (a thread each: the threadpool has 40); on PostgreSQL COURSE_DATABASE_POOL_SIZE (20),
# beyond which a request waits for a free one. A connection opened beyond the kept ones would
# be closed after one use, and opening one costs more than the request it serves (on PostgreSQL
# a new server process): with 10 kept and 10 more opened at peaks, the lesson page on
# PostgreSQL served 1,120 requests a second; with 20 kept and no more, 1,943 (OPERATIONS.md).
SQLITE_POOL_SIZE = 40


def create_db_engine(url: str, pool_size: int = DATABASE_POOL_SIZE) -> Engine:
    """An engine for the URL; SQLite gets WAL, synchronous=FULL, foreign keys and a busy timeout;
    PostgreSQL a pool keeping `pool_size` connections (COURSE_DATABASE_POOL_SIZE) that pings one
    idle for a second before handing it out."""
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_size=pool_size, max_overflow=0)
        ping_idle_connections(engine)
        return engine
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    pool = {} if in_memory else {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 0}
    connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS}
    engine = create_engine(url, connect_args=connect_args, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below (pysqlite otherwise delays BEGIN).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            f"busy_timeout={round(BUSY_TIMEOUT_SECONDS * 1000)}",
            "secure_delete=ON",  # deleted rows are overwritten, not left in free space
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        begin = connection.get_execution_options().get("sqlite_begin")
        if begin:
            _begin(connection, begin)

    return engine


def ping_idle_connections(engine: Engine) -> None:
    """Before a pooled connection idle for PING_AFTER_IDLE_SECONDS is handed out, check that the
    server still answers (`SELECT 1`); if not, the pool replaces it. SQLAlchemy's own
    `pool_pre_ping` pings at every checkout, a second round trip for most queries. A server
    restart takes longer than a second, so every connection it broke has been idle that long by
    the time the server is back: the first request after a restart is served, not failed."""

    @event.listens_for(engine, "checkin")
    def note_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or just used
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()  # hand it out as the pool had it: outside a transaction
        except Exception as error:  # any driver error: the pool tries another connection
            raise DisconnectionError("the pooled connection no longer answers") from error
        finally:
            record.info.pop("idle_since", None)


def _begin(connection: Any, statement: str) -> None:
    """BEGIN on SQLite; while another process holds the write lock past the busy timeout, try
    again after a short pause, BEGIN_ATTEMPTS times in all."""
    for attempt in range(1, BEGIN_ATTEMPTS + 1):
        try:
            connection.exec_driver_sql(statement)
            return
        except OperationalError as error:
            if attempt == BEGIN_ATTEMPTS or not is_busy(error):
                raise
            time.sleep(RETRY_PAUSE_SECONDS * attempt)


def is_busy(error: OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the lock (SQLITE_BUSY)."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One use case's write transaction: the write lock at once on SQLite (after this process's
    other writers, in turn), one commit at the end, and nothing kept if anything in the block
    raised. Call it from a thread (a sync route), never on the event loop: it may wait."""
    with (
        writer_turn(engine),
        Session(engine.execution_options(**WRITE), expire_on_commit=False) as session,
    ):
        yield session
        session.commit()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads only: each statement sees a consistent snapshot."""
    with Session(engine) as session:
        yield session


def reading(engine: Engine) -> Connection:
    """A connection for a read or two without a session (a request's own lookup). PostgreSQL
    reads outside a transaction, so handing the connection back costs no ROLLBACK; SQLite's
    connections already do (each statement reads a snapshot of its own), and changing their
    isolation level would undo what `create_db_engine` set."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        return connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


def upsert(session: Session, model: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
    """The database's own INSERT, which takes ON CONFLICT DO NOTHING or DO UPDATE."""
    table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_ignoring_duplicates(session: Session, model: type[SQLModel]) -> Insert:
    """An INSERT that does nothing when a unique key already holds the row."""
    return upsert(session, model).on_conflict_do_nothing()


def prebuilt_inserts(
    model: type[SQLModel], build: Callable[[postgresql.Insert | sqlite.Insert], Insert]
) -> dict[str, Insert]:
    """One INSERT … ON CONFLICT statement for each database, built once at import (keyed by
    dialect name) for the statements an answer runs: building a statement costs more than
    running it (see docs/OPERATIONS.md, "Speed")."""
    table = model.__table__  # type: ignore[attr-defined]
    return {"postgresql": build(postgresql.insert(table)), "sqlite": build(sqlite.insert(table))}
