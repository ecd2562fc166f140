"""Quiz pages: every item is a form that works without JavaScript; htmx swaps just the item."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from course.content.schema import Catalogue, Item, Lesson, Quiz
from course.deps import CatalogueDep, CurrentLearnerDep, EngineDep
from course.learning.progress import CurrentLearner
from course.learning.routes import lesson_or_404, next_path
from course.quizzes.answers import stored_answers, submit_answer
from course.quizzes.grading import InvalidChoice, grade, parse_choice
from course.web import is_htmx, render

router = APIRouter()


def quiz_or_404(catalogue: Catalogue, lesson: Lesson) -> Quiz:
    """The lesson's quiz, or a 404 when it has none."""
    quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
    if quiz is None:
        raise HTTPException(status_code=404)
    return quiz


def item_state(
    item: Item, chosen: frozenset[str] | None, error: str | None = None
) -> dict[str, Any]:
    """What the item template needs: the item, and its grade once answered."""
    return {"item": item, "grade": grade(item, chosen) if chosen else None, "error": error}


def quiz_page(
    request: Request,
    catalogue: Catalogue,
    engine: Any,
    learner: CurrentLearner,
    lesson: Lesson,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The full quiz page, each item answered or not."""
    quiz = quiz_or_404(catalogue, lesson)
    items = quiz.items_for(learner.age_band)
    answers = stored_answers(engine, learner.id, (item.id for item in items))
    errors = errors or {}
    lessons = catalogue.lessons_for(learner.age_band)
    context = {
        "lesson": lesson,
        "quiz": quiz,
        "lessons": lessons,
        "position": lessons.index(lesson) + 1,
        "items": [item_state(item, answers.get(item.id), errors.get(item.id)) for item in items],
        "answered": len(answers),
        "next_path": next_path(catalogue, lesson, learner.age_band),
        "step": "quiz",
    }
    return render(request, "quizzes/quiz.html", context, status_code=status_code)


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
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearnerDep,
    choice: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Check an answer, store it once, and show the feedback."""
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    quiz = quiz_or_404(catalogue, lesson)
    item = next((i for i in quiz.items_for(learner.age_band) if i.id == item_id), None)
    if item is None:
        raise HTTPException(status_code=404)
    try:
        chosen = parse_choice(item, choice or [])
    except InvalidChoice as problem:
        if is_htmx(request):
            context = {"lesson": lesson, **item_state(item, None, str(problem))}
            return render(request, "quizzes/_item.html", context, status_code=422)
        return quiz_page(request, catalogue, engine, learner, lesson, {item.id: str(problem)}, 422)
    stored = submit_answer(engine, learner.id, quiz.slug, item, chosen, catalogue.version)
    if is_htmx(request):
        return render(request, "quizzes/_item.html", {"lesson": lesson, **item_state(item, stored)})
    return RedirectResponse(f"/lessons/{lesson.slug}/quiz#item-{item.id}", status_code=303)
