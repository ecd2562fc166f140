"""Film counts: store a learner's "started" and "finished" once each, and count them."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlmodel import col

from course.db import insert_ignoring_duplicates, write_session
from course.film.models import FILM_EVENTS, FilmEvent
from course.learning.models import today
from course.learning.progress import mark_seen


def record_event(engine: Engine, learner_id: int, event: str) -> None:
    """Store the event once per learner, dated to the day."""
    statement = insert_ignoring_duplicates(engine, FilmEvent).values(
        learner_id=learner_id, event=event, recorded_on=today()
    )
    with write_session(engine) as session:
        session.execute(statement)
        mark_seen(session, learner_id)
        session.commit()


def film_event_counts(engine: Engine, learner_ids: list[int] | None = None) -> dict[str, int]:
    """How many learners started and finished the film (of these learners, if given)."""
    query = select(FilmEvent.event, func.count()).group_by(col(FilmEvent.event))  # type: ignore[call-overload]
    if learner_ids is not None:
        query = query.where(col(FilmEvent.learner_id).in_(learner_ids))
    with engine.connect() as connection:
        counts = {row[0]: int(row[1]) for row in connection.execute(query)}
    return {event: counts.get(event, 0) for event in FILM_EVENTS}
