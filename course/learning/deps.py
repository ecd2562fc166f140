"""The learner behind a request: read from the signed cookie, looked up by its token's hash.

The lookup runs on the event loop for SQLite (an indexed read in WAL mode never waits for a
writer) and in a thread for PostgreSQL, where it waits on the network.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from course.content.schema import Catalogue, Lesson
from course.learning.identity import LearnerCookie, read_learner_cookie
from course.learning.progress import KnownLearner, find_learner, find_learner_and_lessons
from course.web import RedirectTo


async def learner_cookie(request: Request) -> LearnerCookie:
    """What this device's learner cookie says (empty when there is none)."""
    return read_learner_cookie(request)


async def optional_learner(request: Request) -> KnownLearner | None:
    """The learner behind the cookie, or None for a first visit."""
    # Calls learner_cookie rather than depending on it: each level of dependencies costs
    # FastAPI more than the lookup does.
    cookie = await learner_cookie(request)
    if not cookie.token:
        return None
    engine: Engine = request.app.state.engine
    if engine.dialect.name == "sqlite":
        return find_learner(engine, cookie.token)
    return await run_in_threadpool(find_learner, engine, cookie.token)


async def required_learner(request: Request) -> KnownLearner:
    """The learner, or a redirect to the start page to choose an age band, which then comes
    back to a lesson page asked for (the start page checks the path it is given)."""
    learner = await optional_learner(request)
    if learner is None:
        raise to_the_start(request)
    return learner


async def learner_and_lessons(request: Request) -> tuple[KnownLearner, dict[str, str]]:
    """required_learner, and the learner's lessons with a status, read in one query: for the
    lesson page, which a whole class opens at once."""
    cookie = await learner_cookie(request)
    learner: KnownLearner | None = None
    lessons: dict[str, str] = {}
    if cookie.token:
        engine: Engine = request.app.state.engine
        if engine.dialect.name == "sqlite":
            learner, lessons = find_learner_and_lessons(engine, cookie.token)
        else:
            learner, lessons = await run_in_threadpool(
                find_learner_and_lessons, engine, cookie.token
            )
    if learner is None:
        raise to_the_start(request)
    return learner, lessons


def to_the_start(request: Request) -> RedirectTo:
    """To the start page, and back to the lesson page asked for, if it was one."""
    start = request.app.url_path_for("show_start")
    path = request.url.path
    if request.method == "GET" and path.startswith("/lessons/"):
        return RedirectTo(f"{start}?{urlencode({'next': path})}")
    return RedirectTo(start)


def lesson_or_404(catalogue: Catalogue, slug: str, age_band: str) -> Lesson:
    """The lesson with this slug for this age band, or a 404."""
    lesson = catalogue.lesson(slug)
    if lesson is None or age_band not in lesson.audiences:
        raise HTTPException(status_code=404)
    return lesson


CookieDep = Annotated[LearnerCookie, Depends(learner_cookie)]
MaybeLearner = Annotated[KnownLearner | None, Depends(optional_learner)]
CurrentLearner = Annotated[KnownLearner, Depends(required_learner)]
