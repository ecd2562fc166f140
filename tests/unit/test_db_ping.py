"""PostgreSQL connections idle for a second are pinged before use, so a connection the server
dropped (a restart, an idle timeout) is replaced rather than failing a request; connections in
constant use are not pinged, which saves a round trip on nearly every request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from course.db import create_db_engine
from tests.conftest import POSTGRES_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="COURSE_TEST_DATABASE_URL is not set"),
]


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_db_engine(POSTGRES_URL)
    yield engine
    engine.dispose()


def backend_of(engine: Engine) -> int:
    with engine.connect() as connection:
        pid: int = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        return pid


def drop_from_the_server(pid: int) -> None:
    """What a server restart does to a pooled connection: the server ends it."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("course.db.PING_AFTER_IDLE_SECONDS", 0.0)  # every connection is "idle"
    first = backend_of(engine)
    drop_from_the_server(first)
    second = backend_of(engine)  # no error: the ping found it gone, the pool made a new one
    assert second != first


def test_a_connection_just_used_is_not_pinged_and_a_dropped_one_then_fails(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("course.db.PING_AFTER_IDLE_SECONDS", 3600.0)  # nothing is idle that long
    drop_from_the_server(backend_of(engine))
    with pytest.raises(OperationalError):  # the case the ping is for (and the test can fail)
        backend_of(engine)
    assert backend_of(engine)  # SQLAlchemy invalidated it: the next checkout reconnects
