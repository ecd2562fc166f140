"""Learner progress: who is this device, which lessons are done, and where to resume."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select, update
from sqlmodel import Session, col

from course.content.schema import Catalogue
from course.db import insert_ignoring_duplicates, write_session
from course.learning.identity import hash_token, new_token
from course.learning.models import Learner, LessonProgress, today


@dataclass(frozen=True)
class CurrentLearner:
    """The learner behind this request's cookie."""

    id: int
    age_band: str


# The one query on nearly every request, written for the driver directly: through the ORM it
# costs about eight times as much (see tests/perf/bench.py).
FIND_LEARNER = "SELECT id, age_band FROM learner WHERE token_hash = {marker}"
MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def find_learner(engine: Engine, token: str) -> CurrentLearner | None:
    """The learner holding this token, if the database still knows them."""
    query = FIND_LEARNER.format(marker=MARKERS[engine.dialect.paramstyle])
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(query, (hash_token(token),))
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    return CurrentLearner(id=row[0], age_band=row[1]) if row else None


def create_learner(engine: Engine, age_band: str) -> tuple[str, CurrentLearner]:
    """A new anonymous learner; returns the token for the cookie and the learner."""
    token = new_token()
    with write_session(engine) as session:
        learner = Learner(token_hash=hash_token(token), age_band=age_band)
        session.add(learner)
        session.commit()
        assert learner.id is not None
        return token, CurrentLearner(id=learner.id, age_band=age_band)


def change_age_band(engine: Engine, learner_id: int, age_band: str) -> None:
    """Switch the learner to another age band, keeping their progress."""
    with write_session(engine) as session:
        session.execute(
            update(Learner)
            .where(col(Learner.id) == learner_id)
            .values(age_band=age_band, last_seen_on=today())
        )
        session.commit()


def mark_seen(session: Session, learner_id: int) -> None:
    """Move the learner's last-seen day to today, inside a write (retention counts from it)."""
    session.execute(
        update(Learner)
        .where(col(Learner.id) == learner_id, col(Learner.last_seen_on) != today())
        .values(last_seen_on=today())
    )


def record_lesson(engine: Engine, learner_id: int, slug: str, status: str) -> None:
    """Mark a lesson completed or skipped; doing it twice keeps the first record."""
    statement = insert_ignoring_duplicates(engine, LessonProgress).values(
        learner_id=learner_id, lesson_slug=slug, status=status, recorded_on=today()
    )
    with write_session(engine) as session:
        session.execute(statement)
        mark_seen(session, learner_id)
        session.commit()


def finished_lessons(engine: Engine, learner_id: int) -> dict[str, str]:
    """The learner's finished lessons: slug to 'completed' or 'skipped'."""
    query = select(LessonProgress.lesson_slug, LessonProgress.status).where(  # type: ignore[call-overload]
        col(LessonProgress.learner_id) == learner_id
    )
    with engine.connect() as connection:
        return {row.lesson_slug: row.status for row in connection.execute(query)}


def resume_path(catalogue: Catalogue, age_band: str, finished: dict[str, str]) -> str:
    """Where a returning learner picks up: the first lesson not yet finished."""
    for lesson in catalogue.lessons_for(age_band):
        if lesson.slug not in finished:
            return f"/lessons/{lesson.slug}"
    return "/complete"


def purge_learners(engine: Engine, retention_days: int, today_: dt.date | None = None) -> int:
    """Delete learners not seen for retention_days, with all they answered; returns how many."""
    cutoff = (today_ or today()) - dt.timedelta(days=retention_days)
    with write_session(engine) as session:
        result = session.execute(delete(Learner).where(col(Learner.last_seen_on) < cutoff))
        session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
