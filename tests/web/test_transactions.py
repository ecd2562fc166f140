"""One write transaction per use case: a failure between two writes keeps neither, and a retry
of the same request then stores exactly what one successful request would have.

The failure is injected in the database driver's path (the next statement that matches raises),
so the code under test runs unchanged, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from course.content.schema import BranchingItem, ChoiceItem, Lesson
from course.quizzes.scenarios import replay
from tests.pages import csrf_token, start_learner
from tests.scenario_helpers import reachable_states


class InjectedFault(Exception):
    """Stands for a crash or a lost connection half-way through a use case."""


@contextmanager
def failing_once(app: FastAPI, statement_start: str) -> Iterator[list[str]]:
    """Make the next statement that starts with `statement_start` fail; yields what failed."""
    engine = app.state.engine
    failed: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not failed and statement.lstrip().upper().startswith(statement_start):
            failed.append(statement)
            raise InjectedFault(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def fragile_client(app: FastAPI) -> Iterator[TestClient]:
    """A client that sees a 500 page instead of the exception, as a browser would."""
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        yield client


def table(app: FastAPI, name: str) -> list[tuple[Any, ...]]:
    """Every row of a table, without its id, in a stable order."""
    with app.state.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {name}")).mappings().all()
    return sorted(tuple(v for k, v in row.items() if k != "id") for row in rows)


def post(client: TestClient, path: str, data: dict[str, str], page: str) -> int:
    """A plain form post with the page's CSRF token; returns the status."""
    token = csrf_token(client, page)
    return client.post(path, data={**data, "csrf_token": token}).status_code


def retried_after_fault(
    app: FastAPI, client: TestClient, fault: str, request: Callable[[], int]
) -> None:
    """Send the request with a fault injected (a 500 that stores nothing), then once more."""
    before = {name: table(app, name) for name in TABLES}
    with failing_once(app, fault) as failed:
        assert request() == 500
    assert failed, f"no statement starting with {fault} ran"
    assert {name: table(app, name) for name in TABLES} == before, "a failed use case kept a write"
    assert request() in (200, 204, 303)


TABLES = ("answer", "scenario_step", "lesson_progress", "film_event")


def first_item(app: FastAPI, kind: type[Any]) -> tuple[Lesson, Any]:
    catalogue = app.state.catalogue
    for lesson in catalogue.lessons_for("14-18"):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        for item in quiz.items_for("14-18") if quiz else ():
            if isinstance(item, kind):
                return lesson, item
    raise AssertionError(f"no {kind.__name__} in the shipped course")


def path_to_an_ending(item: BranchingItem) -> tuple[str, ...]:
    return next(s.choices for s in reachable_states(item) if s.node.ending == "safe")


def walk_chat(
    client: TestClient, lesson: Lesson, item: BranchingItem, path: tuple[str, ...]
) -> int:
    """Take every choice but the last; return the status of posting the last one."""
    page = f"/lessons/{lesson.slug}/quiz"
    url = f"{page}/{item.id}/choose"
    for step, choice in enumerate(path[:-1]):
        assert post(client, url, {"step": str(step), "choice": choice}, page) == 303
    return post(client, url, {"step": str(len(path) - 1), "choice": path[-1]}, page)


def test_chat_final_step_and_answer_are_one_transaction(
    app: FastAPI, fragile_client: TestClient, client: TestClient
) -> None:
    lesson, item = first_item(app, BranchingItem)
    path = path_to_an_ending(item)
    assert replay(item, path).node.ending == "safe"
    # What one successful walk stores, by a learner on another device:
    start_learner(client)
    assert walk_chat(client, lesson, item, path) == 303
    expected = {name: len(table(app, name)) for name in TABLES}
    assert expected["answer"] == 1 and expected["scenario_step"] == len(path)

    start_learner(fragile_client)
    page = f"/lessons/{lesson.slug}/quiz"
    url = f"{page}/{item.id}/choose"
    for step, choice in enumerate(path[:-1]):
        assert post(fragile_client, url, {"step": str(step), "choice": choice}, page) == 303
    last = {"step": str(len(path) - 1), "choice": path[-1]}
    # The crash comes after the step is written and before the answer is.
    retried_after_fault(
        app, fragile_client, "INSERT INTO ANSWER", lambda: post(fragile_client, url, last, page)
    )
    assert {name: len(table(app, name)) for name in TABLES} == {
        name: 2 * count for name, count in expected.items()
    }
    for name in ("scenario_step", "answer"):  # the same rows as the successful learner's
        by_learner: dict[Any, list[tuple[Any, ...]]] = {}
        for row in table(app, name):
            by_learner.setdefault(row[0], []).append(row[1:])
        first, second = by_learner.values()
        assert first == second


def test_an_answer_and_the_last_seen_day_are_one_transaction(
    app: FastAPI, fragile_client: TestClient
) -> None:
    lesson, item = first_item(app, ChoiceItem)
    start_learner(fragile_client)
    page = f"/lessons/{lesson.slug}/quiz"
    data = {"choice": item.options[0].id}
    retried_after_fault(
        app,
        fragile_client,
        "UPDATE LEARNER",
        lambda: post(fragile_client, f"{page}/{item.id}", data, page),
    )
    assert len(table(app, "answer")) == 1


def test_finishing_a_lesson_and_the_last_seen_day_are_one_transaction(
    app: FastAPI, fragile_client: TestClient
) -> None:
    start_learner(fragile_client)
    lesson = app.state.catalogue.lessons_for("14-18")[0]
    page = f"/lessons/{lesson.slug}"
    retried_after_fault(
        app,
        fragile_client,
        "UPDATE LEARNER",
        lambda: post(fragile_client, f"{page}/complete", {}, page),
    )
    # Nothing answered: the lesson is left unfinished (tests/web/test_completion.py)
    assert [row[1:3] for row in table(app, "lesson_progress")] == [(lesson.slug, "unfinished")]


def test_a_film_count_and_the_last_seen_day_are_one_transaction(
    app: FastAPI, fragile_client: TestClient
) -> None:
    start_learner(fragile_client)
    token = csrf_token(fragile_client)

    def count() -> int:
        headers = {"X-CSRF-Token": token}
        return fragile_client.post("/film/events/started", headers=headers).status_code

    retried_after_fault(app, fragile_client, "UPDATE LEARNER", count)
    assert [row[1] for row in table(app, "film_event")] == ["started"]
