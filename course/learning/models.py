"""What the database keeps about an anonymous learner: nothing that names them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from course.db import NAMING_CONVENTION

SQLModel.metadata.naming_convention = NAMING_CONVENTION


def today() -> dt.date:
    """Today's date in UTC: we keep days, never times."""
    return dt.datetime.now(dt.UTC).date()


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
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    lesson_slug: str = Field(max_length=80)
    status: str = Field(max_length=12)  # "completed" or "skipped"
    recorded_on: dt.date = Field(default_factory=today)


class Answer(SQLModel, table=True):
    """The learner's first answer to one quiz item; a retry finds it and stores nothing new."""

    __table_args__ = (UniqueConstraint("learner_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    quiz_slug: str = Field(max_length=80)
    item_id: str = Field(max_length=80)
    choice: str = Field(max_length=400)  # option ids, sorted, comma-separated
    correct: bool
    content_version: str = Field(max_length=16)
    answered_on: dt.date = Field(default_factory=today)


class ScenarioStep(SQLModel, table=True):
    """One decision in a branching chat: the learner's path, step by step, so a reload resumes."""

    __tablename__ = "scenario_step"
    __table_args__ = (UniqueConstraint("learner_id", "item_id", "step"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    quiz_slug: str = Field(max_length=80)
    item_id: str = Field(max_length=80)
    step: int  # 0 for the first decision; the form sends it, so a double click stores once
    node_id: str = Field(max_length=80)
    choice_id: str = Field(max_length=80)
    content_version: str = Field(max_length=16)
    made_on: dt.date = Field(default_factory=today)
