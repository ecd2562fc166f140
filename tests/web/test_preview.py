"""A teacher's preview of lessons and questions in any age band: who may see it, the items
answered as a learner's are (fragment with htmx, page without), chats walked by their forms'
path, and not one row written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, inspect, text

from course.content.schema import (
    AUDIENCES,
    BranchingItem,
    ChoiceItem,
    Item,
    Lesson,
    OrderItem,
    RedFlagsItem,
)
from course.quizzes import scenarios
from tests.pages import csrf_token, start_learner
from tests.scenario_helpers import reachable_states
from tests.schools import sign_in_teacher

HTMX = {"HX-Request": "true"}
BANNER = "Preview: nothing you do here is saved."
SIGN_IN = "/teachers/sign-in"
ItemType = TypeVar("ItemType", ChoiceItem, RedFlagsItem, OrderItem, BranchingItem)


def find(app: FastAPI, kind: type[ItemType], band: str = "14-18") -> tuple[Lesson, ItemType]:
    """The first item of a type that this band sees, and its lesson."""
    catalogue = app.state.catalogue
    for lesson in catalogue.lessons_for(band):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        for item in quiz.items_for(band) if quiz else ():
            if isinstance(item, kind):
                return lesson, item
    raise AssertionError(f"no {kind.__name__} for {band} in the shipped course")


def quiz_path(lesson: Lesson, band: str = "14-18") -> str:
    return f"/teachers/preview/{band}/lessons/{lesson.slug}/quiz"


def item_path(lesson: Lesson, item: Item, action: str = "", band: str = "14-18") -> str:
    return f"{quiz_path(lesson, band)}/{item.id}" + (f"/{action}" if action else "")


def post(client: TestClient, lesson: Lesson, path: str, data: dict[str, object], htmx: bool):  # type: ignore[no-untyped-def]
    """POST a preview form with its CSRF token, as a browser with or without htmx would."""
    token = csrf_token(client, quiz_path(lesson))
    if htmx:
        return client.post(path, data=data, headers={**HTMX, "X-CSRF-Token": token})
    return client.post(path, data={**data, "csrf_token": token})


def chat_path(html: str, item: BranchingItem) -> list[str]:
    """The path the item's choice (or back) form carries."""
    section = html[html.index(f'id="item-{item.id}"') :]
    form = section[: section.index("</form>")]
    return re.findall(r'name="path" value="([^"]*)"', form)


@pytest.fixture
def teacher(client: TestClient, app: FastAPI) -> TestClient:
    sign_in_teacher(client, app)
    return client


def gets(app: FastAPI) -> list[str]:
    lesson, _ = find(app, ChoiceItem)
    return [
        "/teachers/preview",
        f"/teachers/preview/14-18/lessons/{lesson.slug}",
        quiz_path(lesson),
    ]


def every_route(app: FastAPI) -> list[tuple[str, str]]:
    lesson, choice = find(app, ChoiceItem)
    chat_lesson, chat = find(app, BranchingItem)
    posts = [item_path(lesson, choice)] + [
        item_path(chat_lesson, chat, action) for action in ("choose", "back", "restart")
    ]
    return [("GET", path) for path in gets(app)] + [("POST", path) for path in posts]


# Who may see it


def test_every_preview_page_works_for_a_teacher(teacher: TestClient, app: FastAPI) -> None:
    for path in gets(app):
        response = teacher.get(path)
        assert response.status_code == 200, path
        assert BANNER in response.text, path
        assert "Signed in as Ms Khan" in response.text, path


@pytest.mark.parametrize("who", ["nobody", "learner"])
def test_anyone_but_a_teacher_is_sent_to_sign_in(
    client: TestClient, app: FastAPI, who: str
) -> None:
    if who == "learner":
        start_learner(client)
    token = csrf_token(client)
    for method, path in every_route(app):
        response = client.request(
            method, path, data={"csrf_token": token} if method == "POST" else None
        )
        assert response.status_code == 303, (method, path)
        assert response.headers["location"] == SIGN_IN, (method, path)


def test_unknown_band_lesson_or_item_is_not_found(teacher: TestClient, app: FastAPI) -> None:
    lesson, item = find(app, ChoiceItem)
    assert teacher.get(f"/teachers/preview/9-10/lessons/{lesson.slug}").status_code == 404
    assert teacher.get("/teachers/preview/14-18/lessons/no-such-lesson/quiz").status_code == 404
    assert post(teacher, lesson, f"{quiz_path(lesson)}/no-such-item", {}, True).status_code == 404
    # A choice item has no chat to choose in.
    assert post(teacher, lesson, item_path(lesson, item, "choose"), {}, True).status_code == 404


# The guide's way in


def test_the_guide_links_the_class_tools_the_preview_and_the_film(client: TestClient) -> None:
    guide = client.get("/teachers/guide").text
    for href in ("/teachers/classes", "/teachers/preview", "/film", "/film#film-talk-heading"):
        assert f'href="{href}"' in guide, href
    film = client.get("/film")
    assert film.status_code == 200 and 'id="film-talk-heading"' in film.text


# The pages


def test_the_picker_links_every_lesson_of_every_band(teacher: TestClient, app: FastAPI) -> None:
    page = teacher.get("/teachers/preview").text
    for band in AUDIENCES:
        for lesson in app.state.catalogue.lessons_for(band):
            assert f'href="/teachers/preview/{band}/lessons/{lesson.slug}"' in page
            if lesson.quiz:
                assert f'href="/teachers/preview/{band}/lessons/{lesson.slug}/quiz"' in page


@pytest.mark.parametrize("band", AUDIENCES)
def test_a_lesson_preview_shows_the_bands_body_and_nothing_to_store(
    teacher: TestClient, app: FastAPI, band: str
) -> None:
    for lesson in app.state.catalogue.lessons_for(band):
        page = teacher.get(f"/teachers/preview/{band}/lessons/{lesson.slug}").text
        assert f"<h1>{lesson.title}</h1>" in page
        assert BANNER in page
        assert "data-film-started" not in page and "data-film-finished" not in page
        assert "/complete" not in page and "/skip" not in page  # no learner's finish or skip
        assert 'href="/lessons/' not in page  # every lesson link stays in the preview
        if lesson.quiz:
            assert f'href="{quiz_path(lesson, band)}"' in page


def test_a_lesson_preview_shows_what_that_band_reads(teacher: TestClient, app: FastAPI) -> None:
    catalogue = app.state.catalogue
    for lesson in catalogue.lessons:
        bodies = {band: lesson.html_for(band) for band in lesson.audiences}
        if len(set(bodies.values())) > 1:
            for band, body in bodies.items():
                page = teacher.get(f"/teachers/preview/{band}/lessons/{lesson.slug}").text
                first_paragraph = re.search(r"<p>(.+?)</p>", body)
                assert first_paragraph and first_paragraph.group(1) in page, band
            return
    pytest.skip("no lesson differs between bands")


def test_every_form_on_a_preview_quiz_posts_to_the_preview(
    teacher: TestClient, app: FastAPI
) -> None:
    lesson, _ = find(app, BranchingItem)
    page = teacher.get(quiz_path(lesson)).text
    actions = re.findall(r'<form method="post" action="([^"]+)"', page)
    items = [action for action in actions if "/quiz/" in action]
    assert items
    assert all(action.startswith(quiz_path(lesson) + "/") for action in items), items
    assert 'hx-post="/lessons/' not in page and 'action="/lessons/' not in page


# Answering


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_a_right_answer_shows_the_feedback(teacher: TestClient, app: FastAPI, htmx: bool) -> None:
    lesson, item = find(app, ChoiceItem)
    right = [option.id for option in item.options if option.correct]
    response = post(teacher, lesson, item_path(lesson, item), {"choice": right}, htmx)
    assert response.status_code == 200
    assert f'id="item-{item.id}-feedback"' in response.text
    assert "That’s right." in response.text
    if htmx:
        assert "<html" not in response.text
        assert response.text.lstrip().startswith(
            f'<section class="quiz-item quiz-item--{item.type}"'
        )
    else:
        assert "<html" in response.text and BANNER in response.text
        others = app.state.catalogue.quiz(lesson.quiz).items_for("14-18")
        assert response.text.count('<section class="quiz-item') == len(others)


def test_an_item_can_be_answered_again_and_again(teacher: TestClient, app: FastAPI) -> None:
    lesson, item = find(app, ChoiceItem)
    wrong = next(option.id for option in item.options if not option.correct)
    right = next(option.id for option in item.options if option.correct)
    for choice, verdict in ((wrong, "Your answer, not right"), (right, "Your answer, right")):
        response = post(teacher, lesson, item_path(lesson, item), {"choice": [choice]}, True)
        assert response.status_code == 200 and verdict in response.text
    assert f'id="item-{item.id}-feedback"' not in teacher.get(quiz_path(lesson)).text


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_an_empty_answer_asks_again(teacher: TestClient, app: FastAPI, htmx: bool) -> None:
    lesson, item = find(app, RedFlagsItem)
    response = post(teacher, lesson, item_path(lesson, item), {}, htmx)
    assert response.status_code == 422
    assert f'id="item-{item.id}-error"' in response.text
    assert ("<html" in response.text) is not htmx
    if not htmx:
        assert "<title>Error: Preview:" in response.text


@pytest.mark.parametrize("kind", [RedFlagsItem, OrderItem])
def test_scenario_items_are_graded_like_the_learners(
    teacher: TestClient, app: FastAPI, kind: type[RedFlagsItem] | type[OrderItem]
) -> None:
    lesson, item = find(app, kind)
    if isinstance(item, RedFlagsItem):
        flags = [part.id for part in item.parts() if part.flag]
        data: dict[str, object] = {"part": flags}
        verdict = f"You found {len(flags)} of {len(flags)} warning signs."
    else:
        data = {f"position-{step.id}": str(n) for n, step in enumerate(item.steps, start=1)}
        verdict = "That’s right. Your steps are in a good order."
    response = post(teacher, lesson, item_path(lesson, item), data, True)
    assert response.status_code == 200 and verdict in response.text


# Branching chats


def ending_path(item: BranchingItem) -> tuple[str, ...]:
    """The shortest way to an ending that takes at least two choices."""
    return next(s.choices for s in reachable_states(item) if s.node.ending and len(s.choices) > 1)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_a_chat_is_walked_to_an_ending_back_a_step_and_restarted(
    teacher: TestClient, app: FastAPI, htmx: bool
) -> None:
    lesson, item = find(app, BranchingItem)
    path = ending_path(item)
    state = scenarios.start(item)
    page = teacher.get(quiz_path(lesson)).text
    assert chat_path(page, item) == []
    for choice_id in path:
        sent = {"path": list(state.choices), "step": str(len(state.choices)), "choice": choice_id}
        response = post(teacher, lesson, item_path(lesson, item, "choose"), sent, htmx)
        assert response.status_code == 200
        assert ("<html" in response.text) is not htmx
        state = scenarios.choose(item, state, choice_id)
        if state.node.ending is None:
            assert chat_path(response.text, item) == list(state.choices)
    assert "A safe ending" in response.text or "A risky ending" in response.text
    assert state.node.title in response.text
    assert "Start the chat again" in response.text
    assert chat_path(response.text, item) == list(path)  # the back form, at the ending

    back = post(teacher, lesson, item_path(lesson, item, "back"), {"path": list(path)}, htmx)
    assert back.status_code == 200
    assert chat_path(back.text, item) == list(path[:-1])
    assert "Start the chat again" not in back.text

    again = post(teacher, lesson, item_path(lesson, item, "restart"), {}, htmx)
    assert again.status_code == 200
    assert chat_path(again.text, item) == []
    assert (
        "Go back a step" not in again.text.split(f'id="item-{item.id}"')[1].split("</section>")[0]
    )


def test_a_choice_not_offered_is_refused_and_the_path_kept(
    teacher: TestClient, app: FastAPI
) -> None:
    lesson, item = find(app, BranchingItem)
    first = scenarios.available_choices(item, scenarios.start(item))[0].id
    sent = {"path": [first], "choice": "not-a-choice"}
    response = post(teacher, lesson, item_path(lesson, item, "choose"), sent, True)
    assert response.status_code == 422
    assert scenarios.NOT_OFFERED in response.text
    assert chat_path(response.text, item) == [first]


def test_a_garbled_path_is_followed_as_far_as_it_fits(teacher: TestClient, app: FastAPI) -> None:
    lesson, item = find(app, BranchingItem)
    first = scenarios.available_choices(item, scenarios.start(item))[0].id
    sent = {"path": [first, "nonsense", first]}
    response = post(teacher, lesson, item_path(lesson, item, "back"), sent, True)
    assert response.status_code == 200 and chat_path(response.text, item) == []


# Nothing stored


# The rate limits count every post, a preview's too (under a keyed hash of the address, for
# under two minutes): that is the limiter's, not anything the preview keeps.
LIMITER = "rate_count"


def row_counts(app: FastAPI) -> dict[str, int]:
    engine = app.state.engine
    tables = [table for table in inspect(engine).get_table_names() if table != LIMITER]
    with engine.connect() as connection:
        return {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
        }


@contextmanager
def writes(app: FastAPI) -> Iterator[list[str]]:
    """Every INSERT, UPDATE or DELETE the app's engine runs inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement: str, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if LIMITER in statement:
            return
        if statement.lstrip().split(None, 1)[0].upper() in (
            "INSERT",
            "UPDATE",
            "DELETE",
            "REPLACE",
        ):
            seen.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_a_whole_preview_stores_nothing(teacher: TestClient, app: FastAPI, htmx: bool) -> None:
    start_learner(teacher)  # a teacher who tried the course on this browser is no different
    lesson, choice = find(app, ChoiceItem)
    chat_lesson, chat = find(app, BranchingItem)
    path = ending_path(chat)
    tokens = {lesson.slug: csrf_token(teacher, quiz_path(lesson))}
    tokens[chat_lesson.slug] = csrf_token(teacher, quiz_path(chat_lesson))
    before = row_counts(app)
    assert before["learner"] == 1 and before["teacher_session"] == 1

    def send(form_lesson: Lesson, path_: str, data: dict[str, object]) -> int:
        token = tokens[form_lesson.slug]
        if htmx:
            headers = {**HTMX, "X-CSRF-Token": token}
            return teacher.post(path_, data=data, headers=headers).status_code
        return teacher.post(path_, data={**data, "csrf_token": token}).status_code

    with writes(app) as statements:
        for get in [*gets(app), quiz_path(chat_lesson)]:
            assert teacher.get(get).status_code == 200
        right = [option.id for option in choice.options if option.correct]
        assert send(lesson, item_path(lesson, choice), {"choice": right}) == 200
        assert send(lesson, item_path(lesson, choice), {}) == 422
        for n, choice_id in enumerate(path):
            form = {"path": list(path[:n]), "choice": choice_id}
            assert send(chat_lesson, item_path(chat_lesson, chat, "choose"), form) == 200
        assert send(chat_lesson, item_path(chat_lesson, chat, "back"), {"path": list(path)}) == 200
        assert send(chat_lesson, item_path(chat_lesson, chat, "restart"), {}) == 200
    assert statements == []
    assert row_counts(app) == before
