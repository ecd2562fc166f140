"""Teachers' accounts: sign-up, sign-in with its lock-out, passwords, schools' teachers.

Query functions take a keyword-only `session` and never commit: a route opens one write
session per use case (course.db.write_session), which commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlmodel import Session, col

from course.db import upsert
from course.schools.models import School, SignInFailures, Teacher, now
from course.schools.passwords import HASHER, verify_password
from course.schools.sessions import as_utc
from course.schools.two_factor import forget_recovery_codes, replace_recovery_codes

LOCK_AFTER = 10  # failed sign-ins in a row
LOCK_FOR = dt.timedelta(minutes=15)
FORGET_FAILURES_AFTER = dt.timedelta(days=1)
NAME_LENGTH = 120
EMAIL_LENGTH = 254
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def normalise_email(email: str) -> str:
    """An address as it is kept and compared: trimmed and lower-cased."""
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """What is wrong with an address as typed, in words; None when it looks like one."""
    if not email:
        return "Enter your email address."
    if len(email) > EMAIL_LENGTH or not EMAIL.fullmatch(email):
        return "Enter an email address like name@school.org.uk."
    return None


def text_problem(value: str, what: str, *, length: int = NAME_LENGTH) -> str | None:
    """What is wrong with a name as typed (empty, too long, control characters), or None."""
    if not value:
        return f"Enter {what}."
    if len(value) > length:
        return f"{what[0].upper()}{what[1:]} must be {length} characters or fewer."
    if any(ord(character) < 32 for character in value):
        return f"Enter {what} on one line."
    return None


def clean_text(value: str) -> str:
    """A name as typed, with runs of spaces made one."""
    return " ".join(value.split())


def find_teacher(email: str, *, session: Session) -> Teacher | None:
    """The teacher with this (normalised) address, if any."""
    query = select(Teacher).where(col(Teacher.email) == email)
    return session.execute(query).scalar_one_or_none()


def teacher_by_id(teacher_id: int, *, session: Session) -> Teacher | None:
    """The teacher with this id, if any."""
    return session.get(Teacher, teacher_id)


def school_by_id(school_id: int, *, session: Session) -> School | None:
    """The school with this id, if any."""
    return session.get(School, school_id)


def create_school(name: str, *, session: Session) -> School:
    """A new school, with no teachers yet."""
    school = School(name=name)
    session.add(school)
    session.flush()
    return school


def add_teacher(
    school_id: int,
    name: str,
    email: str,
    password_hash: str,
    *,
    session: Session,
    is_admin: bool = False,
    email_confirmed: bool = False,
) -> Teacher:
    """A new teacher of the school (the caller has checked that the address is free)."""
    teacher = Teacher(
        school_id=school_id,
        name=name,
        email=email,
        password_hash=password_hash,
        is_admin=is_admin,
        email_confirmed=email_confirmed,
    )
    session.add(teacher)
    session.flush()
    return teacher


def address_key(email: str, secret: str) -> str:
    """The keyed hash that sign-in failures are counted under for a (normalised) address: the
    same for an address with an account and one without, and no use without the app's key."""
    key = hashlib.sha256(f"sign-in failures:{secret}".encode()).digest()
    return hashlib.blake2b(email.encode(), key=key, digest_size=32).hexdigest()


@dataclass(frozen=True)
class SignInAttempt:
    """How a password went: the teacher when it was right; else whether the address is (now)
    locked."""

    teacher: Teacher | None
    locked: bool = False


def is_locked(address: str, *, session: Session) -> bool:
    """Whether sign-ins for the address (its key) are locked after too many failures in a row."""
    failures = session.get(SignInFailures, address)
    locked_until = failures.locked_until if failures else None
    return locked_until is not None and as_utc(locked_until) > now()


def check_password(email: str, password: str, *, address: str, session: Session) -> SignInAttempt:
    """Check a sign-in's email and password, without writing anything (the hash takes a tenth
    of a second: no write transaction waits on it). Record the outcome with record_failure or
    record_success, under the address's key.

    A locked address is refused whatever the password (without checking it); an unknown
    address costs as long as a known one, reads exactly as a wrong password, and locks after
    as many failures."""
    if is_locked(address, session=session):
        return SignInAttempt(None, locked=True)
    teacher = find_teacher(email, session=session) if email else None
    if not verify_password(password, teacher.password_hash if teacher else None):
        return SignInAttempt(None)
    return SignInAttempt(teacher)


def record_failure(address: str, *, session: Session) -> bool:
    """Count a wrong password or code for the address; the tenth in a row locks it for 15
    minutes. Returns whether that locked it. (Counted in one upsert, so no two attempts at
    once lose one.) Counts left a day without a new failure are deleted on the way."""
    at = now()
    session.execute(
        delete(SignInFailures).where(
            col(SignInFailures.last_failed_at) < at - FORGET_FAILURES_AFTER,
            or_(
                col(SignInFailures.locked_until).is_(None),
                col(SignInFailures.locked_until) < at,
            ),
        )
    )
    statement = upsert(session, SignInFailures).values(
        address_hash=address, failures=1, last_failed_at=at
    )
    table = SignInFailures.__table__  # type: ignore[attr-defined]
    failures = session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.address_hash],
            set_={"failures": table.c.failures + 1, "last_failed_at": at},
        ).returning(table.c.failures)
    ).scalar_one()
    if failures < LOCK_AFTER:
        return False
    session.execute(
        update(SignInFailures)
        .where(col(SignInFailures.address_hash) == address)
        .values(failures=0, locked_until=at + LOCK_FOR)
    )
    return True


def record_success(address: str, *, session: Session) -> None:
    """A right password (and code): the count of failures starts again."""
    session.execute(delete(SignInFailures).where(col(SignInFailures.address_hash) == address))


def rehash_if_old(teacher: Teacher, password: str, *, session: Session) -> None:
    """Keep the password's hash with today's parameters when it was made with older ones."""
    if HASHER.current_hasher.check_needs_rehash(teacher.password_hash):
        session.execute(
            update(Teacher)
            .where(col(Teacher.id) == teacher.id)
            .values(password_hash=HASHER.hash(password))
        )


def set_password(teacher_id: int, password_hash: str, *, address: str, session: Session) -> None:
    """Give the teacher a new password (and lift any lock-out of their address, under its key:
    they proved who they are)."""
    session.execute(
        update(Teacher).where(col(Teacher.id) == teacher_id).values(password_hash=password_hash)
    )
    record_success(address, session=session)


def confirm_email(email: str, school_id: int, *, session: Session) -> bool:
    """Mark the address confirmed; False when no teacher of that school has it (any more)."""
    result = session.execute(
        update(Teacher)
        .where(col(Teacher.email) == email, col(Teacher.school_id) == school_id)
        .values(email_confirmed=True)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def school_teachers(school_id: int, *, session: Session) -> list[Teacher]:
    """The teachers of a school, by name."""
    query = select(Teacher).where(col(Teacher.school_id) == school_id).order_by(col(Teacher.name))
    return list(session.execute(query).scalars())


def remove_teacher(school_id: int, teacher_id: int, *, session: Session) -> Teacher | None:
    """Delete a teacher of this school, their sessions and codes with them; their classes stay
    with the school. Returns who was removed (None: no such teacher in this school)."""
    teacher = session.get(Teacher, teacher_id)
    if teacher is None or teacher.school_id != school_id:
        return None
    session.execute(delete(Teacher).where(col(Teacher.id) == teacher_id))
    return teacher


def require_two_factor(school_id: int, required: bool, *, session: Session) -> None:
    """Whether every teacher of the school must sign in with a code as well."""
    session.execute(
        update(School).where(col(School.id) == school_id).values(requires_two_factor=required)
    )


def turn_on_two_factor(
    teacher_id: int, secret: str, step: int, codes: list[str], *, session: Session
) -> None:
    """Keep the teacher's authenticator secret (with the step of the code that proved it, now
    spent) and (the hashes of) their new recovery codes."""
    session.execute(
        update(Teacher)
        .where(col(Teacher.id) == teacher_id)
        .values(totp_secret=secret, totp_last_step=step)
    )
    replace_recovery_codes(teacher_id, codes, session=session)


def turn_off_two_factor(teacher_id: int, *, session: Session) -> None:
    """Forget the teacher's authenticator secret and recovery codes."""
    session.execute(
        update(Teacher)
        .where(col(Teacher.id) == teacher_id)
        .values(totp_secret=None, totp_last_step=None)
    )
    forget_recovery_codes(teacher_id, session=session)


class AccountError(ValueError):
    """A teacher account that cannot be made as asked (the message says why)."""


def create_confirmed_admin(
    name: str,
    email: str,
    password_hash: str,
    *,
    session: Session,
    school_name: str = "",
    school_id: int | None = None,
) -> Teacher:
    """An operator's new admin (`course create-teacher`), already confirmed: of a new school
    named `school_name`, or of the existing school `school_id`."""
    if find_teacher(email, session=session) is not None:
        raise AccountError(f"{email} already has an account")
    if school_id is None:
        school_id = create_school(school_name, session=session).id
    elif school_by_id(school_id, session=session) is None:
        raise AccountError(f"there is no school with id {school_id}")
    return add_teacher(
        school_id, name, email, password_hash, is_admin=True, email_confirmed=True, session=session
    )
