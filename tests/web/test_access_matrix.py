"""Who may reach which teacher route: every class page, fragment, form and export, and the school
views, for an anonymous visitor, a learner, a teacher of another school, a colleague who does
not own the class, the school's admin, and the owner. Access is decided in the routes."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.pages import csrf_token, start_learner
from tests.routes import method_paths
from tests.schools import class_of, sign_in_teacher

ACTORS = ("visitor", "learner", "other_school", "colleague", "admin", "owner")


def teacher_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route under /teachers/classes/{class_id} and /teachers/school."""
    return [
        (method, path)
        for method, path in method_paths(app)
        if "{class_id}" in path or path.startswith("/teachers/school/dashboard")
    ]


def act_as(actor: str, client: TestClient, app: FastAPI) -> int:
    """Make `client` the actor (not the owner); returns the id of the owner's class."""
    with TestClient(app, follow_redirects=False) as owner_client:
        owner = sign_in_teacher(owner_client, app, admin=False, name="Owner")
    made = class_of(app, owner, name="Owned class")
    if actor == "learner":
        start_learner(client)
    elif actor == "other_school":
        sign_in_teacher(client, app, admin=True, name="Elsewhere")
    elif actor == "colleague":
        sign_in_teacher(client, app, school_id=owner.school_id, admin=False)
    elif actor == "admin":
        sign_in_teacher(client, app, school_id=owner.school_id, admin=True)
    return made.id


EXPECTED_CLASS = {
    "visitor": {303},
    "learner": {303},
    "other_school": {404},
    "colleague": {404},
    "admin": {200, 303},
    "owner": {200, 303},
}
EXPECTED_SCHOOL = {
    "visitor": {303},
    "learner": {303},
    "other_school": {200},  # their own school's view: checked below to hold nothing of ours
    "colleague": {403},
    "admin": {200},
    "owner": {403},
}


def request(client: TestClient, method: str, path: str, token: str, htmx: bool = False):  # type: ignore[no-untyped-def]
    headers = {"X-CSRF-Token": token, **({"HX-Request": "true"} if htmx else {})}
    if method in ("GET", "HEAD"):
        return client.request(method, path, headers=headers)
    return client.request(method, path, headers=headers, data={"name": "Renamed"})


@pytest.mark.parametrize("actor", ACTORS)
def test_every_teacher_route_answers_each_actor_as_it_should(
    client: TestClient, app: FastAPI, actor: str
) -> None:
    if actor == "owner":
        # The owner's own client, so the session is theirs.
        owner = sign_in_teacher(client, app, admin=False, name="Owner")
        class_id = class_of(app, owner, name="Owned class").id
    else:
        class_id = act_as(actor, client, app)
    token = csrf_token(client, "/help")
    routes = teacher_routes(app)
    assert len(routes) >= 10, routes
    for method, pattern in routes:
        path = pattern.replace("{class_id}", str(class_id))
        if path.endswith("/delete") and method == "POST":
            continue  # checked last: it ends the class
        if path.endswith("/events") and actor in ("admin", "owner"):
            continue  # a live stream that stays open: tests/web/test_live.py follows it
        for htmx in (False, True):
            status = request(client, method, path, token, htmx).status_code
            expected = EXPECTED_SCHOOL if pattern.startswith("/teachers/school") else EXPECTED_CLASS
            allowed = expected[actor]
            if actor in ("admin", "owner") and "{class_id}" in pattern:
                allowed = {200} if method in ("GET", "HEAD") else {303}
            assert status in allowed, (actor, method, path, htmx, status)
    delete = request(client, "POST", f"/teachers/classes/{class_id}/delete", token).status_code
    assert delete in EXPECTED_CLASS[actor], (actor, delete)
    if actor == "other_school":
        for path in ("/teachers/school/dashboard", "/teachers/school/dashboard.csv"):
            assert "Owned class" not in client.get(path).text


@pytest.mark.parametrize("guess", ["0", "1", "-1", "999999999999", "9223372036854775807", "abc"])
def test_another_schools_teacher_gets_404_whatever_id_they_try(
    client: TestClient, app: FastAPI, guess: str
) -> None:
    with TestClient(app, follow_redirects=False) as owner_client:
        owner = sign_in_teacher(owner_client, app)
    real = class_of(app, owner).id
    sign_in_teacher(client, app, name="Elsewhere")
    for class_id in (guess, str(real), str(real + 1)):
        for suffix in ("", "/dashboard", "/dashboard.csv", "/join-screen", "/delete"):
            path = f"/teachers/classes/{class_id}{suffix}"
            assert client.get(path).status_code == 404, path
            assert client.get(path, headers={"HX-Request": "true"}).status_code == 404, path


def test_teacher_pages_are_never_cached_or_shared(client: TestClient, app: FastAPI) -> None:
    owner = sign_in_teacher(client, app)
    made = class_of(app, owner)
    for path in (
        "/teachers/classes",
        f"/teachers/classes/{made.id}",
        f"/teachers/classes/{made.id}/dashboard",
        f"/teachers/classes/{made.id}/join-screen",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    cached_keys = list(app.state.rendered_pages)
    assert not [key for key in cached_keys if "teachers" in str(key[0])], cached_keys
