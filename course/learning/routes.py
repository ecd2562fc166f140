"""The learner's way through the course: home, age band, lessons, completion."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from course.content.schema import AUDIENCES, Catalogue, Lesson
from course.deps import (
    CatalogueDep,
    CookieDep,
    CurrentLearnerDep,
    EngineDep,
    MaybeLearner,
    SettingsDep,
    required_learner,
)
from course.learning.identity import LearnerCookie, set_learner_cookie
from course.learning.progress import (
    change_age_band,
    create_learner,
    finished_lessons,
    record_lesson,
    resume_path,
)
from course.safety.services import COUNTRIES
from course.web import render

router = APIRouter()


def lesson_or_404(catalogue: Catalogue, slug: str, age_band: str) -> Lesson:
    """The lesson with this slug for this age band, or a 404."""
    lesson = catalogue.lesson(slug)
    if lesson is None or age_band not in lesson.audiences:
        raise HTTPException(status_code=404)
    return lesson


def next_path(catalogue: Catalogue, lesson: Lesson, age_band: str) -> str:
    """Where the learner goes after this lesson."""
    following = catalogue.next_lesson(lesson.slug, age_band)
    return f"/lessons/{following.slug}" if following else "/complete"


@router.get("/")
async def show_home(
    request: Request, catalogue: CatalogueDep, engine: EngineDep, learner: MaybeLearner
) -> Response:
    """The home page: what the course is, and start or continue."""
    resume = None
    if learner:  # only a returning learner costs a query (in a thread: it may wait on I/O)
        finished = await run_in_threadpool(finished_lessons, engine, learner.id)
        resume = resume_path(catalogue, learner.age_band, finished)
    minutes = sum(lesson.minutes for lesson in catalogue.lessons)
    return render(
        request, "learning/home.html", {"resume": resume, "minutes": minutes, "learner": learner}
    )


@router.get("/start")
async def show_start(request: Request, learner: MaybeLearner) -> Response:
    """Choose an age band."""
    return render(request, "learning/start.html", {"learner": learner, "error": None})


@router.post("/start")
def start_course(
    request: Request,
    settings: SettingsDep,
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: MaybeLearner,
    cookie: CookieDep,
    age_band: Annotated[str, Form()] = "",
) -> Response:
    """Start (or switch age band) and go to the first unfinished lesson."""
    if age_band not in AUDIENCES:
        context = {
            "learner": learner,
            "error": "Choose the age group that fits you, then press Start.",
        }
        return render(request, "learning/start.html", context, status_code=422)
    if learner:
        change_age_band(engine, learner.id, age_band)
        destination = resume_path(catalogue, age_band, finished_lessons(engine, learner.id))
        return RedirectResponse(destination, status_code=303)
    token, _ = create_learner(engine, age_band)
    response = RedirectResponse(resume_path(catalogue, age_band, {}), status_code=303)
    set_learner_cookie(
        response,
        LearnerCookie(token=token, country=cookie.country),
        request.app.state.secret_key,
        settings.secure_cookies,
    )
    return response


async def show_lesson(request: Request) -> Response:
    """One lesson, in the learner's age band.

    A plain Starlette endpoint rather than a FastAPI route: a whole class opens it at once, and
    FastAPI's per-request dependency resolution cost more than all the page's own work (the
    figures are in docs/OPERATIONS.md, "Speed"). It calls the same dependency functions.
    """
    slug: str = request.path_params["slug"]
    learner = await required_learner(request)
    catalogue: Catalogue = request.app.state.catalogue
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    lessons = catalogue.lessons_for(learner.age_band)
    context = {
        "lesson": lesson,
        "lessons": lessons,
        "position": lessons.index(lesson) + 1,
        "body": lesson.html_for(learner.age_band),
        "next_path": next_path(catalogue, lesson, learner.age_band),
        "step": "lesson",
    }
    return render(request, "learning/lesson.html", context, cache_key=(slug, learner.age_band))


router.add_route("/lessons/{slug}", show_lesson, methods=["GET"], name="show_lesson")


# "complete" after reading (and the questions), "skip" from the content note: no penalty either way.
OUTCOMES = {"complete": "completed", "skip": "skipped"}


@router.post("/lessons/{slug}/{outcome}")
def finish_lesson(
    slug: str,
    outcome: Literal["complete", "skip"],
    catalogue: CatalogueDep,
    engine: EngineDep,
    learner: CurrentLearnerDep,
) -> Response:
    """Mark the lesson completed or skipped, and go on to the next."""
    lesson = lesson_or_404(catalogue, slug, learner.age_band)
    record_lesson(engine, learner.id, lesson.slug, OUTCOMES[outcome])
    return RedirectResponse(next_path(catalogue, lesson, learner.age_band), status_code=303)


@router.get("/complete")
def show_completion(
    request: Request, catalogue: CatalogueDep, engine: EngineDep, learner: CurrentLearnerDep
) -> Response:
    """The end of the course: what to do, and where help is."""
    finished = finished_lessons(engine, learner.id)
    lessons = catalogue.lessons_for(learner.age_band)
    context = {"lessons": lessons, "finished": finished, "age_band": learner.age_band}
    return render(request, "learning/complete.html", context)


@router.get("/card")
async def show_card(request: Request, cookie: CookieDep) -> Response:
    """The "what to do" card: one printable page to keep."""
    country = COUNTRIES.get(cookie.country, COUNTRIES["uk"])
    return render(request, "learning/card.html", {"country": country, "age_band": None})
