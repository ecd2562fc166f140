"""A quiz's pages: one question at a time, and a summary at the end.

Each question has a page of its own (`/lessons/<slug>/quiz/<item id>`), with "Question 3 of 7",
the question, and links to the previous and next one; the quiz's own address shows the first
question not yet answered, or the summary once all are. The summary counts the answers that
were right first time (the first answer is the one that counts, see queries.py), lists every
question with its mark and a link back, and repeats what to remember. It never compares a
learner with anyone, and nothing is timed. All of it is plain links and forms: no JavaScript
needed. A teacher's preview keeps every question on one page (course/schools/preview_routes.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Engine

from course.content.schema import BranchingItem, Catalogue, Item, Lesson, Quiz
from course.db import read_session
from course.learning.progress import KnownLearner, lesson_statuses
from course.quizzes import queries
from course.quizzes.items import item_view, shuffle_key
from course.web import render, url_path


@dataclass(frozen=True)
class Move:
    """Where a question sits in its quiz, and the links either side of it."""

    number: int
    total: int
    previous: str | None  # the previous question's page, none for the first
    next: str | None  # the next question's page, none for the last
    summary: str
    answered: bool  # this question is answered (the next link then reads "Next question")


def quiz_of(catalogue: Catalogue, lesson: Lesson) -> Quiz | None:
    """The lesson's quiz, if it has one."""
    return catalogue.quiz(lesson.quiz) if lesson.quiz else None


def item_page_path(request: Request, lesson: Lesson, item: Item) -> str:
    """The page of one question."""
    return url_path(request, "show_quiz_item", slug=lesson.slug, item_id=item.id)


def move_for(
    request: Request, lesson: Lesson, items: tuple[Item, ...], item: Item, answered: bool
) -> Move:
    """The question's place in the quiz and its neighbours' pages."""
    index = items.index(item)
    before = items[index - 1] if index > 0 else None
    after = items[index + 1] if index + 1 < len(items) else None
    return Move(
        number=index + 1,
        total=len(items),
        previous=item_page_path(request, lesson, before) if before else None,
        next=item_page_path(request, lesson, after) if after else None,
        summary=url_path(request, "show_quiz_summary", slug=lesson.slug),
        answered=answered,
    )


def answered_items(engine: Engine, learner: KnownLearner, items: tuple[Item, ...]) -> set[str]:
    """The items this learner has answered (a chat counts once it has reached an ending)."""
    with read_session(engine) as session:
        marks = queries.answer_marks(learner.id, [item.id for item in items], session=session)
    return set(marks)


def one_item_view(
    engine: Engine,
    learner: KnownLearner,
    quiz: Quiz,
    item: Item,
    error: tuple[str, dict[str, str]] | None = None,
) -> tuple[dict[str, Any], bool]:
    """One item's view for this learner, from their stored answer or path, and whether it is
    answered (a chat is, once it has reached an ending: its answer is stored then)."""
    with read_session(engine) as session:
        stored = queries.choice_if_answered(learner.id, item.id, session=session)
        path: tuple[str, ...] = ()
        if isinstance(item, BranchingItem):
            path = queries.scenario_paths(learner.id, [item.id], session=session).get(item.id, ())
    message, submitted = error if error else (None, {})
    key = shuffle_key(learner.id, quiz.slug, item.id)
    view = item_view(item, stored, path, message, key=key)
    return {**view, "submitted": submitted}, stored is not None


def page_context(
    catalogue: Catalogue, engine: Engine, learner: KnownLearner, lesson: Lesson, quiz: Quiz
) -> dict[str, Any]:
    """What every quiz page shows around its content: the lessons, with the learner's marks,
    and what comes next."""
    lessons = catalogue.lessons_for(learner.age_band)
    return {
        "finished": lesson_statuses(engine, learner.id),
        "lesson": lesson,
        "quiz": quiz,
        "lessons": lessons,
        "position": lessons.index(lesson) + 1,
        "next_lesson": catalogue.next_lesson(lesson.slug, learner.age_band),
        "age_band": learner.age_band,
        "in_class": learner.class_id is not None,
    }


def item_page(
    request: Request,
    catalogue: Catalogue,
    engine: Engine,
    learner: KnownLearner,
    lesson: Lesson,
    quiz: Quiz,
    item: Item,
    error: tuple[str, dict[str, str]] | None = None,
) -> Response:
    """The page of one question: answered or not, or with the error of a rejected answer."""
    view, answered = one_item_view(engine, learner, quiz, item, error)
    items = quiz.items_for(learner.age_band)
    context = {
        **page_context(catalogue, engine, learner, lesson, quiz),
        **view,
        "move": move_for(request, lesson, items, item, answered),
    }
    return render(request, "quizzes/quiz.html", context, status_code=422 if error else 200)


@dataclass(frozen=True)
class Mark:
    """One question in the summary: its page, and whether it was right the first time."""

    item: Item
    path: str
    answered: bool
    right: bool


def summary_page(
    request: Request,
    catalogue: Catalogue,
    engine: Engine,
    learner: KnownLearner,
    lesson: Lesson,
    quiz: Quiz,
) -> Response:
    """How the quiz went: right first time out of all, what is left, and what to remember."""
    items = quiz.items_for(learner.age_band)
    with read_session(engine) as session:
        stored = queries.answer_marks(learner.id, [item.id for item in items], session=session)
    marks = [
        Mark(
            item,
            item_page_path(request, lesson, item),
            item.id in stored,
            stored.get(item.id, False),
        )
        for item in items
    ]
    context = {
        **page_context(catalogue, engine, learner, lesson, quiz),
        "marks": marks,
        "right": sum(mark.right for mark in marks),
        "left": [mark for mark in marks if not mark.answered],
    }
    return render(request, "quizzes/summary.html", context)


def first_unanswered(engine: Engine, learner: KnownLearner, items: tuple[Item, ...]) -> Item | None:
    """The first question this learner has not answered yet, if any."""
    answered = answered_items(engine, learner, items)
    return next((item for item in items if item.id not in answered), None)
