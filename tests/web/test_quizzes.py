"""Quiz items over HTTP: a full page without htmx, the item fragment with it, one stored answer."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from course.content.schema import ChoiceItem, Lesson
from tests.pages import csrf_token, every_question, start_learner

HTMX = {"HX-Request": "true"}


def first_quiz(app: FastAPI, age_band: str = "14-18") -> tuple[Lesson, ChoiceItem]:
    """The first lesson with a quiz, and its first choice item, for this band."""
    catalogue = app.state.catalogue
    lesson = next(lesson for lesson in catalogue.lessons_for(age_band) if lesson.quiz)
    items = catalogue.quiz(lesson.quiz).items_for(age_band)
    return lesson, next(item for item in items if isinstance(item, ChoiceItem))


def right_answer(item: ChoiceItem) -> list[str]:
    """The ids of the item's correct options."""
    return [option.id for option in item.options if option.correct]


def answer_count(app: FastAPI) -> int:
    with app.state.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM answer")).scalar_one()


def test_every_item_is_a_form_on_a_page_of_its_own(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, _ = first_quiz(app)
    assert client.get(f"/lessons/{lesson.slug}/quiz").status_code == 200
    items = app.state.catalogue.quiz(lesson.quiz).items_for("14-18")
    pages = every_question(client, app, lesson.slug)
    assert pages.count('<section class="quiz-item') == len(items)
    for item in items:
        assert f'id="item-{item.id}"' in pages


def test_answer_without_htmx_redirects_to_the_item_with_feedback(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = first_quiz(app)
    path = f"/lessons/{lesson.slug}/quiz"
    response = client.post(
        f"{path}/{item.id}",
        data={"choice": right_answer(item), "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{path}/{item.id}#item-{item.id}"
    page = client.get(f"{path}/{item.id}")
    assert "That’s right." in page.text
    for option in item.options:
        assert option.feedback_html in page.text


def test_answer_with_htmx_returns_only_the_item_fragment(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = first_quiz(app)
    path = f"/lessons/{lesson.slug}/quiz"
    wrong = [option.id for option in item.options if not option.correct][:1]
    response = client.post(
        f"{path}/{item.id}",
        data={"choice": wrong},
        headers={**HTMX, "X-CSRF-Token": csrf_token(client, path)},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section class="quiz-item')
    assert f'id="item-{item.id}"' in response.text.split(">", 1)[0]
    assert "Not quite." in response.text or "Partly right." in response.text
    assert "data-focus-after-swap" in response.text


def test_quiz_page_with_htmx_boosted_is_still_a_full_page(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, _ = first_quiz(app)
    page = client.get(f"/lessons/{lesson.slug}/quiz", headers={**HTMX, "HX-Boosted": "true"})
    assert "<html" in page.text


def test_empty_answer_with_htmx_shows_the_error_in_the_fragment(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = first_quiz(app)
    path = f"/lessons/{lesson.slug}/quiz"
    response = client.post(
        f"{path}/{item.id}", headers={**HTMX, "X-CSRF-Token": csrf_token(client, path)}
    )
    assert response.status_code == 422
    assert "<html" not in response.text
    assert f'id="item-{item.id}-error"' in response.text
    assert answer_count(app) == 0


def test_empty_answer_without_htmx_rerenders_the_page_with_the_error(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = first_quiz(app)
    path = f"/lessons/{lesson.slug}/quiz"
    response = client.post(f"{path}/{item.id}", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 422
    assert "<html" in response.text
    assert f'aria-describedby="item-{item.id}-error"' in response.text
    assert "<title>Error:" in response.text


def test_unknown_option_is_refused_and_nothing_stored(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = first_quiz(app)
    path = f"/lessons/{lesson.slug}/quiz"
    response = client.post(
        f"{path}/{item.id}",
        data={"choice": ["not-an-option"], "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 422
    assert answer_count(app) == 0


def test_two_identical_answers_store_one_row(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = first_quiz(app)
    path = f"/lessons/{lesson.slug}/quiz"
    data = {"choice": right_answer(item), "csrf_token": csrf_token(client, path)}
    first = client.post(f"{path}/{item.id}", data=data)
    second = client.post(f"{path}/{item.id}", data=data)
    assert first.status_code == second.status_code == 303
    assert answer_count(app) == 1


def test_a_second_different_answer_returns_the_first_stored_result(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = first_quiz(app)
    path = f"/lessons/{lesson.slug}/quiz"
    headers = {**HTMX, "X-CSRF-Token": csrf_token(client, path)}
    wrong = [option.id for option in item.options if not option.correct][:1]
    client.post(f"{path}/{item.id}", data={"choice": right_answer(item)}, headers=headers)
    again = client.post(f"{path}/{item.id}", data={"choice": wrong}, headers=headers)
    assert "That’s right." in again.text
    with app.state.engine.connect() as connection:
        stored = connection.execute(text("SELECT choice, correct FROM answer")).one()
    assert stored.correct
    assert stored.choice == ",".join(sorted(right_answer(item)))


def test_answer_records_content_version_and_day_only(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = first_quiz(app)
    path = f"/lessons/{lesson.slug}/quiz"
    client.post(
        f"{path}/{item.id}",
        data={"choice": right_answer(item), "csrf_token": csrf_token(client, path)},
    )
    with app.state.engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM answer")).mappings().one()
    assert row["content_version"] == app.state.catalogue.version
    assert len(str(row["answered_on"])) == 10  # a day, never a time


def test_item_of_another_lesson_is_a_404(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lessons = [lesson for lesson in app.state.catalogue.lessons_for("14-18") if lesson.quiz]
    other_item = app.state.catalogue.quiz(lessons[1].quiz).items[0]  # any type
    path = f"/lessons/{lessons[0].slug}/quiz"
    response = client.post(
        f"{path}/{other_item.id}", data={"choice": ["a"], "csrf_token": csrf_token(client, path)}
    )
    assert response.status_code == 404
