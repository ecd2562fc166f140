"""What the fuzzers (tests/fuzz/) found, each kept as a plain test of its own."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.pages import csrf_token
from tests.schools import class_of, sign_in_teacher

TOO_BIG = 2**63  # one past the largest id a database integer column holds


@pytest.mark.parametrize(
    "path",
    [
        "/teachers/classes/{id}",
        "/teachers/classes/{id}/join-screen",
        "/teachers/classes/{id}/delete",
        "/teachers/live/{id}",
        "/teachers/live/{id}/end",
    ],
)
def test_a_class_id_too_big_for_the_database_is_not_found(
    client: TestClient, app: FastAPI, path: str
) -> None:
    """A class id past 2**63 - 1 was handed to the database, which cannot hold it: a 500
    (OverflowError on SQLite, out of range on PostgreSQL). It is a class that does not exist."""
    class_of(app, sign_in_teacher(client, app))
    for class_id in (TOO_BIG, 10**30, 0, -1):
        response = client.get(path.format(id=class_id))
        assert response.status_code == 404, (class_id, response.text)


def test_a_change_to_a_class_id_too_big_is_not_found(client: TestClient, app: FastAPI) -> None:
    class_of(app, sign_in_teacher(client, app))
    token = csrf_token(client, "/teachers/classes")
    for action in ("name", "joining", "code", "limits", "delete"):
        response = client.post(
            f"/teachers/classes/{TOO_BIG}/{action}", data={"csrf_token": token, "name": "x"}
        )
        assert response.status_code == 404, (action, response.text)
    response = client.post(f"/teachers/live/{TOO_BIG}/start", data={"csrf_token": token})
    assert response.status_code == 404


def test_a_superscript_digit_is_not_a_number_of_pupils(client: TestClient, app: FastAPI) -> None:
    """Python's isdigit() says yes to '²', and int('²') then raised: a 500. Only 0-9 count."""
    school_class = class_of(app, sign_in_teacher(client, app))
    token = csrf_token(client, "/teachers/classes")
    for cap in ("²", "1²", "١٢"):
        response = client.post(
            f"/teachers/classes/{school_class.id}/limits", data={"csrf_token": token, "cap": cap}
        )
        assert response.status_code == 422, (cap, response.text)
        assert "Give a number from 1 to 1000" in response.text


def test_a_superscript_digit_is_no_teacher_to_remove(client: TestClient, app: FastAPI) -> None:
    sign_in_teacher(client, app)
    token = csrf_token(client, "/teachers/school")
    for teacher_id in ("¹", "1²", "٣"):
        assert (
            client.get("/teachers/school/remove", params={"teacher_id": teacher_id}).status_code
            == 404
        )
        response = client.post(
            "/teachers/school/remove", data={"csrf_token": token, "teacher_id": teacher_id}
        )
        assert response.status_code == 404, (teacher_id, response.text)
