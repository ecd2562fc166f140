"""Pupils join a class by code or link, anonymously, always as a fresh learner on the device."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from course.db import write_session
from course.learning.identity import LEARNER_COOKIE
from course.schools.classes import new_join_code, shown_code, typed_code
from course.schools.models import School, SchoolClass, Teacher
from tests.pages import csrf_token, start_learner


def make_class(app: FastAPI, **fields: object) -> SchoolClass:
    """A school, a teacher and a class of theirs, written straight to the database."""
    with write_session(app.state.engine) as session:
        school = School(name="Hillside Academy")
        session.add(school)
        session.flush()
        teacher = Teacher(
            school_id=school.id,
            name="Ms Khan",
            email=f"khan{school.id}@example.org",
            password_hash="x",
            is_admin=True,
            email_confirmed=True,
        )
        session.add(teacher)
        session.flush()
        created = SchoolClass(
            school_id=school.id,
            owner_id=teacher.id,
            name="Year 9 Blue",
            age_band="11-13",
            join_code=new_join_code(),
            **fields,
        )
        session.add(created)
    return created


def learners(app: FastAPI) -> list[dict[str, object]]:
    with app.state.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, age_band, class_id FROM learner"))
        return [dict(row._mapping) for row in rows]


def join(client: TestClient, code: str) -> str:
    """Join through the class page's button; returns where the pupil was sent."""
    page = client.get(f"/join/{code}")
    assert page.status_code == 200, page.text
    response = client.post(
        f"/join/{code}", data={"csrf_token": csrf_token(client, f"/join/{code}")}
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {dashed} ", "{spaced}"])
def test_a_typed_code_is_forgiven_case_spaces_and_dashes(
    client: TestClient, app: FastAPI, typed: str
) -> None:
    code = make_class(app).join_code
    text_typed = typed.format(
        code=code, lower=code.lower(), dashed=shown_code(code), spaced=" ".join(code)
    )
    response = client.post(
        "/join", data={"code": text_typed, "csrf_token": csrf_token(client, "/join")}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/join/{code}"


def test_joining_asks_no_name_and_says_what_the_teacher_sees(
    client: TestClient, app: FastAPI
) -> None:
    code = make_class(app).join_code
    page = client.get(f"/join/{code}").text
    assert "What your teacher will see" in page and "What your teacher will not see" in page
    assert 'name="name"' not in page and "<textarea" not in page


def test_joining_starts_a_learner_in_the_class_and_its_age_band(
    client: TestClient, app: FastAPI
) -> None:
    school_class = make_class(app)
    location = join(client, school_class.join_code)
    first = app.state.catalogue.lessons_for("11-13")[0]
    assert location == f"/lessons/{first.slug}"
    assert learners(app) == [
        {"id": learners(app)[0]["id"], "age_band": "11-13", "class_id": school_class.id}
    ]
    lesson = client.get(location).text
    assert "Finish and clear this device" in lesson


def test_a_self_paced_learner_is_not_offered_to_clear_the_device(client: TestClient) -> None:
    lesson = client.get(start_learner(client)).text
    assert "Finish and clear this device" not in lesson


def test_joining_on_a_used_device_starts_fresh(client: TestClient, app: FastAPI) -> None:
    code = make_class(app).join_code
    start_learner(client, "adult")
    before = client.cookies[LEARNER_COOKIE]
    join(client, code)
    assert client.cookies[LEARNER_COOKIE] != before
    with TestClient(app, follow_redirects=False) as replay:
        replay.cookies.set(LEARNER_COOKIE, before)
        assert replay.get("/complete").headers["location"] == "/start"  # the old one is retired
    join(client, code)  # the next pupil on the same device
    assert len([row for row in learners(app) if row["class_id"]]) == 2


def test_finish_and_clear_this_device_keeps_what_counts(client: TestClient, app: FastAPI) -> None:
    school_class = make_class(app)
    join(client, school_class.join_code)
    response = client.post("/join/finish", data={"csrf_token": csrf_token(client, "/join")})
    assert response.status_code == 303 and response.headers["location"] == "/join/finished"
    assert LEARNER_COOKIE not in client.cookies
    assert "clear for the next person" in client.get("/join/finished").text
    assert [row["class_id"] for row in learners(app)] == [school_class.id]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"joining_open": False}, "not taking new pupils"),
        ({"closes_on": dt.date(2020, 1, 1)}, "has closed"),
        ({"cap": 1}, "is full"),
    ],
)
def test_a_closed_full_or_expired_class_says_so_plainly(
    client: TestClient, app: FastAPI, fields: dict[str, object], says: str
) -> None:
    school_class = make_class(app, **fields)
    if fields.get("cap"):
        with TestClient(app, follow_redirects=False) as first:
            join(first, school_class.join_code)
    page = client.get(f"/join/{school_class.join_code}")
    assert page.status_code == 409 and says in page.text
    token = csrf_token(client, "/join")
    response = client.post(f"/join/{school_class.join_code}", data={"csrf_token": token})
    assert response.status_code == 409 and says in response.text


def test_an_unknown_code_is_a_plain_not_found(client: TestClient) -> None:
    page = client.get("/join/ABCD2345")
    assert page.status_code == 404 and "could not find a class" in page.text


def test_guessing_codes_past_the_limit_gets_429_even_for_a_right_code(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One minute for the whole test, so the window cannot turn over half-way.
    monkeypatch.setattr("course.schools.join_routes.wall_clock", lambda: 1_800_000_030.0)
    code = make_class(app).join_code
    wrong = "ZZZZ2222" if code != "ZZZZ2222" else "YYYY2222"
    for _ in range(app.state.settings.join_guesses_per_minute):
        assert client.get(f"/join/{wrong}").status_code == 404
    refused = client.get(f"/join/{wrong}")
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert client.get(f"/join/{code}").status_code == 429
    assert typed_code(shown_code(code)) == code


def test_joining_from_an_address_past_the_limit_writes_nothing_and_keeps_the_device(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("course.schools.join_routes.wall_clock", lambda: 1_800_000_030.0)
    code = make_class(app).join_code
    start_learner(client, "adult")
    device = client.cookies[LEARNER_COOKIE]
    token = csrf_token(client, "/join")
    for _ in range(app.state.settings.join_guesses_per_minute + 1):
        client.get("/join/ZZZZ2222" if code != "ZZZZ2222" else "/join/YYYY2222")
    refused = client.post(f"/join/{code}", data={"csrf_token": token})
    assert refused.status_code == 429
    assert [row["class_id"] for row in learners(app)] == [None]  # no pupil made in the class
    assert client.cookies[LEARNER_COOKIE] == device
    assert client.get("/complete").status_code == 200  # and the device's learner goes on
