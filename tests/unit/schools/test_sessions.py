"""Session tokens and their limits: 30 minutes idle, 12 hours in all."""

from __future__ import annotations

import datetime as dt

from course.schools.models import TeacherSession
from course.schools.sessions import (
    as_utc,
    hash_session_token,
    is_live,
    needs_touch,
    new_session_token,
)

START = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


def session_at(started: dt.datetime, seen: dt.datetime) -> TeacherSession:
    return TeacherSession(token_hash="h", teacher_id=1, started_at=started, last_seen_at=seen)


def test_tokens_are_random_256_bit_and_only_their_hash_is_kept() -> None:
    tokens = {new_session_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(token) == 43 for token in tokens)
    token = tokens.pop()
    assert len(hash_session_token(token)) == 64 and token not in hash_session_token(token)


def test_idle_expiry_at_30_minutes() -> None:
    row = session_at(START, START)
    assert is_live(row, START + dt.timedelta(minutes=29, seconds=59))
    assert not is_live(row, START + dt.timedelta(minutes=30))


def test_absolute_expiry_at_12_hours_however_active() -> None:
    at = START + dt.timedelta(hours=12)
    assert not is_live(session_at(START, at - dt.timedelta(minutes=1)), at)
    assert is_live(session_at(START, at - dt.timedelta(minutes=1)), at - dt.timedelta(seconds=1))


def test_last_seen_moves_on_at_most_once_a_minute() -> None:
    row = session_at(START, START)
    assert not needs_touch(row, START + dt.timedelta(seconds=59))
    assert needs_touch(row, START + dt.timedelta(seconds=60))


def test_times_without_a_zone_are_read_as_utc() -> None:
    assert as_utc(dt.datetime(2026, 1, 5, 8, 0)) == START
