"""What the database keeps about an anonymous learner: nothing that names them."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, PrimaryKeyConstraint
from sqlmodel import Field, SQLModel

from course.db import learner_ref, today

# A random id tells nothing of who came first. On SQLite the column is INTEGER, so it is the
# table's rowid itself and no hidden counter numbers the rows; on PostgreSQL it is a BIGINT.
LEARNER_ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def random_learner_id() -> int:
    """A random id from 1 to 2**63 - 1: never 0, and it fits a signed 64-bit column."""
    return secrets.randbelow(2**63 - 1) + 1


class Learner(SQLModel, table=True):
    """One anonymous learner: a hashed random token, an age band and two dates."""

    id: int = Field(
        default_factory=random_learner_id,
        sa_column=Column(LEARNER_ID_TYPE, primary_key=True, autoincrement=False),
    )
    token_hash: str = Field(max_length=64, unique=True)
    age_band: str = Field(max_length=8)
    created_on: dt.date = Field(default_factory=today)
    last_seen_on: dt.date = Field(default_factory=today)
    # The class they joined with its code, if any: their progress counts for it. Deleting the
    # class deletes the learner and all they did.
    class_id: int | None = Field(
        default=None,
        sa_column=Column(
            LEARNER_ID_TYPE,
            ForeignKey("school_class.id", ondelete="CASCADE"),
            nullable=True,
            index=True,
        ),
    )


class LessonProgress(SQLModel, table=True):
    """A lesson the learner finished or chose to skip."""

    __tablename__ = "lesson_progress"
    # No surrogate id: the key is what the row is about. Without a rowid on SQLite, no hidden
    # counter keeps the order in which lessons were finished either.
    __table_args__ = (
        PrimaryKeyConstraint("learner_id", "lesson_slug"),
        {"sqlite_with_rowid": False},
    )

    learner_id: int = learner_ref()
    lesson_slug: str = Field(max_length=80)
    status: str = Field(max_length=12)  # "completed", "skipped" or "unfinished" (progress.py)
    recorded_on: dt.date = Field(default_factory=today)
