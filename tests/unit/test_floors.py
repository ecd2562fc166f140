"""`make floors`' routes do what their rows say: the insert stores a row, the read finds one, the
totals count one class (tests/perf/floor_app.py, tests/perf/floors.py)."""

from __future__ import annotations

import importlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.conftest import POSTGRES_URL
from tests.live_servers import empty_schema
from tests.perf import floors

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not POSTGRES_URL and not os.environ.get("CI"),
        reason="COURSE_TEST_DATABASE_URL is not set; in CI this fails instead",
    ),
]


@pytest.fixture(scope="module")
def floor_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, Path, str]]:
    folder = tmp_path_factory.mktemp("floors")
    floors.make_sqlite(folder / "floor.db")
    assert POSTGRES_URL, "COURSE_TEST_DATABASE_URL is not set"
    with empty_schema(POSTGRES_URL, "floors") as url, pytest.MonkeyPatch.context() as patch:
        libpq = url.replace("postgresql+psycopg://", "postgresql://")
        floors.make_postgres(libpq)
        patch.setenv("FLOOR_SQLITE", str(folder / "floor.db"))
        patch.setenv("FLOOR_POSTGRES", libpq)
        import tests.perf.floor_app as module

        module = importlib.reload(module)
        try:
            yield module, folder / "floor.db", libpq
        finally:
            while not module.postgres_pool.empty():
                module.postgres_pool.get().close()


def test_every_floor_answers_and_the_inserts_are_stored(
    floor_app: tuple[ModuleType, Path, str],
) -> None:
    module, sqlite_path, libpq = floor_app
    with TestClient(module.app) as client:
        for _name, path, post, _bounds, _target in floors.FLOORS:
            response = client.post(path, data={"value": "v"}) if post else client.get(path)
            assert response.status_code == 200, path
        assert client.get("/postgres-read").text == "('the row read',)"
        assert client.get("/sqlite-class-totals").text == str(floors.PUPILS)
        assert client.get("/sqlite-class-table").text.count("<tr>") == floors.PUPILS + 1
    with sqlite3.connect(sqlite_path) as connection:
        assert connection.execute("SELECT value FROM floor_row").fetchall() == [("v",)]
    with psycopg.connect(libpq) as connection:
        stored = connection.execute("SELECT value FROM floor_row ORDER BY id").fetchall()
        assert stored == [("the row read",), ("v",)]
