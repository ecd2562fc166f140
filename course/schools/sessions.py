"""Teachers' sessions: a random token in a cookie, kept in the database only as its hash.

A new token at every sign-in (never one the browser brought), ended on the server at sign-out,
after 30 minutes without a request or 12 hours after the sign-in, and every one of a teacher's
sessions at once when their password changes or is reset, or when they are removed.

Query functions take a keyword-only `session` (the database's) and never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col
from starlette.requests import Request
from starlette.responses import Response

from course.schools.models import TeacherSession, now

IDLE_EXPIRY = dt.timedelta(minutes=30)
ABSOLUTE_EXPIRY = dt.timedelta(hours=12)
# A request moves last_seen_at on only when it is this old: one write a minute at most.
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def new_session_token() -> str:
    """A fresh 256-bit random session token, for the cookie only."""
    return secrets.token_urlsafe(32)


def hash_session_token(token: str) -> str:
    """The hex SHA-256 of a token: all the database keeps of it."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time in UTC (SQLite hands times back without their zone)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


@dataclass(frozen=True)
class SessionTimes:
    """When a session started and was last seen: all its expiry needs."""

    started_at: dt.datetime
    last_seen_at: dt.datetime


def is_live(row: TeacherSession | SessionTimes, at: dt.datetime) -> bool:
    """Whether a session is within its idle and absolute limits at this time."""
    return (
        at - as_utc(row.last_seen_at) < IDLE_EXPIRY
        and at - as_utc(row.started_at) < ABSOLUTE_EXPIRY
    )


def needs_touch(row: TeacherSession | SessionTimes, at: dt.datetime) -> bool:
    """Whether this request should move the session's last-seen time on."""
    return at - as_utc(row.last_seen_at) >= SEEN_RESOLUTION


def start_session(teacher_id: int, *, two_factor_done: bool, session: Session) -> str:
    """A new session for the teacher; returns its token, for the cookie."""
    token = new_session_token()
    session.add(
        TeacherSession(
            token_hash=hash_session_token(token),
            teacher_id=teacher_id,
            two_factor_done=two_factor_done,
        )
    )
    return token


def touch_session(token_hash: str, *, session: Session) -> None:
    """Record a request on the session now (its idle time starts again)."""
    session.execute(
        update(TeacherSession)
        .where(col(TeacherSession.token_hash) == token_hash)
        .values(last_seen_at=now())
    )


def finish_two_factor(token_hash: str, *, session: Session) -> None:
    """Mark the session's second step done (the code or a recovery code was right)."""
    session.execute(
        update(TeacherSession)
        .where(col(TeacherSession.token_hash) == token_hash)
        .values(two_factor_done=True, last_seen_at=now())
    )


def end_session(token_hash: str, *, session: Session) -> None:
    """End one session on the server: its cookie opens nothing any more."""
    session.execute(delete(TeacherSession).where(col(TeacherSession.token_hash) == token_hash))


def end_sessions_of(teacher_id: int, *, session: Session, keeping: str | None = None) -> None:
    """End every session of a teacher, but for the one whose hash is `keeping`."""
    query = delete(TeacherSession).where(col(TeacherSession.teacher_id) == teacher_id)
    if keeping:
        query = query.where(col(TeacherSession.token_hash) != keeping)
    session.execute(query)


def end_expired_sessions(*, session: Session) -> None:
    """Delete every session past its idle or absolute limit (run at each sign-in)."""
    at = now()
    session.execute(
        delete(TeacherSession).where(
            or_(
                col(TeacherSession.last_seen_at) <= at - IDLE_EXPIRY,
                col(TeacherSession.started_at) <= at - ABSOLUTE_EXPIRY,
            )
        )
    )


def read_session_cookie(request: Request) -> str:
    """The teacher-session token this browser sent (empty when none)."""
    token = request.cookies.get(request.app.state.cookie_names.teacher, "")
    return token if 20 <= len(token) <= 64 else ""


def set_session_cookie(response: Response, token: str, request: Request) -> None:
    """Attach the session cookie: HttpOnly, SameSite=Lax, Secure (and `__Host-`) behind TLS,
    and gone when the browser closes; the server ends it sooner (idle, absolute, sign-out)."""
    state = request.app.state
    response.set_cookie(
        state.cookie_names.teacher,
        token,
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
        path="/",
    )


def forget_session_cookie(response: Response, request: Request) -> None:
    """Tell the browser to drop the session cookie."""
    state = request.app.state
    response.delete_cookie(
        state.cookie_names.teacher,
        path="/",
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
    )
