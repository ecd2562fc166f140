"""The school half's routers honour `app.dependency_overrides` too: one route of each.

A teacher is made in the database, then the client forgets their cookie, so each page is seen
only through the overridden dependency."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from course.learning.deps import optional_learner
from course.schools.deps import (
    KnownTeacher,
    TeacherVisit,
    current_admin,
    current_teacher,
    current_visit,
    find_visit,
    signed_in_visit,
)
from tests.schools import sign_in_teacher

Overrides = dict[Callable[..., Any], Callable[..., Any]]


@pytest.fixture
def overrides(app: FastAPI) -> Iterator[Overrides]:
    yield app.dependency_overrides
    app.dependency_overrides.clear()


@pytest.fixture
def visit(client: TestClient, app: FastAPI) -> TeacherVisit:
    """A signed-in admin's visit, whose cookie the client no longer holds."""
    sign_in_teacher(client, app)
    name = app.state.cookie_names.teacher
    found = find_visit(app.state.engine, client.cookies[name])
    assert found is not None
    del client.cookies[name]
    return found


def signed_out_then_in(
    client: TestClient,
    overrides: Overrides,
    path: str,
    dependency: Callable[..., Any],
    value: object,
) -> str:
    """The page's text once the dependency is overridden, after checking that without the
    override it sends the signed-out browser to sign in."""
    before = client.get(path, follow_redirects=False)
    assert before.status_code == 303, path
    overrides[dependency] = lambda: value
    after = client.get(path, follow_redirects=False)
    assert after.status_code == 200, path
    return after.text


@pytest.mark.parametrize(
    ("path", "dependency"),
    [
        ("/teachers", current_visit),  # account pages
        ("/teachers/two-factor", signed_in_visit),  # sign-in pages
    ],
)
def test_account_routers_see_an_overridden_visit(
    client: TestClient,
    overrides: Overrides,
    visit: TeacherVisit,
    path: str,
    dependency: Callable[..., Any],
) -> None:
    signed_out_then_in(client, overrides, path, dependency, visit)


@pytest.mark.parametrize(
    ("path", "dependency"),
    [
        ("/teachers/school", current_admin),  # admin pages
        ("/teachers/classes", current_teacher),  # classes
        ("/teachers/preview", current_teacher),  # preview (a dependency of the whole router)
        ("/teachers/school/dashboard", current_admin),  # statistics
    ],
)
def test_teacher_routers_see_an_overridden_teacher(
    client: TestClient,
    overrides: Overrides,
    visit: TeacherVisit,
    path: str,
    dependency: Callable[..., Any],
) -> None:
    teacher: KnownTeacher = visit.teacher
    text = signed_out_then_in(client, overrides, path, dependency, teacher)
    assert "Sign in" not in text.split("<main", 1)[1]


def test_join_router_sees_an_overridden_learner(client: TestClient, overrides: Overrides) -> None:
    assert client.get("/join/finished").status_code == 200

    def refuse() -> None:
        raise HTTPException(status_code=418)

    overrides[optional_learner] = refuse
    assert client.get("/join/finished").status_code == 418
