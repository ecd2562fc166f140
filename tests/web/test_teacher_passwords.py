"""Changing and resetting a password: every other session ends; a reset link works once,
for ten minutes; the lock-out after ten failures; the per-address limit on attempts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.app import create_app
from course.content.schema import Catalogue
from course.security.cookies import TEACHER_COOKIE
from course.settings import Settings
from tests.teacher_pages import (
    ANY_FORM,
    PASSWORD,
    MailBox,
    new_admin,
    path_of,
    post_form,
    sign_in,
    sign_up,
    smtp_server,
)

NEW_PASSWORD = "marble kettle orchard lighthouse"
EMAIL = "ada@school.example"


@pytest.fixture
def mail() -> Iterator[MailBox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def settings(settings: Settings, mail: MailBox) -> Settings:
    return mail.settings_for(settings)


def count(app: FastAPI, sql: str) -> int:
    with app.state.engine.connect() as connection:
        return int(connection.exec_driver_sql(sql).scalar() or 0)


def change_password(client: TestClient, current: str, new: str) -> Any:
    data = {"current_password": current, "new_password": new}
    return post_form(client, "/teachers/change-password", "/teachers/change-password", data)


def ask_for_reset(client: TestClient, email: str = EMAIL) -> Any:
    page = "/teachers/forgotten-password"
    return post_form(client, page, page, {"email": email})


def reset(client: TestClient, link: str, password: str = NEW_PASSWORD) -> Any:
    token = link.rsplit("token=", 1)[1]
    data = {"token": token, "new_password": password}
    return post_form(client, ANY_FORM, "/teachers/reset-password", data)


def test_changing_the_password_signs_out_every_other_session(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    with TestClient(app, follow_redirects=False) as laptop:
        sign_in(laptop, EMAIL)
        assert laptop.get("/teachers").status_code == 200
        before = client.cookies[TEACHER_COOKIE]
        response = change_password(client, PASSWORD, NEW_PASSWORD)
        assert response.headers["location"] == "/teachers?done=password-changed"
        assert client.cookies[TEACHER_COOKIE] != before  # this browser: a new session
        assert client.get("/teachers").status_code == 200
        assert laptop.get("/teachers").headers["location"] == "/teachers/sign-in"
    assert count(app, "SELECT count(*) FROM teacher_session") == 1
    assert sign_in(client, EMAIL, PASSWORD).status_code == 422
    assert sign_in(client, EMAIL, NEW_PASSWORD).status_code == 303


def test_changing_the_password_needs_the_current_one_and_a_good_new_one(
    client: TestClient, mail: MailBox
) -> None:
    new_admin(client, mail)
    response = change_password(client, "wrong wrong wrong", "password1")
    assert response.status_code == 422
    text = response.text
    assert "Your current password is not right." in text
    assert "harder to guess" in text
    assert 'href="#current-password"' in text and 'href="#new-password"' in text


def test_a_reset_link_works_once_and_signs_out_every_session(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    with TestClient(app, follow_redirects=False) as other:
        assert ask_for_reset(other).headers["location"] == "/teachers/sign-in?done=sent"
        link = mail.last_link(EMAIL)
        assert "/teachers/reset-password?token=" in link
        page = other.get(path_of(link))
        assert 'autocomplete="new-password"' in page.text
        assert reset(other, link).headers["location"] == "/teachers/sign-in?done=password-reset"
        again = reset(other, link, "another fine passphrase here")
        assert again.status_code == 422
        assert "has already been used" in again.text
    assert client.get("/teachers").headers["location"] == "/teachers/sign-in"
    assert sign_in(client, EMAIL, NEW_PASSWORD).status_code == 303


def test_a_reset_link_stops_working_after_ten_minutes(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    sign_up(client)
    ask_for_reset(client)
    link = mail.last_link(EMAIL)
    marker = "?" if app.state.engine.dialect.paramstyle == "qmark" else "%s"
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with app.state.engine.begin() as connection:
        connection.exec_driver_sql(
            f"UPDATE email_link SET expires_at = {marker} WHERE purpose = 'reset'", (past,)
        )
    assert "has run out" in client.get(path_of(link)).text
    assert reset(client, link).status_code == 422
    assert sign_in(client, EMAIL, PASSWORD).status_code == 303


def test_a_reset_link_expires_ten_minutes_after_it_was_sent(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    sign_up(client)
    ask_for_reset(client)
    with app.state.engine.connect() as connection:
        expires = connection.exec_driver_sql(
            "SELECT expires_at FROM email_link WHERE purpose = 'reset'"
        ).scalar()
    if isinstance(expires, str):
        expires = dt.datetime.fromisoformat(expires)
    expires = expires.replace(tzinfo=expires.tzinfo or dt.UTC)
    left = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=9) < left <= dt.timedelta(minutes=10)


def test_a_refused_new_password_keeps_the_link_usable(client: TestClient, mail: MailBox) -> None:
    sign_up(client)
    ask_for_reset(client)
    link = mail.last_link(EMAIL)
    refused = reset(client, link, "password")
    assert refused.status_code == 422
    assert "harder to guess" in refused.text
    assert reset(client, link).status_code == 303


def test_the_eleventh_failed_sign_in_in_a_row_is_refused_even_with_the_right_password(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    sign_up(client)
    for attempt in range(10):
        response = sign_in(client, EMAIL, f"wrong password {attempt}")
        assert response.status_code == 422
    locked = sign_in(client, EMAIL, PASSWORD)
    assert locked.status_code == 422
    assert "locked for 15 minutes" in locked.text
    assert TEACHER_COOKIE not in client.cookies
    # Fifteen minutes later (moved in the database), the right password works again.
    marker = "?" if app.state.engine.dialect.paramstyle == "qmark" else "%s"
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with app.state.engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE sign_in_failures SET locked_until = {marker}", (past,))
    assert sign_in(client, EMAIL, PASSWORD).status_code == 303
    assert count(app, "SELECT count(*) FROM sign_in_failures") == 0


def test_an_address_without_an_account_locks_exactly_as_one_with_an_account(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    """The lock-out message would otherwise tell a stranger which addresses have accounts."""
    sign_up(client)
    pages = {}
    for address in (EMAIL, "nobody@school.example"):
        for attempt in range(10):
            sign_in(client, address, f"wrong password {attempt}")
        pages[address] = sign_in(client, address, PASSWORD)
        assert pages[address].status_code == 422
        assert "locked for 15 minutes" in pages[address].text
    known, unknown = (page.text.replace(a, "ADDRESS") for a, page in pages.items())
    assert known == unknown
    # Only keyed hashes of the typed addresses are kept, never the addresses.
    with app.state.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM sign_in_failures").all()
    assert len(rows) == 2
    assert not any("@" in str(value) for row in rows for value in row)


def test_a_right_password_resets_the_count_of_failures(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    sign_up(client)
    for attempt in range(9):
        sign_in(client, EMAIL, f"wrong password {attempt}")
    assert count(app, "SELECT failures FROM sign_in_failures") == 9
    assert sign_in(client, EMAIL, PASSWORD).status_code == 303
    assert count(app, "SELECT count(*) FROM sign_in_failures") == 0
    for attempt in range(9):
        sign_in(client, EMAIL, f"wrong password {attempt}")
    assert sign_in(client, EMAIL, PASSWORD).status_code == 303


def test_one_address_past_its_sign_in_attempts_gets_a_429(
    settings: Settings, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One minute for the whole test, so the window cannot turn over half-way.
    monkeypatch.setattr("course.schools.pages.wall_clock", lambda: 1_800_000_030.0)
    limited = settings.model_copy(update={"sign_in_attempts_per_minute": 3})
    app = create_app(limited, catalogue=catalogue)
    with TestClient(app, follow_redirects=False) as client:
        for attempt in range(3):
            assert sign_in(client, "who@school.example", f"guess {attempt}").status_code == 422
        refused = sign_in(client, "who@school.example", "guess 4")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert "Too many attempts" in refused.text
        assert refused.headers["cache-control"] == "no-store"
        assert ask_for_reset(client).status_code == 429
        # Pages still open, and pupils' posts are not counted against it.
        assert client.get("/teachers/sign-in").status_code == 200
    app.state.engine.dispose()
