"""Writers to one SQLite file take turns: threads in a process, then processes.

SQLite has one writer at a time. In each process, the writers to a file queue on a lock of
their own (`writer_turn`, held by `course.db.write_session` for the whole transaction), each in
its own thread and holding no connection; the thread whose turn it is then takes the file's turn
among processes (`processes_turn`). So a writer never sits in SQLite's busy handler unless a
program outside the app holds the file. The figures are in docs/OPERATIONS.md, "Many writers at
once". PostgreSQL, and SQLite in memory, need none of it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

log = logging.getLogger("course")

# How long a writer waits for its turn in this process before giving up (a stuck transaction).
TURN_TIMEOUT_SECONDS = 30.0


class NoTurnToWrite(TimeoutError):
    """Another writer of this process held the SQLite file for TURN_TIMEOUT_SECONDS."""


# The writers' turns: one lock per SQLite file in this process, and the files each thread is
# writing to now (a second write_session on the same file in the same thread could never start).
_TURNS: dict[str, threading.Lock] = {}
_TURNS_GUARD = threading.Lock()
_WRITING = threading.local()


def _sqlite_file(engine: Engine) -> str | None:
    """The SQLite database file behind the engine, or None (PostgreSQL, or in memory)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return os.path.realpath(database)


@contextmanager
def writer_turn(engine: Engine) -> Iterator[None]:
    """Wait for this process's turn to write to the engine's SQLite file, and hold it.

    Writers queue here, each in its own thread, holding no connection, so only one thread per
    process meets SQLite's own lock. Nothing to wait for on PostgreSQL or in memory."""
    path = _sqlite_file(engine)
    if path is None:
        yield
        return
    writing: set[str] = _WRITING.__dict__.setdefault("files", set())
    if path in writing:
        raise RuntimeError(f"this thread is already writing to {path}: use that write_session")
    with _TURNS_GUARD:
        turn = _TURNS.setdefault(path, threading.Lock())
    if not turn.acquire(timeout=TURN_TIMEOUT_SECONDS):
        raise NoTurnToWrite(f"no turn to write to {path} in {TURN_TIMEOUT_SECONDS:.0f}s")
    writing.add(path)
    try:
        with processes_turn(path):
            yield
    finally:
        writing.discard(path)
        turn.release()


_UNOPENED: set[str] = set()  # turn files that could not be opened: warned about once


def open_turn_file(path: str, suffix: str = "-writers") -> int:
    """The turn file beside the database (<file>-writers, or another suffix: `course migrate`
    takes its turn on <file>-migrate), created if need be. Created by root (a command run as
    root on a server's files), it is given the database's owner, as SQLite gives its WAL, so
    that the server's own user can still open it."""
    descriptor = os.open(f"{path}{suffix}", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.geteuid() == 0 and os.path.exists(path):
            owner = os.stat(path)
            os.fchown(descriptor, owner.st_uid, owner.st_gid)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


@contextmanager
def processes_turn(path: str) -> Iterator[None]:
    """Hold the file's turn among processes while the block runs: an exclusive flock on a file
    beside the database (<file>-writers). A process waiting for it is woken by the kernel the
    moment it is free, where SQLite's busy handler sleeps up to 100 ms between tries while the
    other process's next writer takes the lock again (two workers answered no faster than one
    so, with three times the p99: docs/OPERATIONS.md, "Many writers at once").

    The file is opened for each turn and closed after it (kept open, a process that wrote to
    many files, as the test suite does, would run out of descriptors). A process that dies lets
    go with its files; one whose writer is stuck holds the turn as it would hold SQLite's own
    lock, and the other processes' writers wait for it (one per process, the rest in their
    process's turn, until TURN_TIMEOUT_SECONDS)."""
    descriptor = None
    try:
        descriptor = open_turn_file(path)
    except OSError as error:  # a folder the server may not write to, say: writes go on
        if path not in _UNOPENED:  # said once; tried again at the next write
            _UNOPENED.add(path)
            log.warning("no turns between processes for %s (%s): SQLite's lock alone", path, error)
    if descriptor is None:
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # waits without the GIL
        yield
    finally:
        os.close(descriptor)  # lets go of the flock
