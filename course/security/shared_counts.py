"""Rate-limit counts in the database, so that every process and host on it shares them.

Without COURSE_REDIS_URL, this is how the limits of course/security/rate.py hold across several
`course serve` processes: one row per key and one-minute window in `rate_count`, added to with
an upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING), so each process learns the total of
every process at once. Keys are the keyed hashes of course/security/rate.py, never an address;
rows of windows that have ended are deleted by the next write, so none lives two minutes.

Two ways to count, chosen by the limit:

- `exact`: every hit is written before the answer (teachers' sign-in attempts, wrong class
  codes: rare, and a guesser must not gain from spreading guesses over processes);
- batched (every state change): hits are counted here and written at most every SYNC_SECONDS,
  so an answer pays nothing extra on its way, and a process sees the others' hits at most
  SYNC_SECONDS late (at 6,000 posts a minute, about 50 posts).

When the database cannot be reached (a PostgreSQL restart), counting goes on in this process,
it is logged once a window without the address, and the hits are written once it is back:
requests are let through rather than refused, as with Redis.

The writer is handed in (the app's `write_session`): this layer imports no other of the app's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

import anyio.to_thread
from sqlalchemy import BigInteger, Column, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, SQLModel

log = logging.getLogger("course")

SYNC_SECONDS = 0.5
MAX_TRACKED = 100_000  # keys counted in one window in one process; more pass uncounted
ROWS_PER_STATEMENT = 500

Writer = Callable[[], AbstractContextManager[Session]]  # a write transaction, or a read


class RateCount(SQLModel, table=True):
    """The hits on one key (a purpose and a keyed hash of an address) in one minute."""

    __tablename__ = "rate_count"

    minute: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    key: str = Field(primary_key=True, max_length=64)
    hits: int


def add_hits(session: Session, minute: int, batch: dict[str, int]) -> dict[str, int]:
    """Add each key's hits to its row for the minute; the totals now, for those keys.

    Keys go in sorted order, so two processes adding to the same rows lock them in the same
    order (no deadlock on PostgreSQL)."""
    table = RateCount.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    totals: dict[str, int] = {}
    keys = sorted(batch)
    for start in range(0, len(keys), ROWS_PER_STATEMENT):
        chunk = keys[start : start + ROWS_PER_STATEMENT]
        rows = [{"minute": minute, "key": key, "hits": batch[key]} for key in chunk]
        statement = dialect.insert(table).values(rows)
        statement = statement.on_conflict_do_update(
            index_elements=["minute", "key"],
            set_={"hits": table.c.hits + statement.excluded.hits},
        ).returning(table.c.key, table.c.hits)
        totals.update({key: hits for key, hits in session.execute(statement)})
    return totals


def forget_before(session: Session, minute: int) -> None:
    """Delete the rows of windows that ended before this minute's previous one."""
    session.execute(delete(RateCount).where(RateCount.minute < minute - 1))  # type: ignore[arg-type]


class DatabaseCounter:
    """A Counter (course/security/rate.py) kept in the `rate_count` table."""

    def __init__(
        self,
        write: Writer,
        *,
        exact: bool,
        read: Writer | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.write = write
        self.read = read or write
        self.exact = exact
        self.clock = clock
        self.max_tracked = max_tracked
        self.window = -1
        self.shared: dict[str, int] = {}  # every process's totals, as last read, this window
        self.pending: dict[str, int] = {}  # this process's hits not written yet
        self.writing: dict[str, int] = {}  # … being written now
        self.synced_at = float("-inf")
        self.syncing = False
        self.cleaned_in = -1  # the window whose old rows were last deleted
        self.warned_in = -1

    async def hit(self, key: str, window: int) -> int:
        """Count one hit; every process's hits on the key this window, as far as known."""
        if window != self.window:
            self.window, self.shared, self.pending = window, {}, {}
        known = key in self.pending or key in self.shared
        if not known and len(self.pending) + len(self.shared) >= self.max_tracked:
            return 0  # full: uncounted, rather than growing without bound
        self.pending[key] = self.pending.get(key, 0) + 1
        if self.exact or self.clock() - self.synced_at >= SYNC_SECONDS:
            await self.sync(window)
        return self.shared.get(key, 0) + self.writing.get(key, 0) + self.pending.get(key, 0)

    async def sync(self, window: int) -> None:
        """Write the hits counted here since the last time, and read back the totals."""
        if self.syncing:
            return  # another request of this process is writing: its totals will do
        self.syncing = True
        batch, self.pending = self.pending, {}
        self.writing = batch
        try:
            totals = await anyio.to_thread.run_sync(self.write_batch, window, batch)
        except (SQLAlchemyError, OSError, TimeoutError):
            totals = None
            if self.warned_in != window:  # once a minute, not once a request
                self.warned_in = window
                log.warning("rate limits: the database is unreachable, counting in this process")
        finally:
            self.writing, self.syncing, self.synced_at = {}, False, self.clock()
        if window != self.window:
            return  # the window ended while writing: its counts no longer matter
        if totals is None:  # keep the hits, to write them when the database is back
            for key, hits in batch.items():
                self.pending[key] = self.pending.get(key, 0) + hits
        else:
            self.shared.update(totals)

    async def peek(self, key: str, window: int) -> int:
        """Every process's hits on the key this window, counting none. An exact counter reads
        its row (another process may have counted since); a batched one answers from what it
        last read. This process's hits not yet written are added either way."""
        mine = self.writing.get(key, 0) + self.pending.get(key, 0) if window == self.window else 0
        if not self.exact:
            return mine + (self.shared.get(key, 0) if window == self.window else 0)
        try:
            stored = await anyio.to_thread.run_sync(self.read_hits, key, window)
        except (SQLAlchemyError, OSError, TimeoutError):
            stored = self.shared.get(key, 0) if window == self.window else 0
        return stored + mine

    def read_hits(self, key: str, window: int) -> int:
        """In a thread: the hits stored on the key's row for the window (0 without a row)."""
        with self.read() as session:
            hits = session.get(RateCount, (window, key))
            return hits.hits if hits is not None else 0

    def write_batch(self, window: int, batch: dict[str, int]) -> dict[str, int]:
        """In a thread: one transaction adding the batch (and dropping old windows' rows)."""
        with self.write() as session:
            if self.cleaned_in != window:
                forget_before(session, window)
            totals = add_hits(session, window, batch)
        self.cleaned_in = window
        return totals

    async def close(self) -> None:
        """Nothing to let go of: the app closes the database's connections."""
