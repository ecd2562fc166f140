"""Classes: creating and changing them, their join codes, and who may see which class.

Query functions take a keyword-only `session` and never commit (see course/db.py).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from course.db import today
from course.learning.models import Learner
from course.schools.models import SchoolClass

# 8 symbols from 29 that cannot be confused when read off a projector (no 0/O, 1/I/L, U/V),
# about 38.9 bits: far beyond guessing at 10 tries a minute per address.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 8


LARGEST_ID = 2**63 - 1  # the largest id a BIGINT column holds (ids are random below it)


def new_join_code() -> str:
    """A fresh random join code (stored without its dash)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown_code(code: str) -> str:
    """A join code as people read it: XXXX-XXXX."""
    return f"{code[:4]}-{code[4:]}"


def typed_code(text: str) -> str | None:
    """The join code someone typed, forgiving case, spaces and dashes; None if it cannot be one."""
    code = re.sub(r"[\s\-–—]", "", text).upper()
    if len(code) != CODE_LENGTH or any(symbol not in ALPHABET for symbol in code):
        return None
    return code


@dataclass(frozen=True)
class Viewer:
    """Who asks to see a class: a teacher, their school, and whether they are its admin."""

    teacher_id: int
    school_id: int
    is_admin: bool


def class_for(viewer: Viewer, class_id: int, *, session: Session) -> SchoolClass | None:
    """The class, if this teacher may see it (their own, or any of their school's for an
    admin); None otherwise, so that another school's class looks exactly like no class."""
    if not 0 < class_id <= LARGEST_ID:  # a URL's id may be any size; the database's is not
        return None
    found = session.get(SchoolClass, class_id)
    if found is None or found.school_id != viewer.school_id:
        return None
    if not viewer.is_admin and found.owner_id != viewer.teacher_id:
        return None
    return found


def classes_for(viewer: Viewer, *, session: Session) -> list[SchoolClass]:
    """The classes this teacher may see, by name: their own, or all the school's for an admin."""
    query = select(SchoolClass).where(col(SchoolClass.school_id) == viewer.school_id)
    if not viewer.is_admin:
        query = query.where(col(SchoolClass.owner_id) == viewer.teacher_id)
    return list(session.scalars(query.order_by(col(SchoolClass.name))))


def create_class(viewer: Viewer, name: str, age_band: str, *, session: Session) -> SchoolClass:
    """A new class owned by this teacher, open for joining, with a fresh code."""
    created = SchoolClass(
        school_id=viewer.school_id,
        owner_id=viewer.teacher_id,
        name=name,
        age_band=age_band,
        join_code=unused_code(session=session),
    )
    session.add(created)
    session.flush()
    return created


def unused_code(*, session: Session) -> str:
    """A join code no class holds (a clash is vanishingly rare; try again if it happens)."""
    while True:
        code = new_join_code()
        taken = session.scalar(select(func.count()).where(col(SchoolClass.join_code) == code))
        if not taken:
            return code


def class_by_code(code: str, *, session: Session) -> SchoolClass | None:
    """The class with this join code."""
    return session.scalars(select(SchoolClass).where(col(SchoolClass.join_code) == code)).first()


def joined_count(class_id: int, *, session: Session) -> int:
    """How many learners have joined the class."""
    query = select(func.count()).where(col(Learner.class_id) == class_id)
    return int(session.scalar(query) or 0)


def why_closed(found: SchoolClass, joined: int, on: dt.date | None = None) -> str | None:
    """Why a pupil cannot join now, in their words; None when they can."""
    if not found.joining_open:
        return "This class is not taking new pupils at the moment. Ask your teacher."
    if found.closes_on is not None and (on or today()) > found.closes_on:
        return "This class has closed. Ask your teacher if you think it should still be open."
    if found.cap is not None and joined >= found.cap:
        return "This class is full. Ask your teacher."
    return None


def delete_class(found: SchoolClass, *, session: Session) -> None:
    """Delete the class with all its learners' data (their rows cascade)."""
    session.execute(delete(Learner).where(col(Learner.class_id) == found.id))
    session.delete(found)
