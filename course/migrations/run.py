"""Alembic, driven from Python: no alembic.ini to keep in step."""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from course.writer_turns import open_turn_file

log = logging.getLogger("course")

MIGRATIONS_DIR = Path(__file__).resolve().parent

# The PostgreSQL advisory lock that `course migrate` holds while it migrates (one per database).
# Any fixed 64-bit key will do, so long as every release uses the same one and nothing else on
# the database takes it: this is "course-m" in ASCII, read as a number.
MIGRATE_LOCK_KEY = 0x636F757273652D6D


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
    "upgraded" or "up to date". Two at once on one database take turns (`migrate_lock`)."""
    with migrate_lock(url):
        before = current_revision(url)
        upgrade(url)
        after = current_revision(url)
    if before is None:
        return "created"
    return "up to date" if before == after else "upgraded"


@contextmanager
def migrate_lock(url: str) -> Iterator[None]:
    """Hold the database's migrate lock while the block runs. Several hosts starting their
    service at once each run `course migrate`: without a lock, all of them find the database
    behind and try to create the same tables, and all but one fail. With it, they take turns:
    the next one waits for the first, then finds the database up to date. PostgreSQL: an
    advisory lock; SQLite: a flock on <file>-migrate; a database in memory is never shared."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        with _advisory_lock(url):
            yield
        return
    database = parsed.database
    if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
        yield
        return
    with _file_lock(os.path.realpath(database)):
        yield


WAITING = "another `course migrate` is migrating %s: waiting for it to finish"


@contextmanager
def _advisory_lock(url: str) -> Iterator[None]:
    """PostgreSQL's session advisory lock MIGRATE_LOCK_KEY, on a connection of its own kept
    open (outside any transaction) while the block runs. The server lets go of it when the
    connection closes, so a migrate that dies, or whose host does, never leaves it taken."""
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    key = {"key": MIGRATE_LOCK_KEY}
    try:
        with engine.connect() as connection:
            if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
                log.warning(WAITING, "the database")
                connection.execute(text("SELECT pg_advisory_lock(:key)"), key)
            try:
                yield
            finally:
                # A connection lost meanwhile has let go already; closing it lets go in any case.
                with suppress(DBAPIError):
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
    finally:
        engine.dispose()


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    """An exclusive flock on <file>-migrate beside the SQLite database, opened as the writers'
    turn file is (made by root, it is given the database's owner). A process that dies lets go
    with its files. The file stays, empty, as the writers' does."""
    descriptor = open_turn_file(path, suffix="-migrate")
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning(WAITING, path)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # lets go of the flock
