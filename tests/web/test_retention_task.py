"""The running server purges learners past retention by itself: at start-up, then once a day,
however it was started; a failed run is logged and the next one tries again."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text, update
from sqlmodel import col

from course.db import write_session
from course.learning import retention
from course.learning.identity import hash_token
from course.learning.models import Learner
from course.learning.progress import KnownLearner, create_learner
from course.learning.retention import PURGE_INTERVAL_SECONDS, DailyPurge
from tests.aio import run as run_async

LONG_AGO = dt.date.today() - dt.timedelta(days=400)


def add_learner(engine: Engine, last_seen_on: dt.date | None = None) -> tuple[str, KnownLearner]:
    """A learner, last seen on that day (today if none); their stored token hash too."""
    with write_session(engine) as session:
        token, learner = create_learner("14-18", session=session)
        if last_seen_on:
            session.execute(
                update(Learner)
                .where(col(Learner.id) == learner.id)
                .values(last_seen_on=last_seen_on)
            )
    return hash_token(token), learner


def learner_ids(engine: Engine) -> set[int]:
    with engine.connect() as connection:
        return set(connection.execute(text("SELECT id FROM learner")).scalars())


def test_the_purge_runs_daily(app: FastAPI) -> None:
    assert PURGE_INTERVAL_SECONDS == 24 * 60 * 60
    assert DailyPurge(app.state.engine, 395).interval == PURGE_INTERVAL_SECONDS


def test_starting_the_app_purges_learners_past_retention(app: FastAPI) -> None:
    engine = app.state.engine
    _, old = add_learner(engine, LONG_AGO)
    _, recent = add_learner(engine)
    with TestClient(app):  # starts the app as a server does: no command is run
        deadline = time.monotonic() + 20
        while old.id in learner_ids(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert learner_ids(engine) == {recent.id}


def test_one_run_can_be_triggered_and_logs_a_count_only(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    engine = app.state.engine
    with TestClient(app) as client:
        client.portal.call(app.state.daily_purge.run_once)  # the start-up run has been
        token_hash, old = add_learner(engine, LONG_AGO)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="course"):
            assert client.portal.call(app.state.daily_purge.run_once) == 1
        assert learner_ids(engine) == set()
    assert "purged 1 learner(s)" in caplog.messages
    assert str(old.id) not in caplog.text
    assert token_hash not in caplog.text


def test_a_failed_run_is_logged_and_the_next_one_runs(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    engine = app.state.engine
    _, old = add_learner(engine, LONG_AGO)
    calls: list[int] = []
    real_purge = retention.purge_expired

    def fails_once(engine: Engine, retention_days: int) -> int:
        calls.append(retention_days)
        if len(calls) == 1:
            raise RuntimeError("the database is away")
        return real_purge(engine, retention_days)

    monkeypatch.setattr(retention, "purge_expired", fails_once)

    async def two_runs() -> None:
        purge = DailyPurge(engine, 395, interval=0.01)
        purge.start()
        for _ in range(2000):
            if len(calls) >= 2 and old.id not in learner_ids(engine):
                break
            await asyncio.sleep(0.01)
        await purge.stop()

    with caplog.at_level(logging.INFO, logger="course"):
        run_async(two_runs())
    assert len(calls) >= 2
    assert old.id not in learner_ids(engine)
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failures and failures[0].getMessage().startswith("purge failed")
    assert "purged 1 learner(s)" in caplog.messages


def test_stopping_ends_the_loop_at_once_while_it_waits(app: FastAPI) -> None:
    async def start_and_stop() -> tuple[asyncio.Task[None], float]:
        purge = DailyPurge(app.state.engine, 395)
        purge.start()
        task = purge.task
        assert task is not None
        await purge.run_once()  # by now the start-up run is over too, or nearly
        started = time.monotonic()
        await purge.stop()
        await purge.stop()  # twice is harmless
        assert purge.task is None
        return task, time.monotonic() - started

    task, took = run_async(start_and_stop())
    assert task.done() and task.exception() is None
    assert took < 10  # not a day


def test_shutting_the_app_down_stops_its_purge(app: FastAPI) -> None:
    with TestClient(app):
        task = app.state.daily_purge.task
        assert task is not None and not task.done()
    assert task.done()
