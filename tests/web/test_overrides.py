"""Every router honours `app.dependency_overrides`: one route of each, the lesson page too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from course.content.schema import Catalogue
from course.deps import get_catalogue, get_settings_of
from course.learning.deps import learner_cookie, optional_learner, required_learner
from course.learning.identity import LearnerCookie
from course.learning.progress import KnownLearner
from course.settings import Settings

SOMEONE = KnownLearner(id=424242, age_band="adult")


@pytest.fixture
def overrides(app: FastAPI) -> Iterator[dict[object, object]]:
    yield app.dependency_overrides
    app.dependency_overrides.clear()


async def someone(request: Request) -> KnownLearner:
    """A learner for any request (the lesson page passes the request, as FastAPI does)."""
    return SOMEONE


def test_learning_router_home_page_sees_an_overridden_learner(
    client: TestClient, overrides: dict[object, object]
) -> None:
    assert "Continue where you left off" not in client.get("/").text
    overrides[optional_learner] = someone
    assert "Continue where you left off" in client.get("/").text


def test_the_flat_lesson_page_sees_an_overridden_learner(
    client: TestClient, app: FastAPI, overrides: dict[object, object]
) -> None:
    lesson = app.state.catalogue.lessons_for("adult")[0]
    assert client.get(f"/lessons/{lesson.slug}").status_code == 303  # no learner yet
    overrides[required_learner] = someone
    page = client.get(f"/lessons/{lesson.slug}")
    assert page.status_code == 200 and lesson.title in page.text


def test_quizzes_router_sees_an_overridden_learner(
    client: TestClient, app: FastAPI, overrides: dict[object, object]
) -> None:
    lesson = next(lesson for lesson in app.state.catalogue.lessons_for("adult") if lesson.quiz)
    assert client.get(f"/lessons/{lesson.slug}/quiz").status_code == 303
    overrides[required_learner] = someone
    assert client.get(f"/lessons/{lesson.slug}/quiz").status_code == 200


def test_safety_router_sees_an_overridden_cookie(
    client: TestClient, overrides: dict[object, object]
) -> None:
    async def in_the_us() -> LearnerCookie:
        return LearnerCookie(country="us")

    assert "Help in the US" not in client.get("/help").text
    overrides[learner_cookie] = in_the_us
    assert "Help in the US" in client.get("/help").text


def test_schools_router_sees_an_overridden_catalogue(
    client: TestClient, app: FastAPI, overrides: dict[object, object]
) -> None:
    shipped: Catalogue = app.state.catalogue
    first = shipped.lessons[0]
    only_first = Catalogue(lessons=(first,), quizzes=shipped.quizzes, version=shipped.version)

    async def one_lesson() -> Catalogue:
        return only_first

    overrides[get_catalogue] = one_lesson
    guide = client.get("/teachers/guide").text
    assert first.title in guide
    assert all(lesson.title not in guide for lesson in shipped.lessons[1:])


def test_film_router_sees_overridden_settings(
    client: TestClient, settings: Settings, overrides: dict[object, object]
) -> None:
    youtube = "https://www.youtube-nocookie.com/embed/abcDEF12_-3"

    async def with_youtube() -> Settings:
        return settings.model_copy(update={"film_external_url": youtube})

    assert "data-film-embed" not in client.get("/film").text
    overrides[get_settings_of] = with_youtube
    assert f'data-film-embed="{youtube}"' in client.get("/film").text
