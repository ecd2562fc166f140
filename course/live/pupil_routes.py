"""A pupil's device in a live session: the teacher's step, followed within a second.

`/live` is the page (it works without JavaScript: a link shows the current step); with
JavaScript, static/js/live.js follows `/live/events` (server-sent events: the step as every
pupil sees it, each with the session and its version) and catches up from `/live/step` after a
hidden tab or a lost stream, polling it every 10 s when streaming fails. A device cannot run
ahead: it is only ever shown the teacher's step. Devices are anonymous learners of the class.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.datastructures import State

from course.content.schema import Catalogue
from course.db import read_session
from course.deps import CatalogueDep
from course.learning.deps import CookieDep, MaybeLearner
from course.learning.progress import KnownLearner
from course.live import state
from course.live.broker import COUNTS, STATE, Change
from course.live.models import SHOWN, LiveDevice
from course.live.views import LiveView, read_view, sse_message, step_html
from course.safety.services import help_for
from course.web import render, url_path

router = APIRouter(prefix="/live", tags=["live"])
# As FastAPI's own event streams send them: never cached or buffered by a proxy, and a ping
# every 15 s, which keeps proxies from closing a quiet connection; an event, not a comment, so
# that live.js can tell a stream that died without a word (it hears nothing for 40 s).
STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
PING_SECONDS = 15.0
PING = b"event: ping\ndata:\n\n"


def pupil_view(request: Request, learner: KnownLearner) -> tuple[LiveView, tuple[str, ...]]:
    """The class's step now, and this device's answer there (counting the device as here)."""
    app = request.app
    view = read_view(app.state.engine, app.state.catalogue, learner.class_id or 0)
    if not view.live_id or view.step is None:
        return view, ()
    step = view.step

    def arrive(session: Session) -> tuple[bool, list[Change]]:
        first = state.arrive(view.live_id, learner.id, session=session)
        return first, [Change(view.class_id, COUNTS)] if first else []

    with read_session(app.state.engine) as session:
        mine = state.my_answer(view.live_id, step.key, learner.id, session=session)
        here = session.get(LiveDevice, (view.live_id, learner.id)) is not None
    if not here:  # a write only the first time (a page, a catch-up or a poll reads alone)
        app.state.live_broker.change(arrive)
    return view, mine


def page(
    request: Request,
    learner: KnownLearner | None,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    if learner is None or learner.class_id is None:
        return render(request, "live/not_in_class.html", {"learner": learner})
    view, mine = pupil_view(request, learner)
    context = {"view": view, "mine": mine, "error": error, "notice": notice, "learner": learner}
    context["press"] = secrets.token_hex(16)
    return render(request, "live/pupil.html", context, status_code=status_code)


@router.get("")
def show_live(request: Request, learner: MaybeLearner) -> Response:
    """The teacher's step, as this device follows it."""
    return page(request, learner)


@router.get("/step")
def show_live_step(request: Request, learner: MaybeLearner, seen: str = "") -> Response:
    """The live region alone, for live.js catching up: 204 when `seen` is still current."""
    if learner is None or learner.class_id is None:
        return Response(status_code=204)
    view, mine = pupil_view(request, learner)
    if seen == view.event_id:
        return Response(status_code=204, headers={"x-live-event": view.event_id})
    html = step_html(request.app.state.templates, view, mine=mine)
    return Response(html, media_type="text/html", headers={"x-live-event": view.event_id})


@router.get("/events")
async def follow_live(request: Request, learner: MaybeLearner) -> Response:
    """The step as every pupil sees it: now, and again at every change, with a ping every 15 s
    so that proxies keep the connection. Sent as a plain stream of the bytes drawn once
    per change (views.Fragments): a thousand streams woken by one change do nothing but send."""
    if learner is None or learner.class_id is None:
        closed = sse_message("closed", "", "", 60_000)
        return Response(closed, media_type="text/event-stream", headers=STREAM_HEADERS)
    return StreamingResponse(
        pupil_events(request, learner.class_id),
        media_type="text/event-stream",
        headers=STREAM_HEADERS,
    )


async def pupil_events(request: Request, class_id: int) -> AsyncIterator[bytes]:
    fragments = request.app.state.live_fragments
    async with request.app.state.live_broker.subscribe(class_id) as inbox:
        sent = ""
        while True:
            view, message = await fragments.current(class_id)
            if view.event_id != sent:
                yield message
                sent = view.event_id
            try:
                await asyncio.wait_for(inbox.next(), PING_SECONDS)
            except TimeoutError:
                yield PING


def take_answer(
    request: Request, learner: KnownLearner, step_key: str, chosen: tuple[str, ...]
) -> str | None:
    """Keep the answer; what went wrong, if anything, in the pupil's words."""
    app = request.app
    catalogue: Catalogue = app.state.catalogue
    min_group = app.state.settings.stats_min_group
    view = read_view(app.state.engine, catalogue, learner.class_id or 0)
    step = view.step
    if not view.live_id or step is None or step.key != step_key or step.poll is None:
        return "moved"
    if view.phase == SHOWN:
        return "closed"
    if not step.poll.valid(chosen):
        return "Choose an answer first." if not chosen else "Choose one of the answers shown."

    def work(session: Session) -> tuple[None, list[Change]]:
        live = state.live_by_id(view.live_id, session=session)
        if live is None:
            return None, []
        shown = state.answer(live, step, learner.id, chosen, min_group, session=session)
        changes = [Change(view.class_id, COUNTS)]
        return None, [*changes, Change(view.class_id, STATE)] if shown else changes

    app.state.live_broker.change(work)
    return None


@router.post("/answer")
def answer_live(
    request: Request,
    learner: MaybeLearner,
    step: Annotated[str, Form(max_length=120)] = "",
    choice: Annotated[list[str] | None, Form(max_length=120)] = None,
) -> Response:
    """Keep this device's answer (sending it again replaces it), then show the step."""
    if learner is None or learner.class_id is None:
        return page(request, learner)
    problem = take_answer(request, learner, step, tuple(choice or ()))
    fragment = request.headers.get("x-live-fragment") == "1"
    if problem in ("moved", "closed"):
        notice = (
            "Your teacher has moved on, so that answer was not kept. This is where the class is."
            if problem == "moved"
            else "The class’s answers are showing now, so that answer was not kept."
        )
        return page(request, learner, notice=notice, status_code=409)
    if problem:
        return page(request, learner, error=problem, status_code=422)
    if fragment:
        view, mine = pupil_view(request, learner)
        html = step_html(request.app.state.templates, view, mine=mine)
        return Response(html, media_type="text/html", headers={"x-live-event": view.event_id})
    return RedirectResponse(url_path(request, "show_live") + "#live-step", status_code=303)


@router.post("/help")
def ask_for_help(
    request: Request, learner: MaybeLearner, press: Annotated[str, Form(max_length=32)] = ""
) -> Response:
    """Count one "I'd like to talk to someone" (never whose), and show help at once."""
    if learner is not None and learner.class_id is not None and len(press) == 32:
        record_help(request.app.state, learner.class_id, press)
    return RedirectResponse(url_path(request, "show_live_help"), status_code=303)


def record_help(app_state: State, class_id: int, press: str) -> None:
    engine: Engine = app_state.engine
    view = read_view(engine, app_state.catalogue, class_id)
    if not view.live_id:
        return

    def work(session: Session) -> tuple[None, list[Change]]:
        state.press_help(view.live_id, press, session=session)
        return None, []  # the teacher sees it only when they next move on

    app_state.live_broker.change(work)


@router.get("/help")
async def show_live_help(
    request: Request, learner: MaybeLearner, cookie: CookieDep, catalogue: CatalogueDep
) -> Response:
    """Help, at once, for a pupil who would like to talk to someone."""
    band = learner.age_band if learner else None
    view = help_for(catalogue.help_directory, cookie.country, band)
    return render(request, "live/help.html", {"help": view, "learner": learner})
