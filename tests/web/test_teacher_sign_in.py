"""Teachers sign up, confirm their address from the mail, sign in and out; sessions end on
the server (sign-out, idle, absolute), a new token every sign-in; nothing reveals an account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.schools.passwords import TOO_COMMON
from course.security.cookies import TEACHER_COOKIE
from course.settings import Settings
from tests.teacher_pages import (
    PASSWORD,
    MailBox,
    confirm,
    new_admin,
    path_of,
    sign_in,
    sign_out,
    sign_up,
    smtp_server,
)


@pytest.fixture
def mail() -> Iterator[MailBox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def settings(settings: Settings, mail: MailBox) -> Settings:
    return mail.settings_for(settings)


def scalar(app: FastAPI, sql: str, *params: object) -> object:
    with app.state.engine.connect() as connection:
        return connection.exec_driver_sql(sql, params).scalar()


def execute(app: FastAPI, sql: str, *params: object) -> None:
    with app.state.engine.begin() as connection:
        connection.exec_driver_sql(sql, params)


def marker(app: FastAPI) -> str:
    return "?" if app.state.engine.dialect.paramstyle == "qmark" else "%s"


def age_sessions(app: FastAPI, column: str, by: dt.timedelta) -> None:
    """Move every session's start or last request back in time."""
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0) - by
    execute(app, f"UPDATE teacher_session SET {column} = {marker(app)}", moment)


def test_sign_up_mails_a_link_that_confirms_by_post_then_sign_in_and_out(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    response = sign_up(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/teachers/sign-in?done=signed-up"
    assert "Check your email" in client.get(response.headers["location"]).text
    [message] = mail.to("ada@school.example")
    assert message["Subject"] == "Confirm your email address"
    link = mail.last_link("ada@school.example")
    assert link.startswith("http://testserver/teachers/confirm-email?token=")
    # Opening the link (as a mail scanner would) confirms nothing: it shows a button.
    page = client.get(path_of(link))
    assert "Confirm my email address" in page.text
    assert scalar(app, "SELECT email_confirmed FROM teacher") in (False, 0)
    assert confirm(client, link).headers["location"] == "/teachers/sign-in?done=confirmed"
    assert scalar(app, "SELECT email_confirmed FROM teacher") in (True, 1)
    assert scalar(app, "SELECT is_admin FROM teacher") in (True, 1)
    stored = str(scalar(app, "SELECT password_hash FROM teacher"))
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    signed_in = sign_in(client, "ADA@school.example ")
    assert signed_in.headers["location"] == "/teachers"
    home = client.get("/teachers")
    assert home.status_code == 200
    assert "Hello, Ada Lovelace" in home.text and "Greenfield Academy" in home.text
    assert "Confirm your email address" not in home.text
    assert home.headers["cache-control"] == "no-store"
    out = sign_out(client)
    assert out.headers["location"] == "/teachers/sign-in?done=signed-out"
    assert client.get("/teachers").headers["location"] == "/teachers/sign-in"


def test_a_confirmation_link_works_once(client: TestClient, mail: MailBox) -> None:
    sign_up(client)
    link = mail.last_link("ada@school.example")
    assert confirm(client, link).status_code == 303
    again = confirm(client, link)
    assert again.status_code == 422
    assert "This link has run out or has already been used" in again.text
    assert "has run out" in client.get(path_of(link)).text


def test_an_unconfirmed_teacher_signs_in_and_sees_a_banner_with_a_new_link(
    client: TestClient, mail: MailBox
) -> None:
    sign_up(client)
    assert sign_in(client, "ada@school.example").headers["location"] == "/teachers"
    home = client.get("/teachers")
    assert "Confirm your email address" in home.text
    from tests.teacher_pages import post_form

    sent = post_form(client, "/teachers", "/teachers/confirm-email/send", {})
    assert sent.headers["location"] == "/teachers?done=confirm-sent"
    assert len(mail.to("ada@school.example")) == 2
    assert confirm(client, mail.last_link("ada@school.example")).headers["location"] == (
        "/teachers?done=confirmed"
    )
    assert "Confirm your email address" not in client.get("/teachers").text


def test_a_session_cookie_replayed_after_sign_out_is_refused(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    stolen = client.cookies[TEACHER_COOKIE]
    sign_out(client)
    assert TEACHER_COOKIE not in client.cookies
    assert scalar(app, "SELECT count(*) FROM teacher_session") == 0
    with TestClient(app, follow_redirects=False) as thief:
        thief.cookies.set(TEACHER_COOKIE, stolen)
        assert thief.get("/teachers").headers["location"] == "/teachers/sign-in"


def test_every_sign_in_gets_a_new_token_and_ends_the_old_one(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    first = client.cookies[TEACHER_COOKIE]
    assert sign_in(client, "ada@school.example").status_code == 303
    second = client.cookies[TEACHER_COOKIE]
    assert first != second and len(second) >= 43
    assert scalar(app, "SELECT count(*) FROM teacher_session") == 1
    stored = scalar(app, "SELECT token_hash FROM teacher_session")
    assert stored != second and len(str(stored)) == 64  # only the hash is kept


def test_a_planted_session_cookie_is_not_kept_at_sign_in(client: TestClient, mail: MailBox) -> None:
    sign_up(client)
    planted = "f" * 43  # fixation: a token the attacker knows, planted before the sign-in
    client.cookies.set(TEACHER_COOKIE, planted, domain="testserver.local")
    response = sign_in(client, "ada@school.example")
    assert f"{TEACHER_COOKIE}=" in response.headers["set-cookie"]
    assert client.cookies[TEACHER_COOKIE] != planted


def test_a_session_ends_after_30_minutes_idle(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    age_sessions(app, "last_seen_at", dt.timedelta(minutes=29))
    assert client.get("/teachers").status_code == 200  # and that request counts as activity
    age_sessions(app, "last_seen_at", dt.timedelta(minutes=31))
    assert client.get("/teachers").headers["location"] == "/teachers/sign-in"
    assert scalar(app, "SELECT count(*) FROM teacher_session") == 0


def test_a_session_ends_12_hours_after_sign_in_however_active(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    age_sessions(app, "started_at", dt.timedelta(hours=11, minutes=59))
    assert client.get("/teachers").status_code == 200
    age_sessions(app, "started_at", dt.timedelta(hours=12))
    assert client.get("/teachers").headers["location"] == "/teachers/sign-in"


def test_the_session_cookie_is_http_only_lax_and_host_prefixed_behind_tls(
    settings: Settings, catalogue: object, mail: MailBox
) -> None:
    from course.app import create_app

    secure = settings.model_copy(update={"secure_cookies": True})
    app = create_app(secure, catalogue=catalogue)  # type: ignore[arg-type]
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        new_admin(client, mail)
        cookie = client.cookies.get(f"__Host-{TEACHER_COOKIE}")
        assert cookie
        sign_in(client, "ada@school.example")
        [header] = [
            value
            for value in client.cookies.jar
            if value.name == f"__Host-{TEACHER_COOKIE}"  # type: ignore[attr-defined]
        ]
        assert header.secure and header.path == "/"  # type: ignore[attr-defined]
    app.state.engine.dispose()


def test_sign_in_set_cookie_header_attributes(client: TestClient, mail: MailBox) -> None:
    sign_up(client)
    response = sign_in(client, "ada@school.example")
    header = next(
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith(TEACHER_COOKIE)
    )
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
    assert "Max-Age" not in header and "expires" not in header.lower()


def test_wrong_password_and_unknown_email_read_the_same(client: TestClient, mail: MailBox) -> None:
    sign_up(client)
    wrong = sign_in(client, "ada@school.example", "not the password at all")
    unknown = sign_in(client, "nobody@school.example", "not the password at all")
    assert wrong.status_code == unknown.status_code == 422
    message = "The email address or password is not right."
    assert message in wrong.text and message in unknown.text
    assert wrong.text.count(message) == unknown.text.count(message) == 2  # summary and field
    assert 'href="#email"' in wrong.text and 'aria-invalid="true"' in wrong.text
    assert "<title>Error: Sign in" in wrong.text


def test_sign_up_with_a_taken_address_reveals_nothing_and_mails_the_owner(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    first = sign_up(client)
    second = sign_up(client, school="Other School", name="Mallory")
    assert first.headers["location"] == second.headers["location"]
    assert scalar(app, "SELECT count(*) FROM school") == 1
    assert mail.to("ada@school.example")[-1]["Subject"] == "You already have an account"


def test_forgotten_password_reveals_nothing(client: TestClient, mail: MailBox) -> None:
    sign_up(client)
    from tests.teacher_pages import post_form

    page = "/teachers/forgotten-password"
    known = post_form(client, page, page, {"email": "ada@school.example"})
    unknown = post_form(client, page, page, {"email": "nobody@school.example"})
    assert known.headers["location"] == unknown.headers["location"] == "/teachers/sign-in?done=sent"
    assert mail.to("nobody@school.example") == []
    assert mail.to("ada@school.example")[-1]["Subject"] == "Reset your password"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Password123", TOO_COMMON),
        ("qwertyuiop", TOO_COMMON),
        ("iloveyou12", TOO_COMMON),
        ("Greenfield2024", TOO_COMMON),  # the school's name and a year
        ("ada@school.example", TOO_COMMON),  # the email itself
        ("tiny7ch", "at least 8 characters"),
        ("x" * 129, "128 characters or fewer"),
    ],
)
def test_weak_passwords_are_refused_with_a_plain_reason(
    client: TestClient, app: FastAPI, password: str, message: str
) -> None:
    response = sign_up(client, password=password)
    assert response.status_code == 422
    assert message in response.text
    assert password not in response.text.replace("ada@school.example", "")  # never echoed
    assert 'value="Greenfield Academy"' in response.text  # the rest is kept
    assert scalar(app, "SELECT count(*) FROM teacher") == 0


def test_a_long_passphrase_without_any_composition_is_accepted(client: TestClient) -> None:
    passphrase = "the quiet otter reads maps beside a lantern " * 2  # 88 characters
    assert sign_up(client, password=passphrase.strip()).status_code == 303
    assert sign_in(client, "ada@school.example", passphrase.strip()).status_code == 303


def test_every_sign_up_field_is_checked_beside_the_field(client: TestClient) -> None:
    response = sign_up(client, school="", name="", email_address="not an address", password="")
    assert response.status_code == 422
    for field in ("school", "name", "email", "password"):
        assert f'href="#{field}"' in response.text
        assert f'id="{field}-error"' in response.text
    assert "Enter the name of your school." in response.text
    assert "Enter an email address like name@school.org.uk." in response.text


def test_teacher_pages_need_a_signed_in_teacher(client: TestClient) -> None:
    for path in ("/teachers", "/teachers/change-password", "/teachers/two-factor"):
        assert client.get(path).headers["location"] == "/teachers/sign-in", path
    assert client.get("/teachers/school").headers["location"] == "/teachers/sign-in"
    assert client.get("/teachers/sign-in/code").headers["location"] == "/teachers/sign-in"


def test_the_guide_and_the_home_link_to_each_other(client: TestClient, mail: MailBox) -> None:
    new_admin(client, mail)
    assert 'href="/teachers/guide"' in client.get("/teachers").text
    assert client.get("/teachers/guide").status_code == 200
    assert PASSWORD not in client.get("/teachers").text
