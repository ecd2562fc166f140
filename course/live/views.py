"""What a live session looks like now, read once and drawn for many.

`read_view` reads a class's session in one query. A pupil's device is sent the step as every
pupil sees it, drawn once per process for each change (`Fragments`): a thousand streams woken
by one change cost one read and one drawing, not a thousand. A pupil's own answer is added
only to pages the pupil asks for (course/live/pupil_routes.py).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass

from jinja2 import Environment
from sqlalchemy import Engine, select
from sqlmodel import col
from starlette.concurrency import run_in_threadpool

from course.content.schema import Catalogue
from course.db import read_session
from course.live.broker import Broker
from course.live.models import OPEN
from course.live.models import LiveSession as Live
from course.live.state import Counts, ShownAnswers, counts, shown_answers
from course.live.steps import Step, running_order
from course.schools.models import SchoolClass

KEPT = 512
RETRY_MS = 2000  # how soon a browser tries again when a stream drops


@dataclass(frozen=True)
class LiveView:
    class_id: int
    live_id: int  # 0: no session is running for the class
    version: int
    index: int
    total: int
    step: Step | None
    phase: str
    shown: ShownAnswers | None
    counts: Counts | None  # for the teacher's screen only

    @property
    def event_id(self) -> str:
        """What a device compares: the session and its version."""
        return f"{self.live_id}.{self.version}"


def read_view(
    engine: Engine, catalogue: Catalogue, class_id: int, *, teacher: bool = False
) -> LiveView:
    query = (
        select(Live, col(SchoolClass.age_band))
        .join(SchoolClass, col(SchoolClass.id) == col(Live.class_id))
        .where(col(Live.class_id) == class_id)
    )
    with read_session(engine) as session:
        row = session.execute(query).one_or_none()
        if row is None:
            return LiveView(class_id, 0, 0, 0, 0, None, OPEN, None, None)
        live, band = row
        order = running_order(catalogue, band)
        index = max(0, min(live.step, len(order) - 1))
        step = order[index]
        shown = shown_answers(live, step, session=session)
        tally = counts(live, step, session=session) if teacher else None
    return LiveView(
        class_id, live.id, live.version, index, len(order), step, live.phase, shown, tally
    )


def sse_message(event: str, event_id: str, data: str, retry_ms: int) -> bytes:
    """One server-sent event, encoded (each line of `data` on a `data:` line of its own)."""
    lines = [f"event: {event}", f"id: {event_id}", f"retry: {retry_ms}"]
    lines += [
        f"data: {line}" for line in data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    return ("\n".join(lines) + "\n\n").encode()


def step_html(templates: Environment, view: LiveView, **extra: object) -> str:
    """The step as the page's live region holds it (`_step.html`)."""
    context = {"view": view, "mine": (), "teacher": False, "csrf_token": "", **extra}
    return templates.get_template("live/_step.html").render(context)


class Fragments:
    """Each class's step as every pupil sees it, drawn and encoded as a server-sent event once
    per change in this process: every stream sends the very same bytes."""

    def __init__(
        self, engine: Engine, catalogue: Catalogue, templates: Environment, broker: Broker
    ) -> None:
        self.engine = engine
        self.catalogue = catalogue
        self.templates = templates
        self.broker = broker
        self.kept: OrderedDict[tuple[int, int], asyncio.Future[tuple[LiveView, bytes]]] = (
            OrderedDict()
        )

    async def current(self, class_id: int) -> tuple[LiveView, bytes]:
        key = (class_id, self.broker.generation.get(class_id, 0))
        found = self.kept.get(key)
        if found is None:
            found = asyncio.get_running_loop().create_future()
            self.kept[key] = found
            while len(self.kept) > KEPT:
                self.kept.popitem(last=False)
            try:
                view = await run_in_threadpool(read_view, self.engine, self.catalogue, class_id)
                html = step_html(self.templates, view)
                found.set_result((view, sse_message("step", view.event_id, html, RETRY_MS)))
                self.broker.known[class_id] = view.version
            except BaseException as error:
                self.kept.pop(key, None)
                found.set_exception(error)
                found.exception()  # retrieved: the waiters below get it
                raise
        return await asyncio.shield(found)
