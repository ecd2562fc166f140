"""Quiz pages: every item is a form that works without JavaScript; htmx swaps just the item."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from course.content.schema import BranchingItem, Catalogue, Item, Lesson, Quiz
from course.deps import CatalogueDep, CurrentLearnerDep, EngineDep
from course.learning.progress import CurrentLearner
from course.learning.routes import lesson_or_404, next_path
from course.quizzes import answers, scenarios
from course.quizzes.grading import InvalidChoice
from course.quizzes.items import item_view, read_submission
from course.web import is_htmx, render

router = APIRouter()


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


def item_views(
    engine: Engine, learner: CurrentLearner, items: tuple[Item, ...], errors: dict[str, Any]
) -> list[dict[str, Any]]:
    """Every item's view for this learner, from their stored answers and paths."""
    ids = [item.id for item in items]
    stored = answers.stored_answers(engine, learner.id, ids)
    branching = [item.id for item in items if isinstance(item, BranchingItem)]
    paths = answers.scenario_paths(engine, learner.id, branching)
    views = []
    for item in items:
        error, submitted = errors.get(item.id, (None, {}))
        view = item_view(item, stored.get(item.id), paths.get(item.id, ()), error)
        views.append({**view, "submitted": submitted})
    return views


def quiz_page(
    request: Request,
    catalogue: Catalogue,
    engine: Engine,
    learner: CurrentLearner,
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
        "items": item_views(engine, learner, quiz.items_for(learner.age_band), errors or {}),
        "next_path": next_path(catalogue, lesson, learner.age_band),
        "age_band": learner.age_band,
    }
    return render(request, "quizzes/quiz.html", context, status_code=422 if errors else 200)


def item_response(
    request: Request,
    catalogue: Catalogue,
    engine: Engine,
    learner: CurrentLearner,
    lesson: Lesson,
    item: Item,
    error: tuple[str, dict[str, str]] | None = None,
) -> Response:
    """After a submission: the item fragment for htmx, else the page (or a redirect to it)."""
    if not is_htmx(request):
        if error:
            return quiz_page(request, catalogue, engine, learner, lesson, {item.id: error})
        return RedirectResponse(f"/lessons/{lesson.slug}/quiz#item-{item.id}", status_code=303)
    view = item_views(engine, learner, (item,), {item.id: error} if error else {})[0]
    context = {"lesson": lesson, "age_band": learner.age_band, **view}
    return render(request, "quizzes/_item.html", context, status_code=422 if error else 200)


@router.get("/lessons/{slug}/quiz")
def show_quiz(
    request: Request,
    slug: str,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearnerDep,
) -> Response:
    """The questions that follow a lesson."""
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    return quiz_page(request, catalogue, engine, learner, lesson)


@router.post("/lessons/{slug}/quiz/{item_id}")
def answer_item(
    request: Request,
    slug: str,
    item_id: str,
    form: FormDep,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearnerDep,
) -> Response:
    """Check an answer, store it once, and show the feedback."""
    lesson, quiz, item = find_item(catalogue, slug, item_id, learner.age_band)
    try:
        submission = read_submission(item, form)
    except InvalidChoice as problem:
        submitted = {name: values[-1] for name, values in form.items() if values}
        return item_response(
            request, catalogue, engine, learner, lesson, item, (str(problem), submitted)
        )
    answers.submit_answer(
        engine,
        learner.id,
        quiz.slug,
        item.id,
        submission.choice,
        submission.correct,
        catalogue.version,
    )
    return item_response(request, catalogue, engine, learner, lesson, item)


def branching_item(
    catalogue: Catalogue, slug: str, item_id: str, age_band: str
) -> tuple[Lesson, Quiz, BranchingItem]:
    """The branching item a decision is for, or a 404."""
    lesson, quiz, item = find_item(catalogue, slug, item_id, age_band)
    if not isinstance(item, BranchingItem):
        raise HTTPException(status_code=404)
    return lesson, quiz, item


def submitted_step(form: dict[str, list[str]]) -> int:
    """The step number a scenario form was rendered at (-1 when missing or garbled)."""
    value = (form.get("step") or ["-1"])[-1]
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else -1


@router.post("/lessons/{slug}/quiz/{item_id}/choose")
def choose_in_scenario(
    request: Request,
    slug: str,
    item_id: str,
    form: FormDep,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearnerDep,
) -> Response:
    """Take one decision in a branching chat; a repeat of the same step stores nothing new."""
    lesson, quiz, item = branching_item(catalogue, slug, item_id, learner.age_band)
    path = answers.scenario_paths(engine, learner.id, [item.id]).get(item.id, ())
    state = scenarios.replay(item, path)
    if len(state.choices) < len(path):  # the content changed under a stored path
        answers.undo_steps(engine, learner.id, item.id, len(state.choices))
    if submitted_step(form) == len(state.choices) and not state.node.ending:
        try:
            after = scenarios.choose(item, state, (form.get("choice") or [""])[-1])
        except InvalidChoice as problem:
            return item_response(
                request, catalogue, engine, learner, lesson, item, (str(problem), {})
            )
        answers.record_step(
            engine,
            learner.id,
            quiz.slug,
            item.id,
            len(state.choices),
            state.node.id,
            after.choices[-1],
            catalogue.version,
        )
        if after.node.ending:
            answers.submit_answer(
                engine,
                learner.id,
                quiz.slug,
                item.id,
                after.node.id,
                after.node.ending == "safe",
                catalogue.version,
            )
    return item_response(request, catalogue, engine, learner, lesson, item)


@router.post("/lessons/{slug}/quiz/{item_id}/back")
def step_back_in_scenario(
    request: Request,
    slug: str,
    item_id: str,
    form: FormDep,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearnerDep,
) -> Response:
    """Undo the last decision; a repeat of the same request undoes nothing more."""
    lesson, _quiz, item = branching_item(catalogue, slug, item_id, learner.age_band)
    step = submitted_step(form)
    path = answers.scenario_paths(engine, learner.id, [item.id]).get(item.id, ())
    if step > 0 and step == len(path):
        answers.undo_steps(engine, learner.id, item.id, step - 1)
    return item_response(request, catalogue, engine, learner, lesson, item)


@router.post("/lessons/{slug}/quiz/{item_id}/restart")
def restart_scenario(
    request: Request,
    slug: str,
    item_id: str,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearnerDep,
) -> Response:
    """Start the chat again from the beginning."""
    lesson, _quiz, item = branching_item(catalogue, slug, item_id, learner.age_band)
    answers.undo_steps(engine, learner.id, item.id, 0)
    return item_response(request, catalogue, engine, learner, lesson, item)
