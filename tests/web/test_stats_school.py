"""The school's statistics over HTTP, for its admin only: every class with exact counts, the
whole school, breakdowns that add up only the classes that show them, and a CSV of the same."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.unit.stats.pages import csv_figures, csv_rows, page_figures, svg_elements
from tests.unit.stats.rows import (
    add_class,
    add_learners,
    add_school,
    add_teacher,
    answer,
    sign_in_token,
)

CHOICE = "wis-who-is-to-blame"  # options sam, criminal (right), both
VIEW = "/teachers/school/dashboard"
PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture
def school(app: FastAPI) -> dict[str, int]:
    """A school (its name a script) with its admin, a teacher with classes of 12 and 4, and
    another school with a class of 12."""
    engine, catalogue = app.state.engine, app.state.catalogue
    school_id = add_school(engine, f"Hill {PAYLOAD}")
    admin = add_teacher(engine, school_id, admin=True)
    teacher = add_teacher(engine, school_id)
    made = {"admin": admin, "teacher": teacher}
    for name, size, owner in (("Blue", 12, teacher), ("Red", 4, teacher), ("Away", 12, None)):
        where = school_id if owner else add_school(engine, "Elsewhere")
        class_id = add_class(engine, where, owner, name=name)
        for n, pupil in enumerate(add_learners(engine, class_id, size)):
            answer(engine, catalogue, pupil, CHOICE, ["criminal" if n < 9 else "both"])
        made[name] = class_id
    return made


def sign_in(client: TestClient, app: FastAPI, teacher_id: int) -> None:
    client.cookies.set(app.state.cookie_names.teacher, sign_in_token(app.state.engine, teacher_id))


def test_the_school_view_lists_every_class_and_the_whole_school(
    client: TestClient, app: FastAPI, school: dict[str, int]
) -> None:
    sign_in(client, app, school["admin"])
    response = client.get(VIEW)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    figures = page_figures(response.text)
    assert figures[("Blue", "pupils joined")] == "12"
    assert figures[("Red", "pupils joined")] == "4"
    assert figures[(f"Hill {PAYLOAD}", "pupils joined")] == "16"
    assert ("Away", "pupils joined") not in figures  # another school's class
    assert f'href="/teachers/classes/{school["Blue"]}/dashboard"' in response.text
    # The school's breakdown is Blue's snapshot of ten alone: Red is below k and adds nothing.
    assert "From the first 10 answers" in response.text
    prompt = next(s for s, m in figures if m == "lesson" and s.startswith("Sam chats"))
    assert figures[(prompt, "right at the first attempt")] == "all or nearly all"


def test_the_school_view_is_for_its_admin_only(
    client: TestClient, app: FastAPI, school: dict[str, int]
) -> None:
    sign_in(client, app, school["teacher"])
    for path in (VIEW, VIEW + ".csv"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Blue" not in response.text


def test_the_school_csv_says_exactly_what_the_page_says(
    client: TestClient, app: FastAPI, school: dict[str, int]
) -> None:
    sign_in(client, app, school["admin"])
    page = client.get(VIEW).text
    download = client.get(VIEW + ".csv")
    assert download.headers["content-disposition"] == (
        'attachment; filename="school-hill-script-alert-1-script-statistics.csv"'
    )
    assert page_figures(page) == csv_figures(download.text)
    assert {row["subject"] for row in csv_rows(download.text) if row["section"] == "school"} == {
        f"Hill {PAYLOAD}"
    }


def test_a_script_in_the_schools_name_is_inert(
    client: TestClient, app: FastAPI, school: dict[str, int]
) -> None:
    sign_in(client, app, school["admin"])
    page = client.get(VIEW).text
    assert PAYLOAD not in page
    assert "Hill &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert all(PAYLOAD not in svg for svg in svg_elements(page))
