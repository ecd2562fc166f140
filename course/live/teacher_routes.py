"""The teacher's projector in a live session: start, next, previous, go to a lesson, show the
class's answers, end. Only the class's teacher (or their school's admin) reaches it; any other
class answers 404, as elsewhere.

Every control is a form, so it works by keyboard and without JavaScript; static/js/live.js adds
the keys (→ or Page Down: next, ← or Page Up: previous, S: show answers, E: end) and keeps the
counts up to date from `/teachers/live/{class}/events`. Each form carries the version the
screen showed, so a double click moves one step, not two.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from course.db import read_session
from course.live import state
from course.live.broker import STATE, Change
from course.live.models import LiveSession
from course.live.steps import running_order, step_at
from course.live.views import RETRY_MS, LiveView, read_view
from course.schools.classes import Viewer, class_for, shown_code
from course.schools.deps import CurrentTeacher, KnownTeacher
from course.schools.join_links import join_link
from course.schools.models import SchoolClass
from course.web import render, url_path

router = APIRouter(prefix="/teachers/live", tags=["live"])
COUNTS_EVERY_SECONDS = 1.0  # the counts on the projector move at most once a second
# The version the teacher's screen showed; a form without it (not ours) moves nothing.
Seen = Annotated[int, Form(ge=-1)]


def own_class(request: Request, teacher: KnownTeacher, class_id: int) -> SchoolClass:
    """The class when this teacher may run it; 404 for anything else, whatever the id."""
    viewer = Viewer(teacher.id, teacher.school_id, teacher.is_admin)
    with read_session(request.app.state.engine) as session:
        found = class_for(viewer, class_id, session=session)
    if found is None:
        raise HTTPException(status_code=404)
    return found


def class_to_follow(request: Request, class_id: int, teacher: CurrentTeacher) -> SchoolClass:
    """The class, checked before a stream starts (inside it, a 404 could not be sent)."""
    return own_class(request, teacher, class_id)


FollowedClass = Annotated[SchoolClass, Depends(class_to_follow)]


def teacher_view(request: Request, class_id: int) -> LiveView:
    app = request.app
    return read_view(app.state.engine, app.state.catalogue, class_id, teacher=True)


def back(request: Request, class_id: int) -> Response:
    location = url_path(request, "show_projector", class_id=str(class_id)) + "#live-step"
    return RedirectResponse(location, status_code=303)


@router.get("/{class_id}")
def show_projector(
    request: Request, class_id: int, teacher: CurrentTeacher, ended: bool = False
) -> Response:
    """The projector: the step as pupils see it, the counts and the controls."""
    found = own_class(request, teacher, class_id)
    view = teacher_view(request, class_id)
    lessons = []
    if view.live_id:
        order = running_order(request.app.state.catalogue, found.age_band)
        firsts: dict[str, int] = {}
        for index, step in enumerate(order):
            if step.lesson:
                firsts.setdefault(step.lesson, index)
        lessons = list(firsts.items())
    context = {
        "teacher": teacher,
        "school_class": found,
        "view": view,
        "lessons": lessons,
        "code": shown_code(found.join_code),
        "join_address": join_link(request, None),
        "live_address": join_link(request, None).removesuffix(url_path(request, "show_join"))
        + url_path(request, "show_live"),
        "title": f"Live: {found.name}",
        "notice": "The live session has ended. Nothing pupils answered in it is kept."
        if ended and not view.live_id
        else None,
    }
    return render(request, "live/projector.html", context)


def change(request: Request, work: Callable[[Session], tuple[object, list[Change]]]) -> None:
    request.app.state.live_broker.change(work)


@router.post("/{class_id}/start")
def start_live(request: Request, class_id: int, teacher: CurrentTeacher) -> Response:
    """Start the class's live session (or go back to the one running) at its first step."""
    own_class(request, teacher, class_id)
    change(
        request, lambda session: (state.start(class_id, session=session), [Change(class_id, STATE)])
    )
    return back(request, class_id)


def running(session: Session, class_id: int) -> LiveSession:
    live = state.live_of_class(class_id, session=session)
    if live is None:
        raise HTTPException(status_code=409)
    return live


def go(
    request: Request, class_id: int, teacher: KnownTeacher, seen: int, by: int | None, to: int = 0
) -> Response:
    found = own_class(request, teacher, class_id)
    total = len(running_order(request.app.state.catalogue, found.age_band))

    def work(session: Session) -> tuple[object, list[Change]]:
        live = running(session, class_id)
        target = live.step + by if by is not None else to
        target = max(0, min(target, total - 1))
        if target == live.step and by is not None:
            return None, []
        moved = state.move(live, target, seen=seen, session=session)
        return moved, [Change(class_id, STATE)] if moved else []

    change(request, work)
    return back(request, class_id)


@router.post("/{class_id}/next")
def next_step(
    request: Request, class_id: int, teacher: CurrentTeacher, seen: Seen = -1
) -> Response:
    """On to the next step, for every device."""
    return go(request, class_id, teacher, seen, by=1)


@router.post("/{class_id}/previous")
def previous_step(
    request: Request, class_id: int, teacher: CurrentTeacher, seen: Seen = -1
) -> Response:
    """Back one step, for every device."""
    return go(request, class_id, teacher, seen, by=-1)


@router.post("/{class_id}/go")
def go_to_step(
    request: Request,
    class_id: int,
    teacher: CurrentTeacher,
    seen: Seen = -1,
    step: Annotated[int, Form(ge=0)] = 0,
) -> Response:
    """Straight to a step (the first of a lesson)."""
    return go(request, class_id, teacher, seen, by=None, to=step)


@router.post("/{class_id}/reveal")
def reveal_answers(
    request: Request, class_id: int, teacher: CurrentTeacher, seen: Seen = -1
) -> Response:
    """Show the class's answers to this question, once k pupils have answered."""
    found = own_class(request, teacher, class_id)
    min_group = request.app.state.settings.stats_min_group
    catalogue = request.app.state.catalogue

    def work(session: Session) -> tuple[object, list[Change]]:
        live = running(session, class_id)
        if live.version != seen:
            return None, []
        step = step_at(catalogue, found.age_band, live.step)
        shown = state.reveal(live, step, min_group, session=session)
        return shown, [Change(class_id, STATE)] if shown else []

    change(request, work)
    return back(request, class_id)


@router.get("/{class_id}/end")
def confirm_end(request: Request, class_id: int, teacher: CurrentTeacher) -> Response:
    """Are you sure? Ending clears every answer of the session."""
    found = own_class(request, teacher, class_id)
    context = {
        "teacher": teacher,
        "school_class": found,
        "title": f"End the live session: {found.name}",
    }
    return render(request, "live/end.html", context)


@router.post("/{class_id}/end")
def end_live(request: Request, class_id: int, teacher: CurrentTeacher) -> Response:
    """End the session: every device says so, and nothing of it is kept."""
    found = own_class(request, teacher, class_id)

    def work(session: Session) -> tuple[object, list[Change]]:
        live = state.live_of_class(class_id, session=session)
        if live is None:
            return None, []
        state.end(live.id, session=session)
        return None, [Change(class_id, STATE)]

    change(request, work)
    location = url_path(request, "show_projector", class_id=str(found.id))
    return RedirectResponse(f"{location}?ended=1", status_code=303)


@router.get("/{class_id}/events", response_class=EventSourceResponse)
async def follow_counts(
    request: Request, class_id: int, own: FollowedClass
) -> AsyncIterator[ServerSentEvent]:
    """The counts as they move (at most once a second), and the version, so the projector
    reloads its step when something else moved it (another window, the k-th answer)."""
    templates = request.app.state.templates
    async with request.app.state.live_broker.subscribe(own.id, teacher=True) as inbox:
        sent = ""
        while True:
            view = await run_in_threadpool(teacher_view, request, class_id)
            html = templates.get_template("live/_counts.html").render(view=view)
            if html != sent:
                yield ServerSentEvent(
                    event="counts", id=view.event_id, raw_data=html, retry=RETRY_MS
                )
                sent = html
            await asyncio.sleep(COUNTS_EVERY_SECONDS)
            await inbox.next()
