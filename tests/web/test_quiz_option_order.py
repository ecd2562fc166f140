"""Choice and multi options over HTTP: each learner's own order, kept across reloads, and the
feedback in that same order within each of its groups, with and without htmx."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.content.schema import ChoiceItem, Lesson
from tests.pages import csrf_token, every_question, start_learner

HTMX = {"HX-Request": "true"}


def choice_items(app: FastAPI, age_band: str = "14-18") -> tuple[Lesson, list[ChoiceItem]]:
    """The first lesson with a quiz, and its choice and multi items, for this band."""
    catalogue = app.state.catalogue
    lesson = next(lesson for lesson in catalogue.lessons_for(age_band) if lesson.quiz)
    items = catalogue.quiz(lesson.quiz).items_for(age_band)
    return lesson, [item for item in items if isinstance(item, ChoiceItem)]


def section(page: str, item: ChoiceItem) -> str:
    """The HTML of one item's section."""
    start = page.index(f'id="item-{item.id}"')
    end = page.find('<section class="quiz-item', start)
    return page[start : end if end != -1 else len(page)]


def form_order(page: str, item: ChoiceItem) -> list[str]:
    """The option ids in the order the item's form shows them."""
    return re.findall(
        rf'id="item-{re.escape(item.id)}-([\w-]+)" name="choice"', section(page, item)
    )


def feedback_order(page: str, item: ChoiceItem) -> list[str]:
    """The option ids in the order the item's feedback lists them."""
    html = section(page, item)
    return sorted(
        (option.id for option in item.options), key=lambda i: html.index(feedback_of(item, i))
    )


def feedback_of(item: ChoiceItem, option_id: str) -> str:
    return next(option.feedback_html for option in item.options if option.id == option_id)


def expected_feedback_order(item: ChoiceItem, shown: list[str], chosen: list[str]) -> list[str]:
    """The feedback lists the chosen answers, then the right ones missed, then (folded away) the
    rest: each group in the order the form showed them."""
    right = {option.id for option in item.options if option.correct}
    missed = [i for i in shown if i in right and i not in chosen]
    rest = [i for i in shown if i not in right and i not in chosen]
    return [i for i in shown if i in chosen] + missed + rest


def test_a_learner_sees_the_same_order_on_every_reload(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, items = choice_items(app)
    first = every_question(client, app, lesson.slug)
    again = every_question(client, app, lesson.slug)
    for item in items:
        assert sorted(form_order(first, item)) == sorted(option.id for option in item.options)
        assert form_order(first, item) == form_order(again, item)


def test_learners_see_their_own_orders(app: FastAPI) -> None:
    lesson, items = choice_items(app)
    orders = set()
    for _ in range(5):
        with TestClient(app, follow_redirects=False) as client:
            start_learner(client)
            page = every_question(client, app, lesson.slug)
            orders.add(tuple(tuple(form_order(page, item)) for item in items))
    assert len(orders) > 1


def test_feedback_without_htmx_follows_the_order_shown(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, items = choice_items(app)
    path = f"/lessons/{lesson.slug}/quiz"
    page = every_question(client, app, lesson.slug)
    token = csrf_token(client, path)
    for item in items:
        shown = form_order(page, item)
        response = client.post(f"{path}/{item.id}", data={"choice": shown[:1], "csrf_token": token})
        assert response.status_code == 303
    answered = every_question(client, app, lesson.slug)
    for item in items:
        shown = form_order(page, item)
        assert feedback_order(answered, item) == expected_feedback_order(item, shown, shown[:1])


def test_feedback_with_htmx_follows_the_order_shown(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, items = choice_items(app)
    path = f"/lessons/{lesson.slug}/quiz"
    page = every_question(client, app, lesson.slug)
    item = items[-1]
    shown = form_order(page, item)
    response = client.post(
        f"{path}/{item.id}",
        data={"choice": shown[-1:]},
        headers={**HTMX, "X-CSRF-Token": csrf_token(client, path)},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert feedback_order(response.text, item) == expected_feedback_order(item, shown, shown[-1:])


def test_an_error_redraws_the_form_in_the_same_order(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, items = choice_items(app)
    path = f"/lessons/{lesson.slug}/quiz"
    page = every_question(client, app, lesson.slug)
    item = items[0]
    response = client.post(
        f"{path}/{item.id}", data={}, headers={**HTMX, "X-CSRF-Token": csrf_token(client, path)}
    )
    assert response.status_code == 422
    assert form_order(response.text, item) == form_order(page, item)
