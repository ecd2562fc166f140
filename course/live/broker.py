"""Live changes from whichever process made them to every stream of every process.

A change (a class's session moved on, or the teacher's counts moved) is announced inside the
write transaction that made it. On PostgreSQL that is a NOTIFY, which PostgreSQL delivers when
the transaction commits, to every process LISTENing, this one included: each process keeps one
listening connection (opened by the first stream, closed with the app), and fans each change out
in memory to its own streams. On SQLite the change is handed to this process's streams once the
transaction has committed; other processes on the same file (`--workers 2`) notice it within
WATCH_SECONDS, as each process with streams reads its classes' versions that often (one small
query, only while someone follows).

Nothing is replayed: a stream that (re)connects reads the current state itself, and after the
listening connection is lost and comes back every stream reads it again. A stream holds no
database connection while it waits. A payload is three numbers, far under NOTIFY's 8,000 bytes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from sqlalchemy import Engine, text
from sqlmodel import Session

from course.db import write_session

CHANNEL = "course_live"
STATE, COUNTS = "state", "counts"
LISTEN_WAIT_SECONDS = 5.0
WATCH_SECONDS = 0.5  # SQLite: how often a process with streams looks for other processes' changes
WATCH = "SELECT class_id, version FROM live_session WHERE class_id IN ({marks})"
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    class_id: int
    kind: str  # STATE: what devices show; COUNTS: only what the teacher's screen counts

    def payload(self) -> str:
        return f"{self.class_id} {self.kind}"

    @classmethod
    def parse(cls, payload: str) -> Change | None:
        class_id, _, kind = payload.partition(" ")
        return cls(int(class_id), kind) if class_id.isdigit() and kind in (STATE, COUNTS) else None


class Inbox:
    """One stream's mailbox: woken by every change it follows (several count as one)."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()

    def offer(self) -> None:
        self.ready.set()

    async def next(self) -> None:
        """Wait for the next change (those that came meanwhile are all in the state it reads)."""
        await self.ready.wait()
        self.ready.clear()


class Broker:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.pupils: dict[int, set[Inbox]] = {}
        self.teachers: dict[int, set[Inbox]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.listener: asyncio.Task[None] | None = None
        self.listening: asyncio.Event | None = None
        self.watcher: asyncio.Task[None] | None = None
        # Moves on with every change to a class's state this process hears of (see views.py).
        self.generation: dict[int, int] = {}
        # The version this process last drew or delivered of each class (the SQLite watcher
        # wakes streams only for a version newer than that).
        self.known: dict[int, int] = {}

    def change(self, work: Callable[[Session], tuple[T, Iterable[Change]]]) -> T:
        """Run one use case's write transaction and announce the changes it made (from a
        worker thread, as every write is)."""
        with write_session(self.engine) as session:
            result, changes = work(session)
            changes = tuple(changes)
            if self.postgres:
                for change in changes:
                    query = text("SELECT pg_notify(:channel, :payload)")
                    session.execute(query, {"channel": CHANNEL, "payload": change.payload()})
        if not self.postgres and self.loop is not None and changes:
            with suppress(RuntimeError):  # the loop has closed: nobody is left to tell
                self.loop.call_soon_threadsafe(self.deliver, changes)
        return result

    def deliver(self, changes: Iterable[Change]) -> None:
        """Wake this process's streams that follow these changes."""
        for change in changes:
            for inbox in self.teachers.get(change.class_id, ()):
                inbox.offer()
            if change.kind == STATE:
                self.generation[change.class_id] = self.generation.get(change.class_id, 0) + 1
                for inbox in self.pupils.get(change.class_id, ()):
                    inbox.offer()

    def wake_everyone(self) -> None:
        """Every stream reads afresh (changes may have been missed)."""
        for class_id in {*self.generation, *self.pupils, *self.teachers}:
            self.generation[class_id] = self.generation.get(class_id, 0) + 1
        for group in (*self.pupils.values(), *self.teachers.values()):
            for inbox in group:
                inbox.offer()

    @asynccontextmanager
    async def subscribe(self, class_id: int, *, teacher: bool = False) -> AsyncIterator[Inbox]:
        """Follow a class's changes (a teacher's stream also follows the counts)."""
        self.loop = asyncio.get_running_loop()
        if self.postgres:
            await self.start_listening()
        elif self.watcher is None or self.watcher.done():
            self.watcher = asyncio.create_task(self.watch(), name="live-watcher")
        inbox = Inbox()
        group = (self.teachers if teacher else self.pupils).setdefault(class_id, set())
        group.add(inbox)
        try:
            yield inbox
        finally:
            group.discard(inbox)
            if not group:
                (self.teachers if teacher else self.pupils).pop(class_id, None)

    async def start_listening(self) -> None:
        """Open this process's listening connection if it is not open, and wait until it
        listens, so that no change after the stream's first read can be missed."""
        if self.listener is None or self.listener.done():
            self.listening = asyncio.Event()
            self.listener = asyncio.create_task(self.listen(), name="live-listener")
        assert self.listening is not None
        with suppress(TimeoutError):
            await asyncio.wait_for(self.listening.wait(), LISTEN_WAIT_SECONDS)

    def conninfo(self) -> str:
        url = self.engine.url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    async def listen(self) -> None:
        """LISTEN, and hand every notification to this process's streams; when the connection
        is lost (a database restart), connect again, then have every stream read afresh."""
        pause = 0.25
        while True:
            try:
                connection = await psycopg.AsyncConnection.connect(self.conninfo(), autocommit=True)
                async with connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    assert self.listening is not None
                    self.listening.set()
                    self.wake_everyone()
                    pause = 0.25
                    async for note in connection.notifies():
                        change = Change.parse(note.payload)
                        if change is not None:
                            self.deliver((change,))
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("live: listening connection lost (%s); again in %.1f s", error, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)

    async def watch(self) -> None:
        """SQLite: every WATCH_SECONDS while streams follow, wake those whose class's version
        moved (or whose session ended) since the last look, and the teachers' (their counts)."""
        while self.pupils or self.teachers:
            await asyncio.sleep(WATCH_SECONDS)
            classes = sorted({*self.pupils, *self.teachers})[:500]
            if not classes:
                continue
            try:
                now = await asyncio.to_thread(self.versions, classes)
            except Exception as error:
                log.warning("live: could not read versions (%s)", error)
                continue
            # A class this process has not drawn yet is woken too: it may have moved between its
            # stream's first read and this look (the stream sends nothing if it did not).
            moved = [c for c in classes if self.known.get(c, -1) != now.get(c, 0)]
            for class_id in moved:
                self.known[class_id] = now.get(class_id, 0)
            if moved:
                self.deliver(Change(class_id, STATE) for class_id in moved)
            self.deliver(Change(class_id, COUNTS) for class_id in self.teachers)

    def versions(self, classes: list[int]) -> dict[int, int]:
        query = WATCH.format(marks=", ".join("?" * len(classes)))
        with self.engine.connect() as connection:
            rows = connection.exec_driver_sql(query, tuple(classes)).all()
        return {int(class_id): int(version) for class_id, version in rows}

    async def stop(self) -> None:
        for task in (self.listener, self.watcher):
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await task
        self.listener = self.watcher = None
