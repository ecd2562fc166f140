"""Rate-limit counts in the database: several processes (here, several counters on one
database, as each process has its own) share one count per key and minute."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from course.db import create_db_engine, read_session, write_session
from course.security.shared_counts import SYNC_SECONDS, DatabaseCounter, RateCount
from tests.aio import run

WINDOW = 29_000_000  # a minute since the epoch, as wall_clock() // 60 gives


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


def counter(engine: Engine, *, exact: bool, clock: Clock | None = None) -> DatabaseCounter:
    writer = partial(write_session, engine)
    return DatabaseCounter(writer, exact=exact, clock=clock or Clock())


def rows(engine: Engine) -> dict[tuple[int, str], int]:
    with read_session(engine) as session:
        found = session.execute(select(RateCount.minute, RateCount.key, RateCount.hits))
        return {(minute, key): hits for minute, key, hits in found}


def test_exact_counters_on_one_database_share_every_hit(engine: Engine) -> None:
    first, second = counter(engine, exact=True), counter(engine, exact=True)

    async def hits() -> list[int]:
        seen = []
        for turn in range(6):
            seen.append(await (first, second)[turn % 2].hit("join:abc", WINDOW))
        return seen

    assert run(hits()) == [1, 2, 3, 4, 5, 6]
    assert rows(engine) == {(WINDOW, "join:abc"): 6}


def test_an_exact_counter_peeks_at_every_processes_hits_and_counts_none(engine: Engine) -> None:
    counting = counter(engine, exact=True)
    reading = DatabaseCounter(
        partial(write_session, engine), exact=True, read=partial(read_session, engine)
    )

    async def seen() -> list[int]:
        before = await reading.peek("join:abc", WINDOW)
        for _ in range(3):
            await counting.hit("join:abc", WINDOW)
        after = [await reading.peek("join:abc", WINDOW) for _ in range(2)]
        return [before, *after, await reading.peek("join:abc", WINDOW + 1)]

    assert run(seen()) == [0, 3, 3, 0]
    assert rows(engine) == {(WINDOW, "join:abc"): 3}


def test_batched_hits_are_written_every_half_second_and_counted_here_meanwhile(
    engine: Engine,
) -> None:
    clock = Clock()
    first, second = (counter(engine, exact=False, clock=clock) for _ in range(2))

    async def scenario() -> tuple[list[int], int, int]:
        # The first hit writes at once (nothing was written yet); the next four wait.
        seen = [await first.hit("post:abc", WINDOW) for _ in range(5)]
        before = await second.hit("post:abc", WINDOW)  # sees the one written hit, and its own
        clock.now += SYNC_SECONDS
        await first.hit("post:abc", WINDOW)  # writes its five waiting hits, this one too
        after = await second.hit("post:abc", WINDOW)  # due too: writes, and reads the total
        return seen, before, after

    seen, before, after = run(scenario())
    assert seen == [1, 2, 3, 4, 5]
    assert before == 2
    assert after == 1 + 1 + 5 + 1  # first's six, second's two, all written by now
    assert rows(engine) == {(WINDOW, "post:abc"): 8}


def test_a_new_minute_starts_from_none_and_deletes_ended_minutes(engine: Engine) -> None:
    exact = counter(engine, exact=True)

    async def scenario() -> list[int]:
        counts = [await exact.hit("join:abc", WINDOW) for _ in range(3)]
        counts.append(await exact.hit("join:abc", WINDOW + 1))
        counts.append(await exact.hit("join:abc", WINDOW + 2))
        return counts

    assert run(scenario()) == [1, 2, 3, 1, 1]
    assert rows(engine) == {(WINDOW + 1, "join:abc"): 1, (WINDOW + 2, "join:abc"): 1}


def test_while_the_database_is_down_hits_are_counted_here_and_written_when_it_is_back(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    down = True

    @contextmanager
    def flaky_writer() -> Iterator[Session]:
        if down:
            raise OperationalError("connect", {}, Exception("connection refused"))
        with write_session(engine) as session:
            yield session

    exact = DatabaseCounter(flaky_writer, exact=True, clock=Clock())

    async def while_down() -> list[int]:
        return [await exact.hit("sign-in:abc", WINDOW) for _ in range(3)]

    with caplog.at_level(logging.WARNING, logger="course"):
        assert run(while_down()) == [1, 2, 3]
    warnings = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a hit
    assert "abc" not in warnings[0]
    down = False
    assert run(exact.hit("sign-in:abc", WINDOW)) == 4
    assert rows(engine) == {(WINDOW, "sign-in:abc"): 4}


def test_a_process_counts_at_most_max_tracked_keys_a_minute(engine: Engine) -> None:
    small = DatabaseCounter(partial(write_session, engine), exact=True, max_tracked=2)

    async def scenario() -> list[int]:
        return [await small.hit(key, WINDOW) for key in ("a", "b", "c", "a")]

    assert run(scenario()) == [1, 1, 0, 2]  # "c" passes uncounted; known keys go on
