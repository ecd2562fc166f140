"""Fuzzing the teacher operations (every route under /teachers, in two modules so that the
two test workers share them): 100 generated requests each as a signed-in admin, another
teacher of the school and a teacher half way through signing in, with their session and CSRF
token, and 30 as nobody, a pupil, a forged session or a teacher without the token.

Each operation starts from a school of its own (an admin, a teacher, their classes, a live
session, and a class of another school), so that one operation's changes (a class deleted, two
factors required of the school) do not decide what the next one meets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from course.content.schema import Catalogue
from course.db import write_session
from course.live import state
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class, shown_code
from course.schools.passwords import hash_password
from course.schools.sessions import start_session
from tests.conftest import DATABASES, POSTGRES_URL
from tests.fuzz.harness import (
    ODD_NUMBERS,
    Fuzzer,
    Identity,
    catalogue_values,
    database,
    fuzzer_on,
)
from tests.teacher_pages import PASSWORD

# The two halves of the teacher operations, one module each (test workers run a module each).
CLASS_PREFIXES = (
    "/teachers/classes",
    "/teachers/live",
    "/teachers/preview",
    "/teachers/school/dashboard",
)


@pytest.fixture(scope="module", params=DATABASES)
def teacher_fuzzer(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue
) -> Iterator[tuple[Fuzzer, str]]:
    """The app, and one password hash for every teacher (hashing costs a tenth of a second)."""
    folder = tmp_path_factory.mktemp("fuzz-teacher")
    with database(request.param, folder, POSTGRES_URL) as url:
        fuzz = fuzzer_on(url, folder, catalogue)
        yield fuzz, hash_password(PASSWORD)
        fuzz.close()


@dataclass(frozen=True)
class School:
    """What one operation starts from: session tokens, emails and ids, as strings."""

    sessions: dict[str, str]
    emails: list[str]
    teacher_ids: list[str]
    class_ids: list[str]
    codes: list[str]


def new_school(fuzz: Fuzzer, password_hash: str, n: int) -> School:
    """An admin and a teacher of one school, each with a class (the admin's in a live
    session), a teacher of another school with hers, and their sessions."""
    sessions, emails, teacher_ids, classes = {}, [], [], []
    with write_session(fuzz.app.state.engine) as session:
        ours = create_school(f"Fuzz Academy {n}", session=session).id
        theirs = create_school(f"Other School {n}", session=session).id
        for who, school_id, admin in (
            ("admin", ours, True),
            ("teacher", ours, False),
            ("other", theirs, True),
        ):
            email = f"{who}-{n}@fuzz.example"
            teacher = add_teacher(
                school_id,
                who.title(),
                email,
                password_hash,
                session=session,
                is_admin=admin,
                email_confirmed=True,
            )
            classes.append(
                create_class(Viewer(teacher.id, school_id, admin), who, "14-18", session=session)
            )
            sessions[who] = start_session(teacher.id, two_factor_done=True, session=session)
            emails.append(email)
            teacher_ids.append(str(teacher.id))
        sessions["half"] = start_session(
            int(teacher_ids[0]), two_factor_done=False, session=session
        )
        state.start(classes[0].id, session=session)
    return School(
        sessions,
        emails,
        teacher_ids,
        [str(c.id) for c in classes],
        [shown_code(c.join_code) for c in classes],
    )


def fuzz_teacher_operation(
    label: str, fuzzer: tuple[Fuzzer, str], catalogue: Catalogue, n: int
) -> None:
    """Fuzz one operation as the teachers of a new school (the n-th), and as those without."""
    fuzz, password_hash = fuzzer
    school = new_school(fuzz, password_hash, n)
    names = fuzz.app.state.cookie_names

    def teacher(name: str, *, csrf: bool = True) -> Identity:
        return fuzz.identity(name, {names.teacher: school.sessions[name]}, csrf=csrf)

    with_state = [teacher("admin"), teacher("teacher"), teacher("half")]
    without_state = [
        Identity("nobody"),
        fuzz.identity("a pupil", fuzz.learner("14-18")),
        fuzz.identity("a forged session", {names.teacher: "forged-session-token"}),
        teacher("admin", csrf=False),
    ]
    values = {
        **catalogue_values(catalogue),
        "class_id": [*school.class_ids, *ODD_NUMBERS],
        "teacher_id": [*school.teacher_ids, *ODD_NUMBERS],
        "email": [*school.emails, "new-teacher@fuzz.example"],
        "password": [PASSWORD],
        "current_password": [PASSWORD],
        "codes_password": [PASSWORD],
        "off_password": [PASSWORD],
        "new_password": ["a much longer and rarer passphrase"],
        "joining": ["open", "closed"],
        "cap": ["", "0", "1", "30", "1000", *ODD_NUMBERS],
        "closes_on": ["", "2030-01-01", "2020-01-01", "31/12/2030"],
        "name": ["Year 9 Blue", ""],
        "school": ["Fuzz Academy"],
        "code": school.codes,
    }
    fuzz.run(label, with_state, without_state, values)
