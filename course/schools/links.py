"""One-time links sent by email: confirm an address, reset a password, join a school.

Each link holds a random token; the database keeps its hash, what it is for, the address and
the school, for ten minutes. Opening a link (a GET, which mail scanners do too) only shows a
button; the button's POST uses the link, once.

Query functions take a keyword-only `session` and never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Literal

from sqlalchemy import delete, select
from sqlmodel import Session, col

from course.schools.models import EmailLink, now
from course.schools.sessions import as_utc

LINK_LIFETIME = dt.timedelta(minutes=10)
Purpose = Literal["confirm", "reset", "invite"]


def hash_link_token(token: str) -> str:
    """The hex SHA-256 of a link's token: all the database keeps of it."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def create_link(purpose: Purpose, email: str, school_id: int, *, session: Session) -> str:
    """A new one-time link for the address; returns its token, for the mail only.

    Links past their ten minutes are deleted on the way (nobody can use them any more)."""
    session.execute(delete(EmailLink).where(col(EmailLink.expires_at) < now()))
    token = secrets.token_urlsafe(32)
    session.add(
        EmailLink(
            token_hash=hash_link_token(token),
            purpose=purpose,
            email=email,
            school_id=school_id,
            expires_at=now() + LINK_LIFETIME,
        )
    )
    return token


def find_link(token: str, purpose: Purpose, *, session: Session) -> EmailLink | None:
    """The link for this token and purpose while it can still be used; None otherwise."""
    if not token or len(token) > 100:
        return None
    link: EmailLink | None = session.execute(
        select(EmailLink).where(
            col(EmailLink.token_hash) == hash_link_token(token), col(EmailLink.purpose) == purpose
        )
    ).scalar_one_or_none()
    if link is None or as_utc(link.expires_at) <= now():
        return None
    return link


def use_link(token: str, purpose: Purpose, *, session: Session) -> EmailLink | None:
    """Use the link up: what it said, when it was still good; it opens nothing after this."""
    link = find_link(token, purpose, session=session)
    if link is None:
        return None
    deleted = session.execute(delete(EmailLink).where(col(EmailLink.token_hash) == link.token_hash))
    # Two clicks at once: only the one that deleted the row used the link.
    return link if deleted.rowcount else None  # type: ignore[attr-defined]


def forget_links(email: str, purpose: Purpose, *, session: Session) -> None:
    """Delete every link of one purpose for an address (a reset used: older ones die too)."""
    session.execute(
        delete(EmailLink).where(col(EmailLink.email) == email, col(EmailLink.purpose) == purpose)
    )
