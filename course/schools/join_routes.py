"""Pupils join a class by its code, a link or a QR code: anonymously, as a fresh learner.

Joining always starts a new learner on this device, so a shared classroom device never carries
one pupil's answers to the next; "Finish and clear this device" ends it. Wrong codes are
limited per client address, so a code cannot be found by guessing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from course.db import read_session, write_session
from course.deps import CatalogueDep, EngineDep
from course.learning.deps import CookieDep, MaybeLearner
from course.learning.identity import LearnerCookie, forget_learner_cookie, set_learner_cookie
from course.learning.progress import create_learner, resume_lesson, revoke_learner
from course.live.state import live_of_class
from course.schools.classes import class_by_code, joined_count, shown_code, typed_code, why_closed
from course.schools.models import SchoolClass
from course.security.rate import WINDOW_SECONDS, client_key, wall_clock
from course.web import render, url_path

router = APIRouter(prefix="/join", tags=["joining"])


async def too_many_guesses(request: Request, *, wrong: bool) -> bool:
    """Count a wrong code from this address; True once it has sent too many this minute.

    Only wrong codes count, so a whole school behind one address can join; once over the limit
    every attempt from it is refused until the minute ends, right codes too, so a guesser
    cannot tell a hit by the answer. The count is every process's (the database's, or Redis):
    a right code is checked against it too, so a guesser learns nothing on another process."""
    state = request.app.state
    window = int(wall_clock() // WINDOW_SECONDS)
    key = "join:" + client_key(request.scope, state.secret_key)
    counter = state.join_guesses
    hits = await (counter.hit(key, window) if wrong else counter.peek(key, window))
    return bool(hits > state.settings.join_guesses_per_minute)


def refused() -> HTTPException:
    """Too many wrong codes from this address: wait for the minute to end."""
    return HTTPException(status_code=429, headers={"retry-after": str(WINDOW_SECONDS)})


def find_class(engine: Engine, code: str) -> tuple[SchoolClass | None, int]:
    """The class with this code, and how many have joined it."""
    with read_session(engine) as session:
        found = class_by_code(code, session=session)
        return found, joined_count(found.id, session=session) if found else 0


@router.get("")
async def show_join(request: Request) -> Response:
    """Type the code your teacher shows."""
    return render(request, "join/code.html", {"error": None, "typed": ""})


@router.post("")
async def enter_code(request: Request, code: Annotated[str, Form()] = "") -> Response:
    """Go to the class of the typed code, or say plainly what is wrong."""
    typed = typed_code(code)
    if typed is None:
        if await too_many_guesses(request, wrong=True):
            raise refused()
        error = "Type the 8 letters and numbers your teacher shows, like ABCD-2345."
        return render(request, "join/code.html", {"error": error, "typed": code}, status_code=422)
    location = url_path(request, "show_class_to_join", code=typed)
    return RedirectResponse(location, status_code=303)


@router.post("/finish")
async def finish_on_this_device(request: Request, engine: EngineDep, cookie: CookieDep) -> Response:
    """Finish and clear this device: the learner's answers still count for the class, but
    nobody using this device next can see or add to them."""
    if cookie.token:
        await run_in_threadpool(_revoke, engine, cookie.token)
    response = RedirectResponse(url_path(request, "show_finished"), status_code=303)
    forget_learner_cookie(response, request)
    return response


def _revoke(engine: Engine, token: str) -> None:
    with write_session(engine) as session:
        revoke_learner(token, session=session)


@router.get("/finished")
async def show_finished(request: Request, learner: MaybeLearner) -> Response:
    """The device is clear for the next person."""
    return render(request, "join/finished.html", {"learner": learner})


@router.get("/{code}")
async def show_class_to_join(request: Request, code: str, engine: EngineDep) -> Response:
    """What joining means, in a pupil's words, and the button to join (a link or QR lands here)."""
    typed = typed_code(code)
    found, joined = await run_in_threadpool(find_class, engine, typed) if typed else (None, 0)
    if await too_many_guesses(request, wrong=found is None):
        raise refused()
    if found is None:
        error = "We could not find a class with that code. Check it with your teacher."
        return render(request, "join/code.html", {"error": error, "typed": code}, status_code=404)
    context = {"school_class": found, "code": shown_code(found.join_code)}
    context["closed"] = why_closed(found, joined)
    return render(
        request, "join/class.html", context, status_code=409 if context["closed"] else 200
    )


def join(engine: Engine, code: str, old_token: str) -> tuple[str, SchoolClass, bool] | str | None:
    """Start a fresh learner in the class (retiring this device's old one); the new token, the
    class and whether it is being taught live; the reason it is closed, or None when there is
    no such class."""
    with write_session(engine) as session:
        found = class_by_code(code, session=session)
        if found is None:
            return None
        closed = why_closed(found, joined_count(found.id, session=session))
        if closed:
            return closed
        if old_token:
            revoke_learner(old_token, session=session)
        token, _ = create_learner(found.age_band, session=session, class_id=found.id)
        return token, found, live_of_class(found.id, session=session) is not None


@router.post("/{code}")
async def join_class(
    request: Request, code: str, engine: EngineDep, catalogue: CatalogueDep, cookie: CookieDep
) -> Response:
    """Join: a new anonymous learner in the class's age band, then the first lesson.

    An address over the limit is refused before anything is written: no learner is made and
    the device's own is kept."""
    if await too_many_guesses(request, wrong=False):
        raise refused()
    typed = typed_code(code)
    result = await run_in_threadpool(join, engine, typed, cookie.token) if typed else None
    if result is None and await too_many_guesses(request, wrong=True):
        raise refused()
    if result is None:
        error = "We could not find a class with that code. Check it with your teacher."
        return render(request, "join/code.html", {"error": error, "typed": code}, status_code=404)
    if isinstance(result, str):
        return render(request, "join/class.html", {"closed": result}, status_code=409)
    token, found, live = result
    first = resume_lesson(catalogue, found.age_band, {})
    destination = url_path(request, "show_lesson", slug=first.slug) if first else "/"
    if live:  # the class is being taught live now: follow the teacher
        destination = url_path(request, "show_live")
    response = RedirectResponse(destination, status_code=303)
    set_learner_cookie(response, LearnerCookie(token=token, country=cookie.country), request)
    return response
