"""A teacher's classes: create, rename, joining, a new code, limits, delete, the join screen."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.pages import csrf_token
from tests.schools import class_of, sign_in_teacher

PAYLOAD = '<script>alert("x")</script>'


def post(client: TestClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/teachers/classes")})


def test_a_teacher_creates_a_class_and_sees_its_code(client: TestClient, app: FastAPI) -> None:
    sign_in_teacher(client, app)
    response = post(client, "/teachers/classes", {"name": "Year 9 Blue", "age_band": "11-13"})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Year 9 Blue" in page and "Join code" in page
    assert "Year 9 Blue" in client.get("/teachers/classes").text


def test_a_class_form_error_is_shown_next_to_the_field(client: TestClient, app: FastAPI) -> None:
    sign_in_teacher(client, app)
    response = post(client, "/teachers/classes", {"name": "  ", "age_band": "nope"})
    assert response.status_code == 422
    assert 'id="class-name-error"' in response.text
    assert 'id="class-age-band-error"' in response.text


def test_an_unconfirmed_teacher_cannot_create_a_class(client: TestClient, app: FastAPI) -> None:
    sign_in_teacher(client, app, confirmed=False)
    response = post(client, "/teachers/classes", {"name": "Year 9", "age_band": "11-13"})
    assert response.status_code == 422 and "Confirm your email address" in response.text


def test_rename_close_reopen_new_code_limits_and_delete(client: TestClient, app: FastAPI) -> None:
    who = sign_in_teacher(client, app)
    made = class_of(app, who)
    base = f"/teachers/classes/{made.id}"
    assert post(client, f"{base}/name", {"name": "Year 9 Green"}).status_code == 303
    assert post(client, f"{base}/joining", {"joining": "closed"}).status_code == 303
    assert "Joining is closed" in client.get(base).text
    assert post(client, f"{base}/joining", {"joining": "open"}).status_code == 303
    assert post(client, f"{base}/code", {}).status_code == 303
    assert (
        post(client, f"{base}/limits", {"cap": "30", "closes_on": "2030-07-20"}).status_code == 303
    )
    bad = post(client, f"{base}/limits", {"cap": "lots", "closes_on": "soon"})
    assert bad.status_code == 422 and "class-cap-error" in bad.text
    with app.state.engine.connect() as connection:
        row = connection.execute(
            text("SELECT name, joining_open, join_code, cap, closes_on FROM school_class")
        ).one()
    assert row.name == "Year 9 Green" and row.joining_open and row.cap == 30
    assert row.join_code != made.join_code and str(row.closes_on) == "2030-07-20"
    assert client.get(f"/join/{made.join_code}").status_code == 404  # the old code is dead
    assert "Delete Year 9 Green?" in client.get(f"{base}/delete").text
    assert post(client, f"{base}/delete", {}).status_code == 303
    assert client.get(base).status_code == 404


def test_deleting_a_class_deletes_its_learners(client: TestClient, app: FastAPI) -> None:
    who = sign_in_teacher(client, app)
    made = class_of(app, who)
    with TestClient(app, follow_redirects=False) as pupil:
        pupil.get(f"/join/{made.join_code}")
        pupil.post(f"/join/{made.join_code}", data={"csrf_token": csrf_token(pupil, "/join")})
    with app.state.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM learner")).scalar() == 1
    post(client, f"/teachers/classes/{made.id}/delete", {})
    with app.state.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM learner")).scalar() == 0


def test_the_join_screen_shows_the_code_the_link_and_a_qr_code(
    client: TestClient, app: FastAPI
) -> None:
    who = sign_in_teacher(client, app)
    made = class_of(app, who)
    page = client.get(f"/teachers/classes/{made.id}/join-screen").text
    assert f"{made.join_code[:4]}-{made.join_code[4:]}" in page
    assert f"/join/{made.join_code}" in page
    assert '<svg role="img" aria-label="QR code of the join link"' in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>")[0]


def test_a_colleague_who_is_not_the_admin_gets_404_for_my_class(
    client: TestClient, app: FastAPI
) -> None:
    who = sign_in_teacher(client, app)
    made = class_of(app, who)
    with TestClient(app, follow_redirects=False) as colleague:
        sign_in_teacher(colleague, app, school_id=who.school_id, admin=False)
        assert colleague.get(f"/teachers/classes/{made.id}").status_code == 404
        assert "Year 9 Blue" not in colleague.get("/teachers/classes").text
    with TestClient(app, follow_redirects=False) as admin:
        sign_in_teacher(admin, app, school_id=who.school_id, admin=True)
        assert admin.get(f"/teachers/classes/{made.id}").status_code == 200


def test_script_payloads_in_class_names_are_inert_everywhere(
    client: TestClient, app: FastAPI
) -> None:
    who = sign_in_teacher(client, app)
    made = class_of(app, who, name=PAYLOAD)
    for path in (
        "/teachers/classes",
        f"/teachers/classes/{made.id}",
        f"/teachers/classes/{made.id}/join-screen",
        f"/teachers/classes/{made.id}/delete",
        f"/join/{made.join_code}",
    ):
        page = client.get(path).text
        assert PAYLOAD not in page, path
        assert "&lt;script&gt;" in page, path
