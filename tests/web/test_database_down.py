"""When the database cannot be reached (a PostgreSQL restart, a network cut), a pupil gets a
503 "Busy for a moment" page with Retry-After, not the "went wrong" 500; nothing of the error
is shown, and a fault in the app itself is still a 500 (tests/web/test_asvs_requests.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.db import create_db_engine
from tests.pages import csrf_token, start_learner

# The app's engine is swapped for one that reaches nothing: the database it was built on is
# never used, so one run is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/course"  # nothing listens on port 1


@contextmanager
def cut_off_from(app: FastAPI) -> Iterator[None]:
    """While inside, the app's database is one that cannot be reached."""
    working = app.state.engine
    app.state.engine = create_db_engine(NOWHERE)
    try:
        yield
    finally:
        app.state.engine.dispose()
        app.state.engine = working


def assert_busy_page(response_text: str) -> None:
    assert "Busy for a moment" in response_text
    assert "what you have done so far is kept" in response_text
    for internal in ("Traceback", "psycopg", "OperationalError", "127.0.0.1", "port 1"):
        assert internal not in response_text


def test_a_learner_is_told_to_try_again_in_a_few_seconds(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    lesson = start_learner(client)  # while the database answers
    token = csrf_token(client)
    with cut_off_from(app), caplog.at_level(logging.WARNING, logger="course"):
        for response in (
            client.get(lesson),
            client.post("/start", data={"age_band": "adult", "csrf_token": token}),
            client.get(lesson, headers={"HX-Request": "true"}),
        ):
            assert response.status_code == 503
            assert response.headers["retry-after"] == "5"
            assert response.headers["cache-control"] == "no-store"
            assert_busy_page(response.text)
    assert any("database unavailable" in r.getMessage() for r in caplog.records)
    assert client.get(lesson).status_code == 200  # back: the learner carries on
