"""What the database keeps about schools: schools, teachers, their sessions and one-time links,
and classes. Teachers are adults with accounts; pupils stay anonymous learners (learning/).

Times are kept only where a rule needs them (a session's idle and absolute expiry, a link's ten
minutes, a sign-in lock-out), and only for teachers; everything else is dated to the day.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, PrimaryKeyConstraint
from sqlmodel import Field, SQLModel

from course.db import today

# Random ids, as for learners: nothing in an id says who or what came first.
ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def random_id() -> int:
    """A random id from 1 to 2**63 - 1."""
    return secrets.randbelow(2**63 - 1) + 1


def wall_clock() -> dt.datetime:
    """The one clock every teacher rule reads (sessions' expiry, the lock-out, links' ten
    minutes): a test that needs time to pass replaces this, rather than sleeping."""
    return dt.datetime.now(dt.UTC)


def now() -> dt.datetime:
    """The time now, in UTC, to the second."""
    return wall_clock().replace(microsecond=0)


def key_column() -> Column[int]:
    return Column(ID_TYPE, primary_key=True, autoincrement=False)


def ref(table: str, *, nullable: bool = False, on_delete: str = "CASCADE") -> Column[int]:
    """A column referring to another table's random id."""
    return Column(ID_TYPE, ForeignKey(f"{table}.id", ondelete=on_delete), nullable=nullable)


def moment(*, nullable: bool = False) -> Column[dt.datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


class School(SQLModel, table=True):
    """A school: its teachers and classes belong to it, and nobody outside it sees them."""

    id: int = Field(default_factory=random_id, sa_column=key_column())
    name: str = Field(max_length=120)
    requires_two_factor: bool = False
    created_on: dt.date = Field(default_factory=today)


class Teacher(SQLModel, table=True):
    """A teacher's account; the first of a school is its admin."""

    id: int = Field(default_factory=random_id, sa_column=key_column())
    school_id: int = Field(sa_column=ref("school"))
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    password_hash: str = Field(max_length=200)
    is_admin: bool = False
    email_confirmed: bool = False
    totp_secret: str | None = Field(default=None, max_length=64)
    # The 30-second step of the last code that signed in: a code is never accepted twice.
    totp_last_step: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_on: dt.date = Field(default_factory=today)


class SignInFailures(SQLModel, table=True):
    """Wrong passwords or codes in a row for one typed address, whether or not it has an
    account (so a lock-out says nothing of which addresses do), under a keyed hash of it."""

    __tablename__ = "sign_in_failures"

    address_hash: str = Field(primary_key=True, max_length=64)
    failures: int = 0  # in a row; a right password and code delete the row
    locked_until: dt.datetime | None = Field(default=None, sa_column=moment(nullable=True))
    last_failed_at: dt.datetime = Field(default_factory=now, sa_column=moment())


class TeacherSession(SQLModel, table=True):
    """A signed-in browser: the hash of its random token, with the times its expiry needs."""

    __tablename__ = "teacher_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    teacher_id: int = Field(sa_column=ref("teacher"))
    two_factor_done: bool = False  # password given; waiting for the code when False and needed
    started_at: dt.datetime = Field(default_factory=now, sa_column=moment())
    last_seen_at: dt.datetime = Field(default_factory=now, sa_column=moment())


class RecoveryCode(SQLModel, table=True):
    """A one-use code that signs in instead of the authenticator app (stored hashed)."""

    __tablename__ = "recovery_code"
    __table_args__ = (PrimaryKeyConstraint("teacher_id", "code_hash"),)

    teacher_id: int = Field(sa_column=ref("teacher"))
    code_hash: str = Field(max_length=64)


class EmailLink(SQLModel, table=True):
    """A one-time link sent by email (confirm an address, reset a password, join a school),
    stored hashed, valid for ten minutes, used once by a POST from its confirm page."""

    __tablename__ = "email_link"

    token_hash: str = Field(primary_key=True, max_length=64)
    purpose: str = Field(max_length=12)  # "confirm", "reset" or "invite"
    email: str = Field(max_length=254)
    school_id: int = Field(sa_column=ref("school"))
    expires_at: dt.datetime = Field(sa_column=moment())


class SchoolClass(SQLModel, table=True):
    """A class: pupils join it with its code, anonymously; its teacher sees only totals."""

    __tablename__ = "school_class"

    id: int = Field(default_factory=random_id, sa_column=key_column())
    school_id: int = Field(sa_column=ref("school"))
    owner_id: int | None = Field(
        default=None, sa_column=ref("teacher", nullable=True, on_delete="SET NULL")
    )
    name: str = Field(max_length=80)
    age_band: str = Field(max_length=8)
    join_code: str = Field(max_length=8, unique=True)
    joining_open: bool = True
    cap: int | None = None
    closes_on: dt.date | None = None
    created_on: dt.date = Field(default_factory=today)
