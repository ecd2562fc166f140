"""What the database keeps about an anonymous learner: nothing that names them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from course.db import learner_ref, today


class Learner(SQLModel, table=True):
    """One anonymous learner: a hashed random token, an age band and two dates."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    age_band: str = Field(max_length=8)
    created_on: dt.date = Field(default_factory=today)
    last_seen_on: dt.date = Field(default_factory=today)


class LessonProgress(SQLModel, table=True):
    """A lesson the learner finished or chose to skip."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("learner_id", "lesson_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = learner_ref()
    lesson_slug: str = Field(max_length=80)
    status: str = Field(max_length=12)  # "completed" or "skipped"
    recorded_on: dt.date = Field(default_factory=today)
