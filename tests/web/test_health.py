"""GET /health: 200 while the process and its database can serve, 503 when the database cannot
be reached, and nothing said beyond that."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.db import create_db_engine


def test_health_is_ok_while_the_database_answers(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.text == "ok\n"
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers
    assert client.head("/health").status_code == 200


def test_health_is_503_when_the_database_cannot_be_reached(app: FastAPI) -> None:
    working = app.state.engine
    app.state.engine = create_db_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    try:
        with TestClient(app) as client:
            response = client.get("/health")
    finally:
        app.state.engine.dispose()
        app.state.engine = working
    assert response.status_code == 503
    assert response.text == "database unreachable\n"
    assert "127.0.0.1" not in response.text
