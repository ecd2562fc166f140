"""A link to a lesson survives choosing an age band; /start sends nowhere but a lesson here."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.pages import csrf_token


def test_deep_link_to_a_quiz_comes_back_after_choosing_an_age_band(client: TestClient) -> None:
    response = client.get("/lessons/what-to-do/quiz")
    assert response.status_code == 303
    start = response.headers["location"]
    assert start == "/start?next=%2Flessons%2Fwhat-to-do%2Fquiz"
    page = client.get(start)
    assert '<input type="hidden" name="next" value="/lessons/what-to-do/quiz">' in page.text
    data = {
        "age_band": "11-13",
        "next": "/lessons/what-to-do/quiz",
        "csrf_token": csrf_token(client, start),
    }
    response = client.post("/start", data=data)
    assert response.status_code == 303
    assert response.headers["location"] == "/lessons/what-to-do/quiz"
    assert client.get("/lessons/what-to-do/quiz").status_code == 200


def test_deep_link_is_kept_when_the_age_band_is_forgotten(client: TestClient) -> None:
    start = "/start?next=%2Flessons%2Fwhat-to-do"
    data = {"next": "/lessons/what-to-do", "csrf_token": csrf_token(client, start)}
    page = client.post("/start", data=data)
    assert page.status_code == 422
    assert 'name="next" value="/lessons/what-to-do"' in page.text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/lessons/x",
        "//evil.example/lessons/what-to-do",
        "/lessons/what-to-do/../../teachers",
        "/\\\\evil.example",
        "/lessons/no-such-lesson",
        "/teachers/guide",
        "javascript:alert(1)",
        "/lessons/what-to-do?x=https://evil.example",
    ],
)
def test_start_refuses_any_next_that_is_not_a_lesson_here(
    client: TestClient, app: FastAPI, target: str
) -> None:
    page = client.get("/start", params={"next": target})
    assert 'name="next"' not in page.text
    data = {"age_band": "14-18", "next": target, "csrf_token": csrf_token(client)}
    response = client.post("/start", data=data)
    assert response.status_code == 303
    first = app.state.catalogue.lessons_for("14-18")[0]
    assert response.headers["location"] == f"/lessons/{first.slug}"


def test_a_returning_learner_switching_band_follows_the_link_too(client: TestClient) -> None:
    client.post("/start", data={"age_band": "14-18", "csrf_token": csrf_token(client)})
    token = csrf_token(client)
    data = {"age_band": "adult", "next": "/lessons/helping-a-friend", "csrf_token": token}
    response = client.post("/start", data=data)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/lessons/helping-a-friend"


@pytest.mark.parametrize("tail", ["/quiz/summary", "/quiz/wtd-no-such-question"])
def test_a_link_to_one_question_or_the_summary_opens_the_quiz(
    client: TestClient, tail: str
) -> None:
    start = client.get(f"/lessons/what-to-do{tail}").headers["location"]
    data = {
        "age_band": "14-18",
        "next": f"/lessons/what-to-do{tail}",
        "csrf_token": csrf_token(client, start),
    }
    response = client.post("/start", data=data)
    assert response.headers["location"] == "/lessons/what-to-do/quiz"
