"""Completion that tells the truth: completed only when every question of the learner's band is
answered (or Next on a lesson without questions), skipped when skipped, and a completion page
that names what is left and links to it."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from course.content.schema import BranchingItem, ChoiceItem, Item, OrderItem, RedFlagsItem
from course.quizzes import scenarios
from tests.pages import csrf_token, start_learner


def statuses(app: FastAPI) -> dict[str, str]:
    """Every lesson status stored, by lesson slug."""
    with app.state.engine.connect() as connection:
        rows = connection.execute(text("SELECT lesson_slug, status FROM lesson_progress"))
        return {row.lesson_slug: row.status for row in rows}


def answer(client: TestClient, slug: str, item: Item, token: str) -> None:
    """Answer one item with whatever comes first (right or wrong makes no difference here)."""
    base = f"/lessons/{slug}/quiz/{item.id}"
    if isinstance(item, ChoiceItem):
        data = {"choice": item.options[0].id}
    elif isinstance(item, RedFlagsItem):
        data = {"part": item.parts()[0].id}
    elif isinstance(item, OrderItem):
        data = {f"position-{step.id}": str(n) for n, step in enumerate(item.steps, start=1)}
    else:
        assert isinstance(item, BranchingItem), item.type
        state = scenarios.start(item)
        while state.node.ending is None:
            choice = scenarios.available_choices(item, state)[0].id
            step = str(len(state.choices))
            response = client.post(
                f"{base}/choose", data={"choice": choice, "step": step, "csrf_token": token}
            )
            assert response.status_code == 303, response.text
            state = scenarios.choose(item, state, choice)
        return
    response = client.post(base, data={**data, "csrf_token": token})
    assert response.status_code == 303, response.text


def items_of(app: FastAPI, slug: str, band: str) -> tuple[Item, ...]:
    catalogue = app.state.catalogue
    return catalogue.quiz(catalogue.lesson(slug).quiz).items_for(band)


def test_next_lesson_with_nothing_answered_is_not_completed(
    client: TestClient, app: FastAPI
) -> None:
    first = start_learner(client)
    slug = first.removeprefix("/lessons/")
    response = client.post(f"{first}/complete", data={"csrf_token": csrf_token(client, first)})
    assert response.status_code == 303
    assert statuses(app) == {slug: "unfinished"}


def test_answering_every_item_of_the_band_completes_the_lesson(
    client: TestClient, app: FastAPI
) -> None:
    first = start_learner(client, "14-18")
    slug = first.removeprefix("/lessons/")
    token = csrf_token(client, first)
    *most, last = items_of(app, slug, "14-18")
    for item in most:
        answer(client, slug, item, token)
    assert statuses(app) == {}  # one item still to answer: not completed
    answer(client, slug, last, token)
    assert statuses(app) == {slug: "completed"}
    client.post(f"{first}/complete", data={"csrf_token": token})
    assert statuses(app) == {slug: "completed"}  # Next afterwards keeps it completed


def test_a_chat_ending_can_complete_a_lesson_after_it_was_skipped(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client, "11-13")
    slug = "helping-a-friend"
    token = csrf_token(client, f"/lessons/{slug}")
    client.post(f"/lessons/{slug}/skip", data={"csrf_token": token})
    assert statuses(app) == {slug: "skipped"}
    items = items_of(app, slug, "11-13")
    assert isinstance(items[0], BranchingItem)
    for item in (*items[1:], items[0]):  # the chat's ending is the last answer
        answer(client, slug, item, token)
    assert statuses(app) == {slug: "completed"}


def test_completion_page_after_skipping_names_what_is_left_and_links_to_it(
    client: TestClient, app: FastAPI
) -> None:
    path = start_learner(client, "adult")
    token = csrf_token(client, path)
    lessons = app.state.catalogue.lessons_for("adult")
    client.post(f"/lessons/{lessons[0].slug}/skip", data={"csrf_token": token})
    client.post(f"/lessons/{lessons[1].slug}/complete", data={"csrf_token": token})
    page = client.get("/complete")
    assert page.status_code == 200
    assert "You have finished the course" not in page.text
    assert "more than most people" not in page.text
    assert "You have reached the end of the course" in page.text
    assert f"are {len(lessons)} lessons you have not finished" not in page.text
    assert "You have not finished any lessons yet" in page.text
    assert (
        f'<a href="/lessons/{lessons[0].slug}">{lessons[0].title}</a> <span class="muted">(skipped'
        in page.text
    )
    quiz_link = f'<a href="/lessons/{lessons[1].slug}/quiz">{lessons[1].title}</a>'
    assert f'{quiz_link} <span class="muted">(not finished' in page.text
    assert "(not started)" in page.text


def test_completion_page_says_finished_only_when_every_lesson_is_completed(
    client: TestClient, app: FastAPI
) -> None:
    path = start_learner(client, "14-18")
    token = csrf_token(client, path)
    lessons = app.state.catalogue.lessons_for("14-18")
    for lesson in lessons[:-1]:
        for item in items_of(app, lesson.slug, "14-18"):
            answer(client, lesson.slug, item, token)
    page = client.get("/complete")
    assert "There is 1 lesson you have not finished" in page.text
    for item in items_of(app, lessons[-1].slug, "14-18"):
        answer(client, lessons[-1].slug, item, token)
    page = client.get("/complete")
    assert "<h1>You have finished the course</h1>" in page.text
    assert page.text.count("(done)") == len(lessons)


def marks_in_lesson_list(html: str) -> dict[str, str]:
    """The lesson list's mark beside each lesson title (its wide copy, for desktops)."""
    wide = html.split('<div class="course-progress__wide">', 1)[1].split("</div>", 1)[0]
    found = re.findall(
        r'<a href="/lessons/([^"]+)">[^<]*</a>(?: <span class="[^"]+">\(([^)]+)\)</span>)?', wide
    )
    return {slug: mark for slug, mark in found if mark}


def test_the_lesson_list_marks_each_learners_own_lessons(client: TestClient, app: FastAPI) -> None:
    first = start_learner(client, "14-18")
    lessons = app.state.catalogue.lessons_for("14-18")
    token = csrf_token(client, first)
    for item in items_of(app, lessons[0].slug, "14-18"):
        answer(client, lessons[0].slug, item, token)
    client.post(f"/lessons/{lessons[1].slug}/skip", data={"csrf_token": token})
    client.post(f"/lessons/{lessons[2].slug}/complete", data={"csrf_token": token})
    expected = {
        lessons[0].slug: "done",
        lessons[1].slug: "skipped",
        lessons[2].slug: "not finished",
    }
    for page in (f"/lessons/{lessons[3].slug}", f"/lessons/{lessons[3].slug}/quiz"):
        assert marks_in_lesson_list(client.get(page).text) == expected, page
    # The lesson page is cached per lesson and band: another learner sees their own marks.
    with TestClient(app, follow_redirects=False) as someone_else:
        start_learner(someone_else, "14-18")
        assert marks_in_lesson_list(someone_else.get(f"/lessons/{lessons[3].slug}").text) == {}
