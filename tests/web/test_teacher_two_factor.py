"""Two-factor sign-in: set up with a code computed by pyotp, sign in with a code or a recovery
code (each once), the QR code as CSP-safe SVG, and a school that requires it of everyone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.settings import Settings
from tests.teacher_pages import (
    ANY_FORM,
    PASSWORD,
    MailBox,
    new_admin,
    next_code,
    post_form,
    sign_in,
    sign_out,
    smtp_server,
)

EMAIL = "ada@school.example"
SECRET = re.compile(r'name="secret" value="([A-Z2-7]{32})"')
CODE = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


@pytest.fixture
def mail() -> Iterator[MailBox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def settings(settings: Settings, mail: MailBox) -> Settings:
    return mail.settings_for(settings)


def turn_on(client: TestClient, spent: list[str] | None = None) -> tuple[str, list[str]]:
    """Set up two-factor sign-in as the signed-in teacher; the secret and recovery codes (and,
    into `spent`, the code set-up used)."""
    page = client.get("/teachers/two-factor")
    assert page.status_code == 200
    match = SECRET.search(page.text)
    assert match
    secret = match.group(1)
    code = pyotp.TOTP(secret).now()
    if spent is not None:
        spent.append(code)
    data = {"secret": secret, "code": code, "password": PASSWORD}
    response = post_form(client, "/teachers/two-factor", "/teachers/two-factor", data)
    assert response.status_code == 200, response.text
    codes = CODE.findall(response.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def enter(client: TestClient, **data: str) -> Any:
    return post_form(client, "/teachers/sign-in/code", "/teachers/sign-in/code", data)


def test_set_up_then_sign_in_with_a_code_from_the_app(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    secret, _ = turn_on(client)
    assert "Two-factor sign-in</a>: on" in client.get("/teachers").text
    sign_out(client)
    first = sign_in(client, EMAIL)
    assert first.headers["location"] == "/teachers/sign-in/code"
    # The password alone opens nothing but the code page.
    assert client.get("/teachers").headers["location"] == "/teachers/sign-in/code"
    assert client.get("/teachers/two-factor").headers["location"] == "/teachers/sign-in/code"
    page = client.get("/teachers/sign-in/code")
    assert 'autocomplete="one-time-code"' in page.text
    wrong = enter(client, code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.text
    assert enter(client, code=next_code(secret)).headers["location"] == "/teachers"
    assert client.get("/teachers").status_code == 200
    assert client.get("/teachers/sign-in/code").headers["location"] == "/teachers"


def test_new_recovery_codes_replace_the_old_ones_with_the_password(
    client: TestClient, mail: MailBox
) -> None:
    new_admin(client, mail)
    _, old_codes = turn_on(client)
    page = client.get("/teachers/two-factor").text
    assert "You have 10 unused recovery codes of 10." in page
    path = "/teachers/two-factor/recovery-codes"
    wrong = post_form(client, "/teachers/two-factor", path, {"codes_password": "not it"})
    assert wrong.status_code == 422 and "Your password is not right" in wrong.text
    renewed = post_form(client, "/teachers/two-factor", path, {"codes_password": PASSWORD})
    assert renewed.status_code == 200
    assert "Your old recovery codes no longer work." in renewed.text
    new_codes = CODE.findall(renewed.text)
    assert len(set(new_codes)) == 10 and not set(new_codes) & set(old_codes)
    sign_out(client)
    sign_in(client, EMAIL)
    assert enter(client, recovery_code=old_codes[0]).status_code == 422
    assert enter(client, recovery_code=new_codes[0]).headers["location"] == "/teachers"
    assert "You have 9 unused recovery codes of 10." in client.get("/teachers/two-factor").text


def test_a_code_signs_in_once_even_within_its_half_minute(
    client: TestClient, mail: MailBox
) -> None:
    new_admin(client, mail)
    used: list[str] = []
    secret, _ = turn_on(client, spent=used)
    sign_out(client)
    sign_in(client, EMAIL)
    # The code that set it up has been spent already: it does not sign in (the very code, not
    # the one showing now, which is a new one if half a minute has turned meanwhile).
    spent_at_set_up = enter(client, code=used[0])
    assert spent_at_set_up.status_code == 422, spent_at_set_up.headers
    assert "it has been used" in spent_at_set_up.text
    code = next_code(secret)
    assert enter(client, code=code).headers["location"] == "/teachers"
    sign_out(client)
    sign_in(client, EMAIL)
    replayed = enter(client, code=code)  # seen over a shoulder, typed again at once
    assert replayed.status_code == 422
    assert "it has been used" in replayed.text
    assert client.get("/teachers").headers["location"] == "/teachers/sign-in/code"


def test_a_recovery_code_signs_in_once(client: TestClient, app: FastAPI, mail: MailBox) -> None:
    new_admin(client, mail)
    _, codes = turn_on(client)
    with app.state.engine.connect() as connection:
        stored = [
            row[0] for row in connection.exec_driver_sql("SELECT code_hash FROM recovery_code")
        ]
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    sign_out(client)
    sign_in(client, EMAIL)
    assert enter(client, recovery_code=codes[3].upper()).headers["location"] == "/teachers"
    sign_out(client)
    sign_in(client, EMAIL)
    again = enter(client, recovery_code=codes[3])
    assert again.status_code == 422
    assert "recovery code is not right, or it has been used" in again.text
    assert enter(client, recovery_code=codes[4].replace("-", "")).status_code == 303


def test_the_qr_code_is_inline_svg_with_no_style_and_the_secret_can_be_typed(
    client: TestClient, mail: MailBox
) -> None:
    new_admin(client, mail)
    page = client.get("/teachers/two-factor").text
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "aria-label=" in svg
    assert "style" not in svg and "<script" not in svg
    secret = SECRET.search(page).group(1)  # type: ignore[union-attr]
    spaced = " ".join(secret[i : i + 4] for i in range(0, 32, 4))
    assert spaced in page


def test_a_wrong_code_or_password_at_set_up_keeps_it_off(client: TestClient, mail: MailBox) -> None:
    new_admin(client, mail)
    secret = SECRET.search(client.get("/teachers/two-factor").text).group(1)  # type: ignore[union-attr]
    data = {"secret": secret, "code": "12345", "password": "not my password"}
    response = post_form(client, "/teachers/two-factor", "/teachers/two-factor", data)
    assert response.status_code == 422
    assert 'href="#code"' in response.text and 'href="#password"' in response.text
    assert f'value="{secret}"' in response.text  # the same secret, to try again
    assert "Two-factor sign-in</a>: off" in client.get("/teachers").text


def test_wrong_codes_count_towards_the_lock_out(client: TestClient, mail: MailBox) -> None:
    new_admin(client, mail)
    secret, _ = turn_on(client)
    sign_out(client)
    sign_in(client, EMAIL)
    right = pyotp.TOTP(secret).now()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(9):
        assert enter(client, code=wrong).status_code == 422
    locked = enter(client, code=wrong)
    assert "locked for 15 minutes" in locked.text
    assert "locked for 15 minutes" in enter(client, code=pyotp.TOTP(secret).now()).text


def test_turning_it_off_needs_the_password(client: TestClient, mail: MailBox) -> None:
    new_admin(client, mail)
    turn_on(client)
    refused = post_form(client, ANY_FORM, "/teachers/two-factor/off", {"off_password": "nope"})
    assert refused.status_code == 422
    assert 'href="#off-password"' in refused.text
    done = post_form(client, ANY_FORM, "/teachers/two-factor/off", {"off_password": PASSWORD})
    assert done.headers["location"] == "/teachers/two-factor?done=two-factor-off"
    sign_out(client)
    assert sign_in(client, EMAIL).headers["location"] == "/teachers"


def test_a_school_that_requires_it_sends_a_teacher_without_it_to_set_it_up(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    required = post_form(
        client, "/teachers/school", "/teachers/school/two-factor", {"required": "yes"}
    )
    assert required.headers["location"] == "/teachers/school?done=two-factor-required"
    # The admin has not set it up either: every page but the set-up sends them there.
    for path in ("/teachers", "/teachers/school", "/teachers/change-password"):
        assert client.get(path).headers["location"] == "/teachers/two-factor", path
    page = client.get("/teachers/two-factor")
    assert "Your school asks every teacher" in page.text
    assert "Turn it off" not in page.text
    turn_on(client)
    assert client.get("/teachers").status_code == 200
    # Once on, it cannot be turned off while the school requires it.
    off = post_form(client, ANY_FORM, "/teachers/two-factor/off", {"off_password": PASSWORD})
    assert off.headers["location"] == "/teachers/two-factor"
    assert "Two-factor sign-in</a>: on" in client.get("/teachers").text
