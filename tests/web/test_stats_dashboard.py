"""A class's dashboard over HTTP: the page, its htmx fragment and its CSV; who may see it; and
that the page, the chart and the download say the same, suppressed the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from course.content.schema import Catalogue
from tests.pages import csrf_token, start_learner
from tests.unit.stats.pages import csv_figures, csv_rows, page_figures, svg_elements
from tests.unit.stats.rows import (
    add_class,
    add_learners,
    add_school,
    add_teacher,
    answer,
    sign_in_token,
    walk_chat,
)

HTMX = {"HX-Request": "true"}
CHOICE = "wis-who-is-to-blame"  # options sam, criminal (right), both
CHAT = "wtd-the-threat-chat"
HELD_BACK = "Shown when at least 10 pupils have answered."
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@dataclass(frozen=True)
class School:
    """A school with its admin, a teacher, the teacher's classes of 12 and 4, and another
    school's class."""

    admin: int
    teacher: int
    big: int
    small: int
    elsewhere: int


def answered_class(app: FastAPI, school_id: int, owner: int, pupils: int, **kw: object) -> int:
    """A class whose pupils answer CHOICE (half wrong) and walk the chat."""
    engine, catalogue = app.state.engine, app.state.catalogue
    class_id = add_class(engine, school_id, owner, **kw)  # type: ignore[arg-type]
    for n, pupil in enumerate(add_learners(engine, class_id, pupils)):
        answer(engine, catalogue, pupil, CHOICE, ["sam" if n % 2 else "criminal"])
        walk_chat(engine, catalogue, pupil, CHAT, [n % 3])
    return class_id


@pytest.fixture
def school(app: FastAPI) -> School:
    engine = app.state.engine
    school_id = add_school(engine)
    admin = add_teacher(engine, school_id, admin=True, name="Head")
    teacher = add_teacher(engine, school_id, name="Ada")
    other_school = add_school(engine, "Elsewhere High")
    elsewhere = add_class(engine, other_school, add_teacher(engine, other_school, admin=True))
    return School(
        admin=admin,
        teacher=teacher,
        big=answered_class(app, school_id, teacher, 12, name="Year 9 Blue"),
        small=answered_class(app, school_id, teacher, 4, name="Year 9 Red"),
        elsewhere=elsewhere,
    )


def sign_in(client: TestClient, app: FastAPI, teacher_id: int) -> None:
    client.cookies.set(app.state.cookie_names.teacher, sign_in_token(app.state.engine, teacher_id))


def dashboard(class_id: int) -> str:
    return f"/teachers/classes/{class_id}/dashboard"


def test_with_htmx_the_dashboard_is_its_fragment_alone(
    client: TestClient, app: FastAPI, school: School
) -> None:
    sign_in(client, app, school.teacher)
    response = client.get(dashboard(school.big), headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div class="stats" id="class-dashboard"')
    assert 'hx-trigger="every 20s"' in response.text  # joining is open: it keeps refreshing
    assert response.headers["vary"] == "HX-Request"


def test_without_htmx_the_dashboard_is_the_whole_page(
    client: TestClient, app: FastAPI, school: School
) -> None:
    sign_in(client, app, school.teacher)
    response = client.get(dashboard(school.big))
    assert response.status_code == 200
    assert response.text.startswith("<!doctype html>")
    assert "<h1>Statistics: Year 9 Blue</h1>" in response.text
    assert 'id="class-dashboard"' in response.text
    assert f'<a href="{dashboard(school.big)}">Refresh</a>' in response.text  # without JavaScript


def test_a_class_of_twelve_shows_its_breakdowns(
    client: TestClient, app: FastAPI, school: School
) -> None:
    sign_in(client, app, school.teacher)
    figures = page_figures(client.get(dashboard(school.big)).text)
    prompt = next(s for s, m in figures if m == "lesson" and s.startswith("Sam chats"))
    assert figures[(prompt, "right at the first attempt")] == "50%"
    assert figures[(prompt, "the person making the threat")] == "50%"
    assert figures[(prompt, "the person making the threat [note]")] == "right answer"
    assert figures[("Year 9 Blue", "pupils joined")] == "12"


def test_a_class_of_four_shows_counts_but_no_breakdown(
    client: TestClient, app: FastAPI, school: School
) -> None:
    sign_in(client, app, school.teacher)
    page = client.get(dashboard(school.small)).text
    figures = page_figures(page)
    assert figures[("Year 9 Red", "pupils joined")] == "4"
    assert figures[("How online blackmail works", "started")] == "4"
    assert HELD_BACK in page
    assert "<svg" in page  # the funnel: counts are exact
    rights = [v for (_, m), v in figures.items() if m == "right at the first attempt"]
    assert rights and set(rights) == {HELD_BACK}
    assert "%" not in " ".join(figures.values())
    assert len(svg_elements(page)) == 1  # no breakdown chart at all


@pytest.mark.parametrize("suffix", ["", "?fragment", ".csv"])
def test_another_schools_class_or_a_colleagues_is_not_found(
    client: TestClient, app: FastAPI, school: School, suffix: str
) -> None:
    headers = HTMX if suffix == "?fragment" else {}
    path = suffix if suffix != "?fragment" else ""
    outsider = add_teacher(app.state.engine, add_school(app.state.engine), name="Bea")
    sign_in(client, app, school.teacher)
    for class_id in (school.elsewhere, 123, 2**70):
        response = client.get(dashboard(class_id) + path, headers=headers)
        assert response.status_code == 404
        assert "Year 9" not in response.text
    # A teacher of the same school who is not its admin cannot see a colleague's class.
    other = add_teacher(app.state.engine, school_id_of(app, school.big), name="Cy")
    sign_in(client, app, other)
    assert client.get(dashboard(school.big) + path, headers=headers).status_code == 404
    sign_in(client, app, outsider)
    assert client.get(dashboard(school.big) + path, headers=headers).status_code == 404
    # The school's admin can.
    sign_in(client, app, school.admin)
    assert client.get(dashboard(school.big) + path, headers=headers).status_code == 200


def school_id_of(app: FastAPI, class_id: int) -> int:
    with app.state.engine.connect() as connection:
        query = text("SELECT school_id FROM school_class WHERE id = :id")
        return int(connection.execute(query, {"id": class_id}).scalar_one())


def test_a_signed_out_browser_is_sent_to_sign_in(client: TestClient, school: School) -> None:
    for path in (dashboard(school.big), dashboard(school.big) + ".csv"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/teachers/sign-in"


def test_statistics_are_never_kept_by_a_browser(
    client: TestClient, app: FastAPI, school: School
) -> None:
    sign_in(client, app, school.teacher)
    for path, headers in (
        (dashboard(school.big), {}),
        (dashboard(school.big), HTMX),
        (dashboard(school.big) + ".csv", {}),
    ):
        assert client.get(path, headers=headers).headers["cache-control"] == "no-store"


def test_the_csv_says_exactly_what_the_page_says(
    client: TestClient, app: FastAPI, school: School
) -> None:
    sign_in(client, app, school.teacher)
    for class_id in (school.big, school.small):
        page = client.get(dashboard(class_id)).text
        download = client.get(dashboard(class_id) + ".csv")
        assert download.headers["content-type"] == "text/csv; charset=utf-8"
        assert download.headers["content-disposition"].startswith("attachment; filename=")
        assert page_figures(page) == csv_figures(download.text)
        for row in csv_rows(download.text):
            if row["measure"] == "answers counted":
                assert f"From the first {row['value']} answers" in page
            if row["measure"] == "shown":
                assert row["value"] == HELD_BACK


def test_the_csv_names_no_pupil(client: TestClient, app: FastAPI, school: School) -> None:
    sign_in(client, app, school.teacher)
    download = client.get(dashboard(school.big) + ".csv").text
    with app.state.engine.connect() as connection:
        ids = [str(row[0]) for row in connection.execute(text("SELECT id FROM learner"))]
    assert ids and not any(learner in download for learner in ids)


def test_a_class_name_that_looks_like_a_formula_is_text_in_the_csv(
    client: TestClient, app: FastAPI, school: School
) -> None:
    name = '=HYPERLINK("http://evil.example","x")'
    class_id = add_class(app.state.engine, school_id_of(app, school.big), school.teacher, name=name)
    sign_in(client, app, school.teacher)
    rows = csv_rows(client.get(dashboard(class_id) + ".csv").text)
    assert {row["subject"] for row in rows if row["section"] == "class"} == {"'" + name}
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())


def test_script_in_a_class_name_is_inert_in_the_page_the_chart_and_the_csv(
    client: TestClient, app: FastAPI, school: School
) -> None:
    class_id = answered_class(app, school_id_of(app, school.big), school.teacher, 10, name=PAYLOAD)
    sign_in(client, app, school.teacher)
    for headers in ({}, HTMX):
        page = client.get(dashboard(class_id), headers=headers).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
        funnel = next(svg for svg in svg_elements(page) if "stats-funnel-chart" in svg)
        assert "&lt;script&gt;" in funnel and "<script>" not in funnel
    download = client.get(dashboard(class_id) + ".csv")
    subjects = {row["subject"] for row in csv_rows(download.text) if row["section"] == "class"}
    assert subjects == {PAYLOAD}  # plain text in a CSV file, saved and never run
    assert download.headers["content-type"].startswith("text/csv")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in download.headers["content-disposition"]
    assert "<" not in download.headers["content-disposition"]


def test_charts_are_labelled_images_without_inline_styles(
    client: TestClient, app: FastAPI, school: School
) -> None:
    sign_in(client, app, school.teacher)
    page = client.get(dashboard(school.big)).text
    charts = svg_elements(page)
    assert len(charts) > 2
    assert "style=" not in page
    for svg in charts:
        opening = svg.split(">", 1)[0]
        assert 'role="img"' in opening
        [labels] = re.findall(r'aria-labelledby="([^"]+)"', opening)
        title, desc = labels.split()
        assert f'<title id="{title}">' in svg and f'<desc id="{desc}">' in svg
        assert "The table beside the chart gives the same figures" in svg
    assert 'class="chart__bar chart__bar--right"' in page
    assert "· right answer" in page  # words as well as colour


def test_the_dashboard_stops_refreshing_when_the_class_is_not_at_work(
    client: TestClient, app: FastAPI, school: School
) -> None:
    quiet = add_class(
        app.state.engine, school_id_of(app, school.big), school.teacher, joining_open=False
    )
    sign_in(client, app, school.teacher)
    fragment = client.get(dashboard(quiet), headers=HTMX).text
    assert "hx-trigger" not in fragment
    assert f'<a href="{dashboard(quiet)}">Refresh</a>' in fragment
    add_learners(app.state.engine, quiet, 1)  # seen today: at work again
    assert 'hx-trigger="every 20s"' in client.get(dashboard(quiet), headers=HTMX).text


def test_answers_sent_to_the_quiz_pages_reach_the_dashboard(
    app: FastAPI, catalogue: Catalogue, school: School
) -> None:
    """Ten pupils answer through the real quiz route; their class's dashboard shows it."""
    class_id = add_class(app.state.engine, school_id_of(app, school.big), school.teacher)
    quiz_path = "/lessons/what-is-sextortion/quiz"
    for n in range(10):
        with TestClient(app, follow_redirects=False) as pupil:
            start_learner(pupil)
            with app.state.engine.begin() as connection:
                connection.execute(
                    text("UPDATE learner SET class_id = :c WHERE class_id IS NULL"),
                    {"c": class_id},
                )
            token = csrf_token(pupil, quiz_path)
            choice = "criminal" if n < 7 else "both"
            response = pupil.post(
                f"{quiz_path}/{CHOICE}", data={"choice": choice, "csrf_token": token}
            )
            assert response.status_code == 303
    with TestClient(app, follow_redirects=False) as teacher:
        sign_in(teacher, app, school.teacher)
        figures = page_figures(teacher.get(dashboard(class_id)).text)
    prompt = next(s for s, m in figures if m == "lesson" and s.startswith("Sam chats"))
    assert figures[(prompt, "right at the first attempt")] == "70%"
    assert figures[(prompt, "both of them, because sam chose to send it")] == "30%"
