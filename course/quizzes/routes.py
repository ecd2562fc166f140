"""Quiz routes: one question per page (pages.py), each a form that works without JavaScript;
htmx swaps just the item."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from course.content.schema import BranchingItem, Catalogue, Item, Lesson, Quiz
from course.deps import CatalogueDep, EngineDep
from course.learning.deps import CurrentLearner, lesson_or_404, required_learner
from course.learning.progress import KnownLearner
from course.quizzes import answering, pages
from course.quizzes.answering import ChatResult, Where
from course.quizzes.grading import ORDER_FIELD, InvalidChoice
from course.quizzes.items import item_view, read_submission, shuffle_key
from course.security.forms import DeclaredForm
from course.web import is_htmx, render

router = APIRouter(
    prefix="/lessons/{slug}/quiz", dependencies=[Depends(required_learner)], tags=["quizzes"]
)


# What each form carries: an answer (options ticked, parts marked, or a position per step), a
# decision in a chat (at the step it was drawn at), a step back. Only these fields are read.
ANSWER_FORM = DeclaredForm(repeated=("choice", "part"), prefix=ORDER_FIELD.format(""))
DECISION_FORM = DeclaredForm(single=("choice", "step"))
BACK_FORM = DeclaredForm(single=("step",))
Fields = dict[str, list[str]]


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
    """After a submission: the item fragment for htmx, else its page (or a redirect to it).

    The fragment is drawn from what the write returned (`stored`, `path`), not read back."""
    quiz = quiz_or_404(catalogue, lesson)
    if not is_htmx(request):
        if error:
            return pages.item_page(request, catalogue, engine, learner, lesson, quiz, item, error)
        page = pages.item_page_path(request, lesson, item)
        return RedirectResponse(f"{page}#item-{item.id}", status_code=303)
    message: str | None = error[0] if error else None
    submitted: dict[str, str] = error[1] if error else {}
    key = shuffle_key(learner.id, quiz.slug, item.id)
    view = item_view(item, stored, path, message, key=key)
    scenario = view.get("scenario")
    answered = stored is not None or (scenario is not None and scenario.node.ending is not None)
    items = quiz.items_for(learner.age_band)
    context = {
        "lesson": lesson,
        "age_band": learner.age_band,
        **view,
        "submitted": submitted,
        "move": pages.move_for(request, lesson, items, item, answered),
    }
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
    """The questions that follow a lesson: the first not yet answered, else the summary."""
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    quiz = quiz_or_404(catalogue, lesson)
    item = pages.first_unanswered(engine, learner, quiz.items_for(learner.age_band))
    if item is None:
        return pages.summary_page(request, catalogue, engine, learner, lesson, quiz)
    return pages.item_page(request, catalogue, engine, learner, lesson, quiz, item)


@router.get("/summary")
def show_quiz_summary(
    request: Request,
    slug: str,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """How the quiz went, what is left to answer, and what to remember."""
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    quiz = quiz_or_404(catalogue, lesson)
    return pages.summary_page(request, catalogue, engine, learner, lesson, quiz)


@router.get("/{item_id}")
def show_quiz_item(
    request: Request,
    slug: str,
    item_id: str,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """One question of the quiz, answered or not."""
    lesson, quiz, item = find_item(catalogue, slug, item_id, learner.age_band)
    return pages.item_page(request, catalogue, engine, learner, lesson, quiz, item)


@router.post("/{item_id}", openapi_extra=ANSWER_FORM.openapi())
def answer_item(
    request: Request,
    slug: str,
    item_id: str,
    form: Annotated[Fields, Depends(ANSWER_FORM.read)],
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


def submitted_step(form: Fields) -> int:
    """The step number a scenario form was rendered at (-1 when missing or garbled)."""
    value = (form.get("step") or ["-1"])[-1]
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else -1


@router.post("/{item_id}/choose", openapi_extra=DECISION_FORM.openapi())
def choose_in_scenario(
    request: Request,
    slug: str,
    item_id: str,
    form: Annotated[Fields, Depends(DECISION_FORM.read)],
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """Take one decision in a branching chat; a repeat of the same step stores nothing new."""
    lesson, where, item = branching_item(catalogue, slug, item_id, learner)
    choice = (form.get("choice") or [""])[-1]
    result = answering.take_decision(engine, where, item, submitted_step(form), choice)
    return chat_response(request, catalogue, engine, learner, lesson, item, result)


@router.post("/{item_id}/back", openapi_extra=BACK_FORM.openapi())
def step_back_in_scenario(
    request: Request,
    slug: str,
    item_id: str,
    form: Annotated[Fields, Depends(BACK_FORM.read)],
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
