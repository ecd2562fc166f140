"""State changes only from our own pages, tokens bound to the learner, cookies a neighbour cannot
plant, an exit that revokes, HEAD everywhere, redirects that stay here, secrets never echoed."""

from __future__ import annotations

import secrets

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from course.app import create_app
from course.content.schema import Catalogue
from course.security.cookies import CSRF_COOKIE, LEARNER_COOKIE
from course.settings import Settings
from tests.pages import csrf_token, start_learner
from tests.web.test_security import every_page


def answer_first_choice(client: TestClient, app: FastAPI, headers: dict[str, str]) -> int:
    """POST an answer to the first lesson's first choice item, with the given headers."""
    lesson = next(lesson for lesson in app.state.catalogue.lessons_for("14-18") if lesson.quiz)
    item = app.state.catalogue.quiz(lesson.quiz).items_for("14-18")[0]
    data = {"choice": item.options[0].id}
    url = f"/lessons/{lesson.slug}/quiz/{item.id}"
    return client.post(url, data=data, headers=headers).status_code


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "not a url ["},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain
    ],
)
def test_a_cross_origin_post_with_a_valid_token_is_refused(
    client: TestClient, app: FastAPI, headers: dict[str, str]
) -> None:
    start_learner(client)
    token = csrf_token(client)
    assert answer_first_choice(client, app, {"X-CSRF-Token": token, **headers}) == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "HTTP://TESTSERVER"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {},
    ],
)
def test_a_post_from_our_own_pages_is_accepted(
    client: TestClient, app: FastAPI, headers: dict[str, str]
) -> None:
    start_learner(client)
    token = csrf_token(client)
    assert answer_first_choice(client, app, {"X-CSRF-Token": token, **headers}) == 303


def test_with_a_public_url_only_its_origin_may_post(
    settings: Settings, catalogue: Catalogue
) -> None:
    public = settings.model_copy(update={"public_url": "https://course.example.org"})
    app = create_app(public, catalogue=catalogue)
    with TestClient(app, follow_redirects=False) as client:
        start_learner(client)
        token = {"X-CSRF-Token": csrf_token(client)}
        assert answer_first_choice(client, app, {**token, "Origin": "http://testserver"}) == 403
        ours = {**token, "Origin": "https://course.example.org"}
        assert answer_first_choice(client, app, ours) == 303
    app.state.engine.dispose()


def test_a_token_made_for_one_learner_is_refused_for_another(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    mine = csrf_token(client)
    csrf_cookie = client.cookies[CSRF_COOKIE]
    with TestClient(app, follow_redirects=False) as other:
        start_learner(other)
        # The neighbour plants this browser's CSRF cookie and uses its token, as their own.
        other.cookies.set(CSRF_COOKIE, csrf_cookie)
        assert answer_first_choice(other, app, {"X-CSRF-Token": mine}) == 403
        assert answer_first_choice(other, app, {"X-CSRF-Token": csrf_token(other)}) == 303


def test_a_visitors_token_stops_working_once_they_start(client: TestClient, app: FastAPI) -> None:
    before = csrf_token(client)
    start_learner(client)
    assert answer_first_choice(client, app, {"X-CSRF-Token": before}) == 403


def test_the_content_type_is_compared_in_any_case(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson = next(lesson for lesson in app.state.catalogue.lessons_for("14-18") if lesson.quiz)
    item = app.state.catalogue.quiz(lesson.quiz).items_for("14-18")[0]
    body = f"choice={item.options[0].id}&csrf_token={csrf_token(client)}"
    response = client.post(
        f"/lessons/{lesson.slug}/quiz/{item.id}",
        content=body.encode(),
        headers={"Content-Type": "Application/X-WWW-Form-Urlencoded; Charset=UTF-8"},
    )
    assert response.status_code == 303


def test_in_production_the_cookies_carry_the_host_prefix(
    settings: Settings, catalogue: Catalogue
) -> None:
    production = settings.model_copy(
        update={"env": "production", "secure_cookies": True, "secret_key": "k" * 40}
    )
    app = create_app(production, catalogue=catalogue)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        start_learner(client)
        assert set(client.cookies.keys()) == {f"__Host-{CSRF_COOKIE}", f"__Host-{LEARNER_COOKIE}"}
        for header in client.get("/help").headers.get_list("set-cookie") or ["Secure; Path=/"]:
            assert "Secure" in header and "Path=/" in header and "Domain" not in header
        # A plain-named cookie planted by a neighbour is not ours, so it opens nothing.
        learner = client.cookies[f"__Host-{LEARNER_COOKIE}"]
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as other:
            other.cookies.set(LEARNER_COOKIE, learner)
            assert other.get("/complete").headers["location"] == "/start"
    app.state.engine.dispose()


def test_a_cookie_replayed_after_the_exit_sees_nothing_of_the_learner(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    assert answer_first_choice(client, app, {"X-CSRF-Token": csrf_token(client)}) == 303
    saved = client.cookies[LEARNER_COOKIE]
    assert client.get("/exit").status_code == 303
    with TestClient(app, follow_redirects=False) as replay:
        replay.cookies.set(LEARNER_COOKIE, saved)
        assert replay.get("/complete").headers["location"] == "/start"
        assert "Continue where you left off" not in replay.get("/").text
        lesson = app.state.catalogue.lessons_for("14-18")[0]
        assert replay.get(f"/lessons/{lesson.slug}/quiz").status_code == 303
    # What the learner did still counts (for a class's totals), unlinked from any cookie.
    with app.state.engine.connect() as connection:
        answers = connection.exec_driver_sql("SELECT count(*) FROM answer").scalar()
    assert answers == 1


def test_head_answers_every_get_page_with_its_headers_and_no_body(
    client: TestClient, app: FastAPI
) -> None:
    assert client.head("/").status_code == 200
    exit_response = client.head("/exit")
    assert exit_response.status_code == 303 and exit_response.content == b""
    start_learner(client)
    for path in every_page(app):
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers["content-security-policy"], path


def test_a_trailing_slash_redirects_here_whatever_the_host_header(client: TestClient) -> None:
    response = client.get("/help/", headers={"Host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["location"] == "/help"
    assert client.get("/help/?x=1").headers["location"] == "/help?x=1"
    for sneaky in ("//evil.example/", "///evil.example/", "/\\evil.example/"):
        location = client.get(f"http://testserver{sneaky}").headers.get("location", "/")
        assert location.startswith("/") and not location.startswith("//"), sneaky
        assert "\\" not in location and "://" not in location, sneaky


def test_a_short_production_secret_is_not_echoed() -> None:
    secret = "tooShort-" + secrets.token_hex(4)
    with pytest.raises(ValidationError) as error:
        Settings(env="production", secret_key=secret)
    assert secret not in str(error.value)
    assert secret[-6:] not in str(error.value)
    assert "COURSE_SECRET_KEY" in str(error.value)
