"""Every teacher account page: uncached, with the security headers and Sign out, for the
teacher it is for; every route's name is the app's only one of that name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.schools import account_routes, admin_pages, sign_in_pages
from course.settings import Settings
from tests.routes import all_routes
from tests.teacher_pages import MailBox, new_admin, smtp_server
from tests.web.test_security import assert_security_headers

SIGNED_IN_PAGES = [
    "/teachers",
    "/teachers/change-password",
    "/teachers/two-factor",
    "/teachers/school",
]
OPEN_PAGES = [
    "/teachers/sign-in",
    "/teachers/sign-up",
    "/teachers/forgotten-password",
    "/teachers/reset-password?token=x",
    "/teachers/confirm-email?token=x",
    "/teachers/invitation?token=x",
]


@pytest.fixture
def mail() -> Iterator[MailBox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def settings(settings: Settings, mail: MailBox) -> Settings:
    return mail.settings_for(settings)


def test_every_route_name_is_the_apps_only_one(app: FastAPI) -> None:
    names = Counter(getattr(route, "name", None) for route in all_routes(app))
    ours = [
        route.name
        for module in (account_routes, sign_in_pages, admin_pages)
        for route in module.router.routes
    ]
    assert ours and [name for name in ours if names[name] != 1] == []


def test_every_teacher_page_is_uncached_with_headers_and_sign_out(
    client: TestClient, mail: MailBox
) -> None:
    for path in OPEN_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
        assert_security_headers(response.headers)
    new_admin(client, mail)
    for path in SIGNED_IN_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
        assert_security_headers(response.headers)
        assert 'action="/teachers/sign-out"' in response.text, path
    # Signed in, the visitor's pages send the teacher home.
    for path in ("/teachers/sign-in", "/teachers/sign-up"):
        assert client.get(path).headers["location"] == "/teachers", path


def test_a_csrf_token_from_before_the_sign_in_is_refused_after_it(
    client: TestClient, mail: MailBox
) -> None:
    from tests.pages import csrf_token

    before = csrf_token(client, "/teachers/forgotten-password")
    new_admin(client, mail)
    response = client.post("/teachers/sign-out", data={"csrf_token": before})
    assert response.status_code == 403
    after = csrf_token(client, "/teachers")
    assert client.post("/teachers/sign-out", data={"csrf_token": after}).status_code == 303
