"""A school's admin: invite a teacher by a one-time link, remove one (whose sessions die), and
only the admin may; another school's teacher is out of reach; names and addresses render as
inert text everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.settings import Settings
from tests.teacher_pages import (
    ANY_FORM,
    PASSWORD,
    MailBox,
    new_admin,
    path_of,
    post_form,
    sign_in,
    smtp_server,
)

ADMIN = "ada@school.example"
INVITEE = "grace@school.example"
OTHER_PASSWORD = "copper walrus meadow violin"
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def mail() -> Iterator[MailBox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def settings(settings: Settings, mail: MailBox) -> Settings:
    return mail.settings_for(settings)


def invite(client: TestClient, email: str = INVITEE) -> Any:
    return post_form(client, "/teachers/school", "/teachers/school/invite", {"email": email})


def accept(client: TestClient, link: str, name: str = "Grace Hopper") -> Any:
    assert client.get(path_of(link)).status_code == 200
    token = link.rsplit("token=", 1)[1]
    data = {"token": token, "name": name, "password": OTHER_PASSWORD}
    return post_form(client, ANY_FORM, "/teachers/invitation", data)


def teacher_id(app: FastAPI, email: str) -> int:
    marker = "?" if app.state.engine.dialect.paramstyle == "qmark" else "%s"
    with app.state.engine.connect() as connection:
        query = f"SELECT id FROM teacher WHERE email = {marker}"
        return int(connection.exec_driver_sql(query, (email,)).scalar_one())


def remove(client: TestClient, who: int | str) -> Any:
    data = {"teacher_id": str(who)}
    return post_form(client, "/teachers/school", "/teachers/school/remove", data)


def test_an_invited_teacher_joins_the_school_by_the_link(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    assert invite(client).headers["location"] == "/teachers/school?done=invited"
    [message] = mail.to(INVITEE)
    assert message["Subject"] == "You are invited to join Greenfield Academy"
    link = mail.last_link(INVITEE)
    assert "/teachers/invitation?token=" in link
    with TestClient(app, follow_redirects=False) as grace:
        page = grace.get(path_of(link))
        assert "Join Greenfield Academy" in page.text and INVITEE in page.text
        assert accept(grace, link).headers["location"] == "/teachers"
        home = grace.get("/teachers").text
        assert "Hello, Grace Hopper" in home and "Greenfield Academy" in home
        assert "Confirm your email address" not in home  # the link proved the address
        assert "Teachers of your school" not in home  # not an admin
        assert grace.get("/teachers/school").status_code == 403
        again = accept(grace, link, "Someone Else")
        assert again.status_code == 422
    school_page = client.get("/teachers/school").text
    assert "Grace Hopper" in school_page and INVITEE in school_page


def test_an_invitation_to_an_address_with_an_account_reveals_nothing(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    with TestClient(app, follow_redirects=False) as other:
        new_admin(other, mail, "bob@other.example", school="Other School", name="Bob")
    response = invite(client, "bob@other.example")
    assert response.headers["location"] == "/teachers/school?done=invited"
    assert mail.to("bob@other.example")[-1]["Subject"] == "You already have an account"


def test_an_invitation_needs_a_real_address(client: TestClient, mail: MailBox) -> None:
    new_admin(client, mail)
    response = invite(client, "not-an-address")
    assert response.status_code == 422
    assert 'href="#email"' in response.text and "Enter an email address like" in response.text


def test_removing_a_teacher_ends_their_sessions(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    invite(client)
    with TestClient(app, follow_redirects=False) as grace:
        accept(grace, mail.last_link(INVITEE))
        assert grace.get("/teachers").status_code == 200
        grace_id = teacher_id(app, INVITEE)
        # The school page's Remove is a link to a page that asks first; nothing is removed yet.
        link = f"/teachers/school/remove?teacher_id={grace_id}"
        assert f'href="{link}"' in client.get("/teachers/school").text
        asked = client.get(link)
        assert asked.status_code == 200 and asked.headers["cache-control"] == "no-store"
        assert "Remove Grace Hopper?" in asked.text and INVITEE in asked.text
        assert "They have no classes." in asked.text
        assert "Yes, remove Grace Hopper" in asked.text
        assert grace.get("/teachers").status_code == 200
        assert remove(client, grace_id).headers["location"] == "/teachers/school?done=removed"
        assert grace.get("/teachers").headers["location"] == "/teachers/sign-in"
        assert sign_in(grace, INVITEE, OTHER_PASSWORD).status_code == 422
    assert "Grace Hopper" not in client.get("/teachers/school").text


def test_an_admin_cannot_remove_themselves(client: TestClient, app: FastAPI, mail: MailBox) -> None:
    new_admin(client, mail)
    asked = client.get(f"/teachers/school/remove?teacher_id={teacher_id(app, ADMIN)}")
    assert asked.headers["location"] == "/teachers/school"
    response = remove(client, teacher_id(app, ADMIN))
    assert response.status_code == 422
    assert "You cannot remove yourself" in response.text
    assert client.get("/teachers").status_code == 200


def test_another_schools_teacher_is_out_of_reach(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail)
    with TestClient(app, follow_redirects=False) as other:
        new_admin(other, mail, "bob@other.example", school="Other School", name="Bob")
        bob = teacher_id(app, "bob@other.example")
        assert remove(client, bob).status_code == 404
        assert client.get(f"/teachers/school/remove?teacher_id={bob}").status_code == 404
        assert other.get("/teachers").status_code == 200
        assert "Bob" not in client.get("/teachers/school").text
    for garbage in ("", "abc", "-1", "99999999999999999999999", "1e3"):
        assert remove(client, garbage).status_code == 404, garbage
        assert client.get(f"/teachers/school/remove?teacher_id={garbage}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/teachers/school", {}),
        ("post", "/teachers/school/invite", {"email": "eve@school.example"}),
        ("get", "/teachers/school/remove?teacher_id=1", {}),
        ("post", "/teachers/school/remove", {"teacher_id": "1"}),
        ("post", "/teachers/school/two-factor", {"required": "yes"}),
    ],
)
def test_a_teacher_who_is_not_the_admin_gets_403_on_admin_pages(
    client: TestClient, app: FastAPI, mail: MailBox, method: str, path: str, data: dict[str, str]
) -> None:
    new_admin(client, mail)
    invite(client)
    with TestClient(app, follow_redirects=False) as grace:
        accept(grace, mail.last_link(INVITEE))
        get = method == "get"
        response = grace.get(path) if get else post_form(grace, ANY_FORM, path, data)
        assert response.status_code == 403
        assert "Only your school’s admin can do this" in response.text
        assert response.headers["cache-control"] == "no-store"
    assert len(mail.to("eve@school.example")) == 0


def test_script_payloads_in_names_and_addresses_are_inert_text(
    client: TestClient, app: FastAPI, mail: MailBox
) -> None:
    new_admin(client, mail, school=f"School {PAYLOAD}", name=f"Ada {PAYLOAD}")
    invite(client)
    with TestClient(app, follow_redirects=False) as grace:
        accept(grace, mail.last_link(INVITEE), name=f"Grace {PAYLOAD}")
        pages = [grace.get("/teachers"), grace.get("/teachers/two-factor")]
    pages += [
        client.get(path) for path in ("/teachers", "/teachers/school", "/teachers/two-factor")
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    # An address with markup is refused as an address, and never echoed as markup.
    response = invite(client, f'"{PAYLOAD}"@school.example')
    assert response.status_code == 422 and "<script>alert" not in response.text
    assert PASSWORD not in client.get("/teachers/school").text
