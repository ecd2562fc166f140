"""The broker wakes the streams of every process: a change made through one broker reaches a
stream of another on the same database (PostgreSQL: NOTIFY; SQLite: each process watches its
classes' versions), and a change to one class wakes nobody who follows another."""

from __future__ import annotations

import asyncio

from course.db import create_db_engine
from course.live import state
from course.live.broker import COUNTS, STATE, Broker, Change
from tests.aio import run
from tests.unit.live.test_state import a_class

WAKE_WITHIN_SECONDS = 10.0  # generous: this says that it arrives, not how fast


def test_a_change_in_one_process_wakes_a_stream_in_another(database_url: str) -> None:
    maker = Broker(create_db_engine(database_url))
    follower = Broker(create_db_engine(database_url))
    class_id, other_class = a_class(maker.engine), a_class(maker.engine, "b@example.org")

    async def scene() -> tuple[bool, bool]:
        async with (
            follower.subscribe(class_id) as inbox,
            follower.subscribe(other_class) as other_inbox,
        ):
            await asyncio.sleep(1.2)  # let the watcher (SQLite) take its first looks
            inbox.ready.clear()  # (a first look wakes each class once, in case it moved)
            other_inbox.ready.clear()
            await asyncio.to_thread(
                maker.change,
                lambda s: (state.start(class_id, session=s), [Change(class_id, STATE)]),
            )
            await asyncio.wait_for(inbox.next(), WAKE_WITHIN_SECONDS)
            await asyncio.sleep(1.5)
            return True, other_inbox.ready.is_set()

        return False, False

    try:
        woken, other_woken = run(scene())
        assert woken
        assert not other_woken
    finally:
        run(follower.stop())
        maker.engine.dispose()
        follower.engine.dispose()


def test_a_payload_is_read_back_as_it_was_sent_and_nonsense_is_dropped() -> None:
    for change in (Change(12345678901234, STATE), Change(1, COUNTS)):
        assert Change.parse(change.payload()) == change
    for nonsense in ("", "x state", "12 drop-table", "12"):
        assert Change.parse(nonsense) is None
