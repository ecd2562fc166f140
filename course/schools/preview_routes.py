"""A teacher's preview of any lesson and its questions, in any age band, that stores nothing.

No route here opens a database session: each answer is graded by the learner's own pure
functions (`read_submission`, `item_view`), and a branching chat keeps its path in its forms
(one hidden `path` field per choice so far) instead of the database, so going back a step is the
path less its last choice, and starting again is no path at all.

With htmx an answer swaps just the item, from the learner's own `_item.html`. Without
JavaScript each submit answers with the whole preview quiz page, that item answered (POST, then
render): as nothing is stored, sending the form again does no harm, and one route serves both;
a redirect would have had to carry the answer, or the chat's path, in the URL instead.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from course.content.schema import (
    AUDIENCE_LABELS,
    AUDIENCES,
    BranchingItem,
    Catalogue,
    Item,
    Lesson,
    Quiz,
)
from course.deps import CatalogueDep
from course.learning.deps import lesson_or_404
from course.quizzes import scenarios
from course.quizzes.grading import ORDER_FIELD, InvalidChoice
from course.quizzes.items import item_view, read_submission
from course.schools.deps import CurrentTeacher, KnownTeacher, current_teacher
from course.security.forms import DeclaredForm
from course.web import is_htmx, render

router = APIRouter(
    prefix="/teachers/preview", dependencies=[Depends(current_teacher)], tags=["schools"]
)

# A teacher's play of a lesson's film is not a learner's: without these URLs the film's script
# counts nothing (static/js/film.js).
FILM_COUNTS = re.compile(r' data-film-(?:started|finished)="[^"]*"')


# What each form carries: an answer, as a learner's; a chat's path so far (one field per
# choice), with the next choice when one is taken. Only these fields are read.
ANSWER_FORM = DeclaredForm(repeated=("choice", "part"), prefix=ORDER_FIELD.format(""))
DECISION_FORM = DeclaredForm(repeated=("path",), single=("choice",))
BACK_FORM = DeclaredForm(repeated=("path",))
Fields = dict[str, list[str]]


def band_or_404(band: str) -> str:
    """The age band named in the URL, or a 404."""
    if band not in AUDIENCES:
        raise HTTPException(status_code=404)
    return band


def quiz_or_404(catalogue: Catalogue, lesson: Lesson) -> Quiz:
    """The lesson's quiz, or a 404 when it has none."""
    quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
    if quiz is None:
        raise HTTPException(status_code=404)
    return quiz


def item_or_404(quiz: Quiz, item_id: str, band: str) -> Item:
    """The quiz's item with this id as the band sees it, or a 404."""
    item = next((i for i in quiz.items_for(band) if i.id == item_id), None)
    if item is None:
        raise HTTPException(status_code=404)
    return item


def page_context(
    catalogue: Catalogue, teacher: KnownTeacher, band: str, lesson: Lesson
) -> dict[str, Any]:
    """What every preview page of a lesson shows: the banner, the band's lessons, the teacher."""
    lessons = catalogue.lessons_for(band)
    return {
        "teacher": teacher,
        "preview": {"band": band, "label": AUDIENCE_LABELS[band]},
        "age_band": band,
        "lesson": lesson,
        "lessons": lessons,
        "position": lessons.index(lesson) + 1,
        "next_lesson": catalogue.next_lesson(lesson.slug, band),
    }


@router.get("")
def show_preview(request: Request, catalogue: CatalogueDep, teacher: CurrentTeacher) -> Response:
    """Choose an age band and a lesson to see as its pupils do."""
    bands = [
        {"band": band, "label": AUDIENCE_LABELS[band], "lessons": catalogue.lessons_for(band)}
        for band in AUDIENCES
    ]
    context = {"teacher": teacher, "bands": bands, "title": "Preview the course"}
    return render(request, "preview/index.html", context)


@router.get("/{band}/lessons/{slug}")
def preview_lesson(
    request: Request, band: str, slug: str, catalogue: CatalogueDep, teacher: CurrentTeacher
) -> Response:
    """A lesson as the band's pupils read it."""
    lesson = lesson_or_404(catalogue, slug, band_or_404(band))
    context = page_context(catalogue, teacher, band, lesson)
    context["body"] = FILM_COUNTS.sub("", lesson.html_for(band))
    return render(request, "preview/lesson.html", context)


def quiz_page(
    request: Request,
    catalogue: Catalogue,
    teacher: KnownTeacher,
    band: str,
    lesson: Lesson,
    answered: dict[str, Any] | None = None,
) -> Response:
    """The preview quiz page: every item new, but the one just answered (`answered`)."""
    quiz = quiz_or_404(catalogue, lesson)
    views = [
        {**item_view(item, None), "submitted": {}}
        if answered is None or item.id != answered["item"].id
        else answered
        for item in quiz.items_for(band)
    ]
    context = {**page_context(catalogue, teacher, band, lesson), "quiz": quiz, "items": views}
    failed = answered is not None and answered["error"] is not None
    return render(request, "preview/quiz.html", context, status_code=422 if failed else 200)


@router.get("/{band}/lessons/{slug}/quiz")
def preview_quiz(
    request: Request, band: str, slug: str, catalogue: CatalogueDep, teacher: CurrentTeacher
) -> Response:
    """A lesson's questions as the band's pupils see them, to answer as often as you like."""
    lesson = lesson_or_404(catalogue, slug, band_or_404(band))
    return quiz_page(request, catalogue, teacher, band, lesson)


def find_item(catalogue: Catalogue, band: str, slug: str, item_id: str) -> tuple[Lesson, Item]:
    """The lesson and item a preview form is for, or a 404."""
    lesson = lesson_or_404(catalogue, slug, band_or_404(band))
    return lesson, item_or_404(quiz_or_404(catalogue, lesson), item_id, band)


def item_response(
    request: Request,
    catalogue: Catalogue,
    teacher: KnownTeacher,
    band: str,
    lesson: Lesson,
    view: dict[str, Any],
) -> Response:
    """An item after a submission: its fragment for htmx, else the whole preview quiz page."""
    if not is_htmx(request):
        return quiz_page(request, catalogue, teacher, band, lesson, view)
    context = {**page_context(catalogue, teacher, band, lesson), **view}
    status = 422 if view["error"] else 200
    return render(request, "quizzes/_item.html", context, status_code=status)


@router.post("/{band}/lessons/{slug}/quiz/{item_id}", openapi_extra=ANSWER_FORM.openapi())
def preview_answer_item(
    request: Request,
    band: str,
    slug: str,
    item_id: str,
    form: Annotated[Fields, Depends(ANSWER_FORM.read)],
    catalogue: CatalogueDep,
    teacher: CurrentTeacher,
) -> Response:
    """Check an answer as a learner's is checked, and show the feedback; store nothing."""
    lesson, item = find_item(catalogue, band, slug, item_id)
    try:
        submission = read_submission(item, form)
    except InvalidChoice as problem:
        submitted = {name: values[-1] for name, values in form.items() if values}
        view = {**item_view(item, None, (), str(problem)), "submitted": submitted}
    else:
        view = {**item_view(item, submission.choice), "submitted": {}}
    return item_response(request, catalogue, teacher, band, lesson, view)


def chat_item(
    catalogue: Catalogue, band: str, slug: str, item_id: str
) -> tuple[Lesson, BranchingItem]:
    """The branching item a chat form is for, or a 404."""
    lesson, item = find_item(catalogue, band, slug, item_id)
    if not isinstance(item, BranchingItem):
        raise HTTPException(status_code=404)
    return lesson, item


def chat_view(
    item: BranchingItem, path: tuple[str, ...], error: str | None = None
) -> dict[str, Any]:
    """The chat's view at this path, drawn as the learner's is."""
    return {**item_view(item, None, path, error), "submitted": {}}


def form_state(item: BranchingItem, form: Fields) -> scenarios.ScenarioState:
    """Where the chat is after the choices the form carries, as far as they fit the chat."""
    return scenarios.replay(item, form.get("path", []))


@router.post("/{band}/lessons/{slug}/quiz/{item_id}/choose", openapi_extra=DECISION_FORM.openapi())
def preview_choose_in_scenario(
    request: Request,
    band: str,
    slug: str,
    item_id: str,
    form: Annotated[Fields, Depends(DECISION_FORM.read)],
    catalogue: CatalogueDep,
    teacher: CurrentTeacher,
) -> Response:
    """Take one decision in a branching chat, from the path the form carries."""
    lesson, item = chat_item(catalogue, band, slug, item_id)
    state = form_state(item, form)
    try:
        state = scenarios.choose(item, state, (form.get("choice") or [""])[-1])
    except InvalidChoice as problem:
        view = chat_view(item, state.choices, str(problem))
    else:
        view = chat_view(item, state.choices)
    return item_response(request, catalogue, teacher, band, lesson, view)


@router.post("/{band}/lessons/{slug}/quiz/{item_id}/back", openapi_extra=BACK_FORM.openapi())
def preview_step_back_in_scenario(
    request: Request,
    band: str,
    slug: str,
    item_id: str,
    form: Annotated[Fields, Depends(BACK_FORM.read)],
    catalogue: CatalogueDep,
    teacher: CurrentTeacher,
) -> Response:
    """Undo the last decision of the path the form carries."""
    lesson, item = chat_item(catalogue, band, slug, item_id)
    view = chat_view(item, form_state(item, form).choices[:-1])
    return item_response(request, catalogue, teacher, band, lesson, view)


@router.post("/{band}/lessons/{slug}/quiz/{item_id}/restart")
def preview_restart_scenario(
    request: Request,
    band: str,
    slug: str,
    item_id: str,
    catalogue: CatalogueDep,
    teacher: CurrentTeacher,
) -> Response:
    """Start the chat again from the beginning."""
    lesson, item = chat_item(catalogue, band, slug, item_id)
    return item_response(request, catalogue, teacher, band, lesson, chat_view(item, ()))
