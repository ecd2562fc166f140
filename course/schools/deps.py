"""The teacher behind a request: from the session cookie, looked up by its token's hash.

    CurrentTeacher   a signed-in teacher (password, and code when they use one, and set up
                     for two-factor sign-in when their school requires it); else a 303 to the
                     sign-in page, the code page or the two-factor set-up
    CurrentAdmin     the same, and their school's admin; else the 403 page
    MaybeTeacher     the signed-in teacher, or None (never redirects)
    SignedInVisit    the browser's session, signed in but perhaps not yet set up for the two-
                     factor sign-in its school requires (for the set-up pages and sign-out)
    PendingVisit     a session waiting for its code (for the code page)

Access rules live here and in the routes, never only in templates. Dependencies are plain
`def`: FastAPI runs them in a worker thread, as the lookup waits on the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine, bindparam, select
from sqlmodel import col

from course.db import reading, write_session
from course.schools.models import School, Teacher, TeacherSession, now
from course.schools.sessions import (
    SessionTimes,
    end_session,
    hash_session_token,
    is_live,
    needs_touch,
    read_session_cookie,
    touch_session,
)
from course.web import RedirectTo


@dataclass(frozen=True)
class KnownTeacher:
    """A signed-in teacher, as pages need them. Until `email_confirmed`, a teacher sees a
    banner and may not create classes."""

    id: int
    school_id: int
    name: str
    email: str
    is_admin: bool
    email_confirmed: bool
    two_factor_enabled: bool


@dataclass(frozen=True)
class TeacherVisit:
    """A browser's live session: whose it is, and how far its sign-in has got."""

    teacher: KnownTeacher
    token_hash: str
    two_factor_done: bool
    school_name: str
    school_requires_two_factor: bool

    @property
    def needs_code(self) -> bool:
        """Password given; the code (or a recovery code) still to come."""
        return self.teacher.two_factor_enabled and not self.two_factor_done

    @property
    def needs_set_up(self) -> bool:
        """The school requires two-factor sign-in and this teacher has not set it up."""
        return self.school_requires_two_factor and not self.teacher.two_factor_enabled


# The lookup behind every teacher's request, built once: the columns a visit needs, not three
# ORM objects (which cost the request about 1 ms on SQLite and 2.5 ms on PostgreSQL).
VISIT = (
    select(
        col(TeacherSession.two_factor_done),
        col(TeacherSession.started_at),
        col(TeacherSession.last_seen_at),
        col(Teacher.id),
        col(Teacher.school_id),
        col(Teacher.name),
        col(Teacher.email),
        col(Teacher.is_admin),
        col(Teacher.email_confirmed),
        col(Teacher.totp_secret).is_not(None).label("two_factor_enabled"),
        col(School.name).label("school_name"),
        col(School.requires_two_factor),
    )
    .join(Teacher, col(Teacher.id) == col(TeacherSession.teacher_id))
    .join(School, col(School.id) == col(Teacher.school_id))
    .where(col(TeacherSession.token_hash) == bindparam("token_hash"))
)


def find_visit(engine: Engine, token: str) -> TeacherVisit | None:
    """The live session holding this token; an expired one is ended on the way."""
    token_hash = hash_session_token(token)
    with reading(engine) as connection:
        row = connection.execute(VISIT, {"token_hash": token_hash}).one_or_none()
    if row is None:
        return None
    times = SessionTimes(started_at=row.started_at, last_seen_at=row.last_seen_at)
    at = now()
    if not is_live(times, at):
        with write_session(engine) as session:
            end_session(token_hash, session=session)
        return None
    if needs_touch(times, at):
        with write_session(engine) as session:
            touch_session(token_hash, session=session)
    return TeacherVisit(
        teacher=KnownTeacher(
            id=row.id,
            school_id=row.school_id,
            name=row.name,
            email=row.email,
            is_admin=bool(row.is_admin),
            email_confirmed=bool(row.email_confirmed),
            two_factor_enabled=bool(row.two_factor_enabled),
        ),
        token_hash=token_hash,
        two_factor_done=bool(row.two_factor_done),
        school_name=row.school_name,
        school_requires_two_factor=bool(row.requires_two_factor),
    )


def optional_visit(request: Request) -> TeacherVisit | None:
    """This browser's live session, however far its sign-in has got, or None."""
    token = read_session_cookie(request)
    return find_visit(request.app.state.engine, token) if token else None


def redirect_to(request: Request, name: str) -> RedirectTo:
    return RedirectTo(request.app.url_path_for(name))


def signed_in_visit(request: Request) -> TeacherVisit:
    """A session past its password and code; else to the sign-in or the code page."""
    visit = optional_visit(request)
    if visit is None:
        raise redirect_to(request, "show_sign_in")
    if visit.needs_code:
        raise redirect_to(request, "show_code_step")
    return visit


def pending_visit(request: Request) -> TeacherVisit:
    """A session waiting for its code; a signed-in one goes home, none to the sign-in."""
    visit = optional_visit(request)
    if visit is None:
        raise redirect_to(request, "show_sign_in")
    if not visit.needs_code:
        raise redirect_to(request, "show_teacher_home")
    return visit


def current_visit(request: Request) -> TeacherVisit:
    """A signed-in session, set up as the school requires; else to the two-factor set-up."""
    visit = signed_in_visit(request)
    if visit.needs_set_up:
        raise redirect_to(request, "show_two_factor")
    return visit


def current_teacher(request: Request) -> KnownTeacher:
    """The signed-in teacher (see current_visit)."""
    return current_visit(request).teacher


class NotAdmin(HTTPException):
    """A teacher asked for a page only their school's admin may use: a 403, with a page of its
    own (course/schools/pages.py show_not_admin)."""

    def __init__(self) -> None:
        super().__init__(status_code=403)


def current_admin(request: Request) -> KnownTeacher:
    """The signed-in teacher when they are their school's admin; else the 403 page."""
    teacher = current_teacher(request)
    if not teacher.is_admin:
        raise NotAdmin()
    return teacher


def optional_teacher(request: Request) -> KnownTeacher | None:
    """The signed-in teacher (password and code done), or None; never redirects."""
    visit = optional_visit(request)
    return None if visit is None or visit.needs_code else visit.teacher


MaybeVisit = Annotated[TeacherVisit | None, Depends(optional_visit)]
SignedInVisit = Annotated[TeacherVisit, Depends(signed_in_visit)]
PendingVisit = Annotated[TeacherVisit, Depends(pending_visit)]
CurrentVisit = Annotated[TeacherVisit, Depends(current_visit)]
CurrentTeacher = Annotated[KnownTeacher, Depends(current_teacher)]
CurrentAdmin = Annotated[KnownTeacher, Depends(current_admin)]
MaybeTeacher = Annotated[KnownTeacher | None, Depends(optional_teacher)]
