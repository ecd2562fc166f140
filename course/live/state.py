"""A live session's use cases: start, move, show the answers, answer, join, ask for help, end.

Query functions take a keyword-only `session` and never commit (course/db.py). Each change that
devices must see moves `version` on in the same UPDATE that makes it, so two changes at once
never share a version, and returns it for the broker to announce (course/live/broker.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlmodel import Session, SQLModel, col

from course.db import insert_ignoring_duplicates, today, upsert
from course.live.models import OPEN, SHOWN, WAITING, LiveAnswer, LiveDevice, LiveHelp, LiveResult
from course.live.models import LiveSession as Live
from course.live.steps import Step
from course.stats.suppress import group_size, share_of


@dataclass(frozen=True)
class Counts:
    """What the teacher's screen counts: devices here, answers at this step, help presses."""

    devices: int
    answered: int
    help_shown: int


@dataclass(frozen=True)
class ShownAnswers:
    """The class's answers at a question, as shares (never counts), once k have answered."""

    respondents: int
    shares: dict[str, tuple[str, int]]  # option id -> (label, percent)


def add_once(session: Session, model: type[SQLModel], row: Mapping[str, object]) -> int:
    """Insert the row unless its key is held already; how many rows were added (0 or 1).
    (Counted from RETURNING: psycopg gives no row count for ON CONFLICT DO NOTHING.)"""
    table = model.__table__  # type: ignore[attr-defined]
    first_key = next(iter(table.primary_key.columns))
    query = insert_ignoring_duplicates(session, model).values(**row).returning(first_key)
    return len(session.execute(query).all())


def live_of_class(class_id: int, *, session: Session) -> Live | None:
    query = select(Live).where(col(Live.class_id) == class_id)
    found: Live | None = session.execute(query).scalars().first()
    return found


def live_by_id(live_id: int, *, session: Session) -> Live | None:
    return session.get(Live, live_id)


def start(class_id: int, *, session: Session) -> Live:
    """The class's live session: a new one at the first step, or the one already running."""
    fresh = Live(class_id=class_id)
    add_once(session, Live, fresh.model_dump())
    found = live_of_class(class_id, session=session)
    assert found is not None
    return found


def move(live: Live, to: int, *, seen: int, session: Session) -> int | None:
    """Go to step `to` (open for answers), if the teacher's screen showed the latest version
    (so a double click moves one step, not two); the help count shown catches up. The new
    version, or None when nothing moved."""
    pressed = session.scalar(
        select(func.count()).select_from(LiveHelp).where(col(LiveHelp.session_id) == live.id)
    )
    values = {"step": to, "phase": OPEN, "help_shown": pressed or 0}
    return bump(live.id, session=session, seen=seen, **values)


def bump(
    live_id: int, *, session: Session, seen: int | None = None, **values: object
) -> int | None:
    """Make a change devices show, with the next version: the version (None when `seen` is
    not the version now)."""
    query = update(Live).where(col(Live.id) == live_id)
    if seen is not None:
        query = query.where(col(Live.version) == seen)
    query = query.values(version=col(Live.version) + 1, **values).returning(col(Live.version))
    found = session.execute(query).scalar_one_or_none()
    return None if found is None else int(found)


def answers_at(live_id: int, step_key: str, *, session: Session) -> list[str]:
    query = select(col(LiveAnswer.choices)).where(
        col(LiveAnswer.session_id) == live_id, col(LiveAnswer.step_key) == step_key
    )
    return list(session.execute(query).scalars())


def freeze(live: Live, step: Step, *, session: Session) -> None:
    """Keep the answers as the class is first shown them (later ones change nothing shown)."""
    given = answers_at(live.id, step.key, session=session)
    counts = Counter(choice for answer in given for choice in answer.split())
    row = {"session_id": live.id, "step_key": step.key, "respondents": len(given)}
    add_once(session, LiveResult, {**row, "counts": json.dumps(counts)})


def reveal(live: Live, step: Step, min_group: int, *, session: Session) -> int | None:
    """Show the class's answers: at once when k have answered, else once they have (until
    then devices say the teacher is waiting for more answers). The new version, or None when
    there is nothing to show or it is shown already."""
    if step.poll is None or live.phase == SHOWN:
        return None
    if len(answers_at(live.id, step.key, session=session)) >= group_size(min_group):
        freeze(live, step, session=session)
        return bump(live.id, session=session, phase=SHOWN)
    return None if live.phase == WAITING else bump(live.id, session=session, phase=WAITING)


def answer(
    live: Live,
    step: Step,
    learner_id: int,
    chosen: tuple[str, ...],
    min_group: int,
    *,
    session: Session,
) -> int | None:
    """Keep this device's answer (a second one replaces the first, so a retry counts once).
    When the teacher is waiting and this is the k-th answer, the answers are shown: the new
    version; else None."""
    row = {"session_id": live.id, "step_key": step.key, "learner_id": learner_id}
    keep = upsert(session, LiveAnswer).values(**row, choices=" ".join(chosen))
    session.execute(
        keep.on_conflict_do_update(index_elements=list(row), set_={"choices": " ".join(chosen)})
    )
    if live.phase != WAITING:
        return None
    if len(answers_at(live.id, step.key, session=session)) < group_size(min_group):
        return None
    shown = session.execute(
        update(Live)
        .where(col(Live.id) == live.id, col(Live.phase) == WAITING, col(Live.step) == live.step)
        .values(phase=SHOWN, version=col(Live.version) + 1)
        .returning(col(Live.version))
    ).scalar_one_or_none()
    if shown is not None:
        freeze(live, step, session=session)
    return shown


def my_answer(live_id: int, step_key: str, learner_id: int, *, session: Session) -> tuple[str, ...]:
    found = session.get(LiveAnswer, (live_id, step_key, learner_id))
    return tuple(found.choices.split()) if found else ()


def arrive(live_id: int, learner_id: int, *, session: Session) -> bool:
    """Count this device as here; True the first time."""
    row = {"session_id": live_id, "learner_id": learner_id}
    return add_once(session, LiveDevice, row) > 0


def press_help(live_id: int, press: str, *, session: Session) -> None:
    """Count one press of "I'd like to talk to someone" (the same press again counts once)."""
    add_once(session, LiveHelp, {"session_id": live_id, "press": press})


def end_forgotten(*, session: Session, today_: dt.date | None = None) -> None:
    """End every session started before yesterday: one a teacher forgot to end keeps nothing
    for longer than a day or so (the daily purge runs this, and `course purge`)."""
    cut_off = (today_ or today()) - dt.timedelta(days=1)
    session.execute(delete(Live).where(col(Live.started_on) < cut_off))


def end(live_id: int, *, session: Session) -> None:
    """End the session: its row goes, and every device, answer and result with it."""
    session.execute(delete(Live).where(col(Live.id) == live_id))


def counts(live: Live, step: Step, *, session: Session) -> Counts:
    devices = session.scalar(
        select(func.count()).select_from(LiveDevice).where(col(LiveDevice.session_id) == live.id)
    )
    answered = session.scalar(
        select(func.count())
        .select_from(LiveAnswer)
        .where(col(LiveAnswer.session_id) == live.id, col(LiveAnswer.step_key) == step.key)
    )
    return Counts(devices or 0, answered or 0, live.help_shown)


def shown_answers(live: Live, step: Step, *, session: Session) -> ShownAnswers | None:
    """The frozen answers of this question, as shares, when the class has been shown them."""
    if live.phase != SHOWN or step.poll is None:
        return None
    found = session.get(LiveResult, (live.id, step.key))
    if found is None:
        return None
    counts = json.loads(found.counts)
    shares = {}
    for option_id in step.poll.option_ids():
        share = share_of(option_id, counts.get(option_id, 0), found.respondents)
        shares[option_id] = (share.label, share.percent)
    return ShownAnswers(found.respondents, shares)
