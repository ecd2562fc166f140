"""Film counts: store a learner's "started" and "finished" once each, and count them.

Query functions take a keyword-only `session` and never commit (see course/db.py).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from course.db import insert_ignoring_duplicates, today
from course.film.models import FILM_EVENTS, FilmEvent


def record_event(learner_id: int, event: str, *, session: Session) -> None:
    """Store the event once per learner, dated to the day."""
    session.execute(
        insert_ignoring_duplicates(session, FilmEvent).values(
            learner_id=learner_id, event=event, recorded_on=today()
        )
    )


def film_event_counts(learner_ids: list[int] | None = None, *, session: Session) -> dict[str, int]:
    """How many learners started and finished the film (of these learners, if given)."""
    query = select(FilmEvent.event, func.count()).group_by(col(FilmEvent.event))  # type: ignore[call-overload]
    if learner_ids is not None:
        query = query.where(col(FilmEvent.learner_id).in_(learner_ids))
    counts = {row[0]: int(row[1]) for row in session.execute(query)}
    return {event: counts.get(event, 0) for event in FILM_EVENTS}
