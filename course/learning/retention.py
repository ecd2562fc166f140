"""Retention: learners not seen for the retention period are deleted, and leave no trace behind.

`purge_expired` is the use case: one write transaction deletes the learners (their rows go with
them, ON DELETE CASCADE), then on SQLite the write-ahead log is emptied into the database file,
where `secure_delete` has already overwritten the freed bytes (course/db.py), so neither file
keeps a copy. `course purge` runs it once; the server runs it by itself, at start-up and then
every `PURGE_INTERVAL_SECONDS` (`DailyPurge`, started by the app's lifespan). It is idempotent,
so several workers may each run it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Sequence

import anyio.to_thread
from sqlalchemy import Engine

from course.db import write_session
from course.learning.progress import purge_learners

PURGE_INTERVAL_SECONDS = 24 * 60 * 60

log = logging.getLogger("course")


def purge_expired(engine: Engine, retention_days: int, *, today_: dt.date | None = None) -> int:
    """Delete the learners not seen for retention_days, then empty the write-ahead log;
    returns how many learners went."""
    with write_session(engine) as session:
        deleted = purge_learners(retention_days, session=session, today_=today_)
    if not empty_write_ahead_log(engine):
        log.warning("purge: the write-ahead log was busy; it is emptied on the next purge")
    return deleted


def empty_write_ahead_log(engine: Engine) -> bool:
    """On SQLite, copy every page of the write-ahead log into the database file and truncate
    the log to nothing, so it keeps no copy of a page as it was before a delete. False when a
    reader or writer kept it from finishing (after the busy timeout). Nothing to do elsewhere.
    """
    if engine.dialect.name != "sqlite":
        return True
    # Outside any transaction: a plain connection sends no BEGIN (course/db.py).
    with engine.connect() as connection:
        row = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    busy = int(row[0])
    return busy == 0


class DailyPurge:
    """The purge the running server does by itself: once at start-up, then once a day.

    A failed run is logged and the next one tries again. `stop` ends the loop at once while it
    waits for the next day, and after the run under way has committed while it purges, so a
    purge never stops half-way and the engine is never closed under it. Tests call `run_once`
    to trigger a run."""

    def __init__(
        self,
        engine: Engine,
        retention_days: int,
        interval: float = PURGE_INTERVAL_SECONDS,
        also: Sequence[Callable[..., None]] = (),
    ) -> None:
        self.engine = engine
        self.retention_days = retention_days
        self.interval = interval
        self.also = also  # other features' clean-ups, each in a write of its own (`session=`)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The loop's task, from `start` until `stop`."""
        return self._task

    async def run_once(self) -> int | None:
        """One purge, in a worker thread; how many learners went, or None if it failed."""
        return await anyio.to_thread.run_sync(self._purge_and_log)

    def _purge_and_log(self) -> int | None:
        try:
            deleted = purge_expired(self.engine, self.retention_days)
            for clean_up in self.also:
                with write_session(self.engine) as session:
                    clean_up(session=session)
        except Exception:
            log.exception("purge failed; the next run tries again")
            return None
        log.info("purged %d learner(s)", deleted)  # a count, never an identifier
        return deleted

    async def _run_daily(self) -> None:
        while not self._stopping.is_set():
            await self.run_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)

    def start(self) -> None:
        """Start the loop as a task of the running event loop."""
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run_daily(), name="daily purge")

    async def stop(self) -> None:
        """End the loop and wait until it has ended."""
        task, self._task = self._task, None
        if task is not None:
            self._stopping.set()
            await task
