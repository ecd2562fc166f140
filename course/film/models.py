"""What the database keeps about the film: whether a learner started it and finished it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import PrimaryKeyConstraint
from sqlmodel import Field, SQLModel

from course.db import learner_ref, today

FILM_EVENTS = ("started", "finished")


class FilmEvent(SQLModel, table=True):
    """The learner started (or finished) the film: once each, on a day, never a time."""

    __tablename__ = "film_event"
    # No surrogate id, and no rowid on SQLite: nothing stored says which event came first.
    __table_args__ = (PrimaryKeyConstraint("learner_id", "event"), {"sqlite_with_rowid": False})

    learner_id: int = learner_ref()
    event: str = Field(max_length=12)  # "started" or "finished"
    recorded_on: dt.date = Field(default_factory=today)
