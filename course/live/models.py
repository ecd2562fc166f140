"""What the database keeps of a live classroom session, and only while it runs.

A class has at most one live session. Its row holds where the teacher is (`step`, the index in
the running order of course/live/steps.py), what pupils' devices see there (`phase`), and a
`version` that moves on with every change a device shows. Ending the session deletes the row,
and with it every device, answer, result and help request (they cascade): nothing of a live
session outlives it.

Nothing here says who: devices and answers are tied to the anonymous learner (as every answer
is), help requests to nothing at all, and no row keeps a time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, ForeignKey, PrimaryKeyConstraint, Text
from sqlmodel import Field, SQLModel

from course.db import learner_ref, today
from course.schools.models import ID_TYPE, key_column, random_id

# What the pupils' devices show at a question: answering, the teacher has asked to see the
# answers (waiting until k have answered), or the class's answers (and no more answering).
OPEN, WAITING, SHOWN = "open", "waiting", "shown"


def live_ref() -> Column[int]:
    return Column(ID_TYPE, ForeignKey("live_session.id", ondelete="CASCADE"), nullable=False)


class LiveSession(SQLModel, table=True):
    """A class's live session: the teacher's step, its phase, and the version devices follow."""

    __tablename__ = "live_session"

    id: int = Field(default_factory=random_id, sa_column=key_column())
    class_id: int = Field(
        sa_column=Column(
            ID_TYPE,
            ForeignKey("school_class.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    step: int = 0
    phase: str = Field(default=OPEN, max_length=8)
    version: int = Field(default=1, sa_column=Column(BigInteger, nullable=False))
    # "I'd like to talk to someone" presses the teacher is shown: brought up to date only when
    # the teacher moves to another step, so a press cannot be told from its timing.
    help_shown: int = 0
    started_on: dt.date = Field(default_factory=today)


class LiveDevice(SQLModel, table=True):
    """A device that has opened the session (how many are here, never which)."""

    __tablename__ = "live_device"
    __table_args__ = (PrimaryKeyConstraint("session_id", "learner_id"),)

    session_id: int = Field(sa_column=live_ref())
    learner_id: int = learner_ref()


class LiveAnswer(SQLModel, table=True):
    """A device's answer at one question step: one row, however often it is sent."""

    __tablename__ = "live_answer"
    __table_args__ = (PrimaryKeyConstraint("session_id", "step_key", "learner_id"),)

    session_id: int = Field(sa_column=live_ref())
    step_key: str = Field(max_length=120)
    learner_id: int = learner_ref()
    choices: str = Field(max_length=400)  # option ids, space-separated


class LiveResult(SQLModel, table=True):
    """A question's answers as the class was shown them: frozen when first shown, so nothing
    answered later can be told apart by comparing two views."""

    __tablename__ = "live_result"
    __table_args__ = (PrimaryKeyConstraint("session_id", "step_key"),)

    session_id: int = Field(sa_column=live_ref())
    step_key: str = Field(max_length=120)
    respondents: int
    counts: str = Field(sa_column=Column(Text, nullable=False))  # JSON: option id -> total


class LiveHelp(SQLModel, table=True):
    """One press of "I'd like to talk to someone": a random key from the page the button was
    on (so a double click or a retry counts once), and nothing of the device."""

    __tablename__ = "live_help"
    __table_args__ = (PrimaryKeyConstraint("session_id", "press"),)

    session_id: int = Field(sa_column=live_ref())
    press: str = Field(max_length=32)
