"""Test helpers for the school half: schools, teachers signed in, and classes, made directly."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.db import write_session
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class
from course.schools.models import SchoolClass
from course.schools.sessions import start_session


@dataclass(frozen=True)
class SignedIn:
    """A teacher signed in on a test client."""

    teacher_id: int
    school_id: int
    is_admin: bool

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.teacher_id, self.school_id, self.is_admin)


def sign_in_teacher(
    client: TestClient,
    app: FastAPI,
    *,
    school_id: int | None = None,
    admin: bool = True,
    confirmed: bool = True,
    name: str = "Ms Khan",
) -> SignedIn:
    """A teacher (of a new school, unless one is given), signed in on this client."""
    with write_session(app.state.engine) as session:
        if school_id is None:
            school_id = create_school("Hillside Academy", session=session).id
        email = f"teacher-{secrets.token_hex(4)}@example.org"
        teacher = add_teacher(
            school_id,
            name,
            email,
            "not-a-hash",
            session=session,
            is_admin=admin,
            email_confirmed=confirmed,
        )
        token = start_session(teacher.id, two_factor_done=True, session=session)
    client.cookies.set(app.state.cookie_names.teacher, token)
    return SignedIn(teacher.id, school_id, admin)


def class_of(
    app: FastAPI, who: SignedIn, name: str = "Year 9 Blue", band: str = "11-13"
) -> SchoolClass:
    """A class owned by this teacher."""
    with write_session(app.state.engine) as session:
        return create_class(who.viewer, name, band, session=session)
