"""What the database keeps of a learner's answers: first answers, and chat paths step by step."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import PrimaryKeyConstraint
from sqlmodel import Field, SQLModel

from course.db import learner_ref, today


class Answer(SQLModel, table=True):
    """The learner's first answer to one quiz item; a retry finds it and stores nothing new."""

    # No surrogate id, and no rowid on SQLite: nothing stored keeps the order of answers.
    __table_args__ = (PrimaryKeyConstraint("learner_id", "item_id"), {"sqlite_with_rowid": False})

    learner_id: int = learner_ref()
    quiz_slug: str = Field(max_length=80)
    item_id: str = Field(max_length=80)
    choice: str = Field(max_length=400)  # option ids, sorted, comma-separated
    correct: bool
    content_version: str = Field(max_length=16)
    answered_on: dt.date = Field(default_factory=today)


class ScenarioStep(SQLModel, table=True):
    """One decision in a branching chat: the learner's path, step by step, so a reload resumes."""

    __tablename__ = "scenario_step"
    __table_args__ = (
        PrimaryKeyConstraint("learner_id", "item_id", "step"),
        {"sqlite_with_rowid": False},
    )

    learner_id: int = learner_ref()
    quiz_slug: str = Field(max_length=80)
    item_id: str = Field(max_length=80)
    step: int  # 0 for the first decision; the form sends it, so a double click stores once
    node_id: str = Field(max_length=80)
    choice_id: str = Field(max_length=80)
    content_version: str = Field(max_length=16)
    made_on: dt.date = Field(default_factory=today)
