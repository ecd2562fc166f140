"""The learner's way through the course: home, age band, lessons, completion."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from course.content.schema import AUDIENCES, Catalogue, Lesson
from course.db import read_session, write_session
from course.deps import CatalogueDep, EngineDep
from course.learning.deps import (
    CookieDep,
    CurrentLearner,
    MaybeLearner,
    learner_and_lessons,
    lesson_or_404,
    required_learner,
)
from course.learning.identity import LearnerCookie, set_learner_cookie
from course.learning.progress import (
    COMPLETED,
    SKIPPED,
    UNFINISHED,
    change_age_band,
    create_learner,
    finished_lessons,
    lesson_statuses,
    mark_seen,
    record_lesson,
    resume_lesson,
)
from course.web import cached_fragment, render, url_path

router = APIRouter(tags=["learning"])


def lesson_path(request: Request, lesson: Lesson | None) -> str:
    """The path of a lesson, or of the completion page when there is none left."""
    if lesson is None:
        return url_path(request, "show_completion")
    return url_path(request, "show_lesson", slug=lesson.slug)


def read_finished(engine: Engine, learner_id: int) -> dict[str, str]:
    """The learner's finished lessons, read in a session of their own."""
    with read_session(engine) as session:
        return finished_lessons(learner_id, session=session)


@router.get("/")
async def show_home(
    request: Request, catalogue: CatalogueDep, engine: EngineDep, learner: MaybeLearner
) -> Response:
    """The home page: what the course is, and start or continue."""
    resume = None
    if learner:  # only a returning learner costs a query (in a thread: it may wait on I/O)
        finished = await run_in_threadpool(read_finished, engine, learner.id)
        resume = lesson_path(request, resume_lesson(catalogue, learner.age_band, finished))
    minutes = catalogue.course_minutes()  # the slowest band's: worked out from the content
    return render(
        request, "learning/home.html", {"resume": resume, "minutes": minutes, "learner": learner}
    )


# Where /start may send a learner afterwards: a lesson or its questions on this site, and
# nothing else (never another host, so the form is no open redirect). A link to one question
# or to a quiz's summary goes to the quiz, which opens at the first question not answered.
SAFE_NEXT = re.compile(r"/lessons/[a-z0-9-]{1,80}(/quiz(/[a-z0-9-]{1,80})?)?")


def safe_next(catalogue: Catalogue, path: str, age_band: str | None) -> str:
    """The lesson path to go to after choosing a band, or "" when `path` is not one."""
    if not SAFE_NEXT.fullmatch(path):
        return ""
    lesson = catalogue.lesson(path.split("/")[2])
    if lesson is None or (age_band is not None and age_band not in lesson.audiences):
        return ""
    if "/quiz" in path:
        return f"/lessons/{lesson.slug}/quiz" if lesson.quiz else ""
    return path


@router.get("/start")
async def show_start(
    request: Request,
    catalogue: CatalogueDep,
    learner: MaybeLearner,
    next_path: Annotated[str, Query(alias="next")] = "",
) -> Response:
    """Choose an age band (then go on to the lesson a link asked for, if any)."""
    context = {"learner": learner, "error": None, "next": safe_next(catalogue, next_path, None)}
    return render(request, "learning/start.html", context)


@router.post("/start")
def start_course(
    request: Request,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: MaybeLearner,
    cookie: CookieDep,
    age_band: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """Start (or switch age band) and go to the lesson a link asked for, else the first one
    not yet finished."""
    if age_band not in AUDIENCES:
        context = {
            "learner": learner,
            "error": "Choose the age group that fits you, then press Start.",
            "next": safe_next(catalogue, next_path, None),
        }
        return render(request, "learning/start.html", context, status_code=422)
    asked_for = safe_next(catalogue, next_path, age_band)
    if learner:
        with write_session(engine) as session:
            change_age_band(learner.id, age_band, session=session)
            finished = finished_lessons(learner.id, session=session)
        destination = asked_for or lesson_path(
            request, resume_lesson(catalogue, age_band, finished)
        )
        return RedirectResponse(destination, status_code=303)
    with write_session(engine) as session:
        token, _ = create_learner(age_band, session=session)
    response = RedirectResponse(
        asked_for or lesson_path(request, resume_lesson(catalogue, age_band, {})),
        status_code=303,
    )
    set_learner_cookie(response, LearnerCookie(token=token, country=cookie.country), request)
    return response


async def show_lesson(request: Request) -> Response:
    """One lesson, in the learner's age band.

    A plain Starlette endpoint rather than a FastAPI route: a whole class opens it at once, and
    FastAPI's per-request dependency resolution cost more than all the page's own work (the
    figures are in docs/OPERATIONS.md, "Speed"). It finds the learner as `required_learner`
    does, with their lessons in the same query, and honours an override of `required_learner`
    in `app.dependency_overrides` (one that takes the request).
    """
    slug: str = request.path_params["slug"]
    override = request.app.dependency_overrides.get(required_learner)
    if override is None:
        learner, finished = await learner_and_lessons(request)
    else:
        learner = await override(request)
        finished = await run_in_threadpool(lesson_statuses, request.app.state.engine, learner.id)
    catalogue: Catalogue = request.app.state.catalogue
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    lessons = catalogue.lessons_for(learner.age_band)
    following = catalogue.next_lesson(lesson.slug, learner.age_band)
    position = lessons.index(lesson) + 1
    context = {
        "lesson": lesson,
        "lessons": lessons,
        "position": position,
        "body": lesson.html_for(learner.age_band),
        "next_lesson": following,
        "step": "lesson",
        "in_class": learner.class_id is not None,
    }
    # The lesson list marks what this learner has done (read with the learner, in one query),
    # so it is drawn for them, outside the page cached per lesson and band.
    nav = {"lessons": lessons, "lesson": lesson, "position": position, "finished": finished}
    marks = (slug, learner.age_band, tuple(sorted(finished.items())))
    progress = cached_fragment(request, "_progress.html", marks, nav)
    key = (slug, learner.age_band, context["in_class"])
    return render(
        request, "learning/lesson.html", context, cache_key=key, slots={"progress": progress}
    )


def outcome_status(lesson: Lesson, outcome: str) -> str:
    """The status a button press records (the rule is in course/learning/progress.py).

    "Next" on a lesson without questions completes it. On the questions, "Next lesson" records
    it unfinished, which never replaces completed: the quiz recorded completed when the last
    answer was stored, so an unfinished record means something was left unanswered."""
    if outcome == "skip":
        return SKIPPED
    return UNFINISHED if lesson.quiz else COMPLETED


@router.post("/lessons/{slug}/{outcome}")
def finish_lesson(
    request: Request,
    slug: str,
    outcome: Literal["complete", "skip"],
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearner,
) -> Response:
    """Mark the lesson completed or skipped, and go on to the next."""
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    with write_session(engine) as session:
        record_lesson(learner.id, lesson.slug, outcome_status(lesson, outcome), session=session)
        mark_seen(learner.id, session=session)
    following = catalogue.next_lesson(lesson.slug, learner.age_band)
    return RedirectResponse(lesson_path(request, following), status_code=303)


@router.get("/complete")
def show_completion(
    request: Request, catalogue: CatalogueDep, engine: EngineDep, learner: CurrentLearner
) -> Response:
    """The end of the course: what to do, where help is, and any lesson left to go back to."""
    finished = read_finished(engine, learner.id)
    lessons = catalogue.lessons_for(learner.age_band)
    left = [lesson for lesson in lessons if finished.get(lesson.slug) != COMPLETED]
    context = {
        "lessons": lessons,
        "left": left,
        "finished": finished,
        "age_band": learner.age_band,
        "in_class": learner.class_id is not None,
    }
    return render(request, "learning/complete.html", context)
