"""Quiz pages: every item is a form that works without JavaScript; htmx swaps just the item."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from course.content.schema import BranchingItem, Catalogue, Item, Lesson, Quiz
from course.db import read_session
from course.deps import CatalogueDep, EngineDep
from course.learning.deps import CurrentLearner, lesson_or_404, required_learner
from course.learning.progress import KnownLearner
from course.quizzes import answering, queries
from course.quizzes.answering import ChatResult, Where
from course.quizzes.grading import InvalidChoice
from course.quizzes.items import item_view, read_submission, shuffle_key
from course.web import is_htmx, render, url_path

router = APIRouter(
    prefix="/lessons/{slug}/quiz", dependencies=[Depends(required_learner)], tags=["quizzes"]
)


async def read_form(request: Request) -> dict[str, list[str]]:
    """The submitted form as lists of strings (files are never accepted)."""
    form = await request.form()
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}


FormDep = Annotated[dict[str, list[str]], Depends(read_form)]


def quiz_or_404(catalogue: Catalogue, lesson: Lesson) -> Quiz:
    """The lesson's quiz, or a 404 when it has none."""
    quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
    if quiz is None:
        raise HTTPException(status_code=404)
    return quiz


def find_item(
    catalogue: Catalogue, slug: str, item_id: str, age_band: str
) -> tuple[Lesson, Quiz, Item]:
    """The lesson, quiz and item a submission is for, or a 404."""
    lesson = lesson_or_404(catalogue, slug, age_band)
    quiz = quiz_or_404(catalogue, lesson)
    item = next((i for i in quiz.items_for(age_band) if i.id == item_id), None)
    if item is None:
        raise HTTPException(status_code=404)
    return lesson, quiz, item


def where_for(catalogue: Catalogue, lesson: Lesson, quiz: Quiz, learner: KnownLearner) -> Where:
    """Where an answer is written: with the lesson and its band's items, to see it completed."""
    band_items = tuple(item.id for item in quiz.items_for(learner.age_band))
    return Where(learner.id, quiz.slug, catalogue.version, lesson.slug, band_items)


def item_views(
    engine: Engine,
    learner: KnownLearner,
    quiz: Quiz,
    items: tuple[Item, ...],
    errors: dict[str, Any],
) -> list[dict[str, Any]]:
    """Every item's view for this learner, from their stored answers and paths, with the
    options in this learner's order."""
    ids = [item.id for item in items]
    branching = [item.id for item in items if isinstance(item, BranchingItem)]
    with read_session(engine) as session:
        stored = queries.stored_answers(learner.id, ids, session=session)
        paths = queries.scenario_paths(learner.id, branching, session=session)
    views = []
    for item in items:
        error, submitted = errors.get(item.id, (None, {}))
        key = shuffle_key(learner.id, quiz.slug, item.id)
        view = item_view(item, stored.get(item.id), paths.get(item.id, ()), error, key=key)
        views.append({**view, "submitted": submitted})
    return views


def quiz_page(
    request: Request,
    catalogue: Catalogue,
    engine: Engine,
    learner: KnownLearner,
    lesson: Lesson,
    errors: dict[str, Any] | None = None,
) -> Response:
    """The full quiz page, each item answered or not."""
    quiz = quiz_or_404(catalogue, lesson)
    lessons = catalogue.lessons_for(learner.age_band)
    context = {
        "lesson": lesson,
        "quiz": quiz,
        "lessons": lessons,
        "position": lessons.index(lesson) + 1,
        "items": item_views(engine, learner, quiz, quiz.items_for(learner.age_band), errors or {}),
        "next_lesson": catalogue.next_lesson(lesson.slug, learner.age_band),
        "age_band": learner.age_band,
        "in_class": learner.class_id is not None,
    }
    return render(request, "quizzes/quiz.html", context, status_code=422 if errors else 200)


def item_response(
    request: Request,
    catalogue: Catalogue,
    engine: Engine,
    learner: KnownLearner,
    lesson: Lesson,
    item: Item,
    *,
    stored: str | None = None,
    path: tuple[str, ...] = (),
    error: tuple[str, dict[str, str]] | None = None,
) -> Response:
    """After a submission: the item fragment for htmx, else the page (or a redirect to it).

    The fragment is drawn from what the write returned (`stored`, `path`), not read back."""
    if not is_htmx(request):
        if error:
            return quiz_page(request, catalogue, engine, learner, lesson, {item.id: error})
        page = url_path(request, "show_quiz", slug=lesson.slug)
        return RedirectResponse(f"{page}#item-{item.id}", status_code=303)
    message: str | None = error[0] if error else None
    submitted: dict[str, str] = error[1] if error else {}
    key = shuffle_key(learner.id, quiz_or_404(catalogue, lesson).slug, item.id)
    view = item_view(item, stored, path, message, key=key)
    context = {"lesson": lesson, "age_band": learner.age_band, **view, "submitted": submitted}
    return render(request, "quizzes/_item.html", context, status_code=422 if error else 200)


def chat_response(
    request: Request,
    catalogue: Catalogue,
    engine: Engine,
    learner: KnownLearner,
    lesson: Lesson,
    item: Item,
    result: ChatResult,
) -> Response:
    """The branching item after a decision, from the path the use case returned."""
    error: tuple[str, dict[str, str]] | None = (result.error, {}) if result.error else None
    return item_response(
        request, catalogue, engine, learner, lesson, item, path=result.path, error=error
    )


@router.get("")
def show_quiz(
    request: Request,
    slug: str,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """The questions that follow a lesson."""
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    return quiz_page(request, catalogue, engine, learner, lesson)


@router.post("/{item_id}")
def answer_item(
    request: Request,
    slug: str,
    item_id: str,
    form: FormDep,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """Check an answer, store it once, and show the feedback."""
    lesson, quiz, item = find_item(catalogue, slug, item_id, learner.age_band)
    try:
        submission = read_submission(item, form)
    except InvalidChoice as problem:
        submitted = {name: values[-1] for name, values in form.items() if values}
        return item_response(
            request, catalogue, engine, learner, lesson, item, error=(str(problem), submitted)
        )
    where = where_for(catalogue, lesson, quiz, learner)
    stored = answering.submit_answer(engine, where, item.id, submission)
    return item_response(request, catalogue, engine, learner, lesson, item, stored=stored)


def branching_item(
    catalogue: Catalogue, slug: str, item_id: str, learner: KnownLearner
) -> tuple[Lesson, Where, BranchingItem]:
    """The branching item a decision is for (or a 404), and where its writes go."""
    lesson, quiz, item = find_item(catalogue, slug, item_id, learner.age_band)
    if not isinstance(item, BranchingItem):
        raise HTTPException(status_code=404)
    return lesson, where_for(catalogue, lesson, quiz, learner), item


def submitted_step(form: dict[str, list[str]]) -> int:
    """The step number a scenario form was rendered at (-1 when missing or garbled)."""
    value = (form.get("step") or ["-1"])[-1]
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else -1


@router.post("/{item_id}/choose")
def choose_in_scenario(
    request: Request,
    slug: str,
    item_id: str,
    form: FormDep,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """Take one decision in a branching chat; a repeat of the same step stores nothing new."""
    lesson, where, item = branching_item(catalogue, slug, item_id, learner)
    choice = (form.get("choice") or [""])[-1]
    result = answering.take_decision(engine, where, item, submitted_step(form), choice)
    return chat_response(request, catalogue, engine, learner, lesson, item, result)


@router.post("/{item_id}/back")
def step_back_in_scenario(
    request: Request,
    slug: str,
    item_id: str,
    form: FormDep,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """Undo the last decision; a repeat of the same request undoes nothing more."""
    lesson, where, item = branching_item(catalogue, slug, item_id, learner)
    result = answering.step_back(engine, where, item, submitted_step(form))
    return chat_response(request, catalogue, engine, learner, lesson, item, result)


@router.post("/{item_id}/restart")
def restart_scenario(
    request: Request,
    slug: str,
    item_id: str,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """Start the chat again from the beginning."""
    lesson, where, item = branching_item(catalogue, slug, item_id, learner)
    result = answering.restart(engine, where, item)
    return chat_response(request, catalogue, engine, learner, lesson, item, result)
