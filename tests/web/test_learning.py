"""The learner journey over HTTP: home, age band, lessons, resume, completion."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from course.learning.identity import LEARNER_COOKIE
from tests.pages import csrf_token, start_learner


def test_home_explains_the_course_and_offers_start(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Start the course" in page.text
    assert 'href="/help"' in page.text
    assert 'href="/exit"' in page.text


def test_start_without_age_band_shows_error_next_to_the_field(client: TestClient) -> None:
    response = client.post("/start", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert 'id="age-band-error"' in response.text
    assert 'aria-describedby="age-band-error"' in response.text
    assert "<title>Error:" in response.text
    assert LEARNER_COOKIE not in response.cookies


def test_start_with_unknown_age_band_is_refused(client: TestClient) -> None:
    response = client.post("/start", data={"age_band": "99", "csrf_token": csrf_token(client)})
    assert response.status_code == 422


def test_starting_sets_a_signed_httponly_cookie_and_goes_to_first_lesson(
    client: TestClient, app: FastAPI
) -> None:
    token = csrf_token(client)
    response = client.post("/start", data={"age_band": "11-13", "csrf_token": token})
    first = app.state.catalogue.lessons_for("11-13")[0]
    assert response.headers["location"] == f"/lessons/{first.slug}"
    cookie = next(h for h in response.headers.get_list("set-cookie") if LEARNER_COOKIE in h)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")


def test_database_stores_only_a_hash_of_the_learner_token(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    token = client.cookies[LEARNER_COOKIE].split(":")[0]
    with app.state.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM learner")).mappings().all()
    assert len(rows) == 1
    assert set(rows[0].keys()) == {
        "id",
        "token_hash",
        "age_band",
        "created_on",
        "last_seen_on",
        "class_id",
    }
    assert token not in str(dict(rows[0]))


def test_lesson_needs_an_age_band_first(client: TestClient, app: FastAPI) -> None:
    slug = app.state.catalogue.lessons[0].slug
    response = client.get(f"/lessons/{slug}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/start?next=%2Flessons%2F{slug}"


def test_forged_learner_cookie_is_ignored(client: TestClient, app: FastAPI) -> None:
    slug = app.state.catalogue.lessons[0].slug
    client.cookies.set(LEARNER_COOKIE, "made-up.0000")
    assert client.get(f"/lessons/{slug}").headers["location"].startswith("/start?")


@pytest.mark.parametrize("age_band", ["11-13", "14-18", "adult"])
def test_lesson_shows_the_age_bands_text_and_progress(
    client: TestClient, app: FastAPI, age_band: str
) -> None:
    first = start_learner(client, age_band)
    page = client.get(first)
    lesson = app.state.catalogue.lessons_for(age_band)[0]
    assert page.status_code == 200
    assert lesson.html_for(age_band) in page.text
    assert f"Lesson 1 of {len(app.state.catalogue.lessons_for(age_band))}" in page.text
    assert 'aria-current="step"' in page.text


def test_unknown_lesson_is_a_friendly_404(client: TestClient) -> None:
    start_learner(client)
    page = client.get("/lessons/no-such-lesson")
    assert page.status_code == 404
    assert "Page not found" in page.text
    assert "Get help now" in page.text


def test_pressing_next_on_every_lesson_reaches_the_completion_page(
    client: TestClient, app: FastAPI
) -> None:
    path = start_learner(client)
    token = csrf_token(client, path)
    seen = []
    while path != "/complete":
        slug = path.removeprefix("/lessons/")
        seen.append(slug)
        response = client.post(f"/lessons/{slug}/complete", data={"csrf_token": token})
        assert response.status_code == 303
        path = response.headers["location"]
    assert seen == [lesson.slug for lesson in app.state.catalogue.lessons_for("14-18")]
    page = client.get("/complete")
    # Nothing was answered, so nothing is completed (tests/web/test_completion.py has the rule)
    assert "You have reached the end of the course" in page.text
    assert 'data-step="dont-pay"' in page.text
    assert 'href="/help"' in page.text


def test_home_offers_to_resume_at_the_first_unfinished_lesson(
    client: TestClient, app: FastAPI
) -> None:
    first = start_learner(client)
    slug = first.removeprefix("/lessons/")
    client.post(f"/lessons/{slug}/skip", data={"csrf_token": csrf_token(client, first)})
    second = app.state.catalogue.lessons_for("14-18")[1]
    page = client.get("/")
    assert "Continue where you left off" in page.text
    assert f'href="/lessons/{second.slug}"' in page.text


def test_skipping_a_lesson_twice_records_it_once(client: TestClient, app: FastAPI) -> None:
    first = start_learner(client)
    token = csrf_token(client, first)
    for _ in range(2):
        client.post(f"{first}/skip", data={"csrf_token": token})
    with app.state.engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM lesson_progress")).scalar_one()
    assert count == 1


def test_changing_age_band_keeps_progress(client: TestClient, app: FastAPI) -> None:
    first = start_learner(client, "14-18")
    token = csrf_token(client, first)
    client.post(f"{first}/complete", data={"csrf_token": token})
    response = client.post("/start", data={"age_band": "adult", "csrf_token": token})
    second = app.state.catalogue.lessons_for("adult")[1]
    assert response.headers["location"] == f"/lessons/{second.slug}"
    with app.state.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM learner")).scalar_one() == 1


def test_unknown_lesson_outcome_is_a_404(client: TestClient) -> None:
    first = start_learner(client)
    response = client.post(
        f"{first}/finish-everything", data={"csrf_token": csrf_token(client, first)}
    )
    assert response.status_code == 404
