"""Fuzzing every learner operation (every route outside /teachers): 100 generated requests
each as learners of each age band and of a class in a live session, with their cookie and
CSRF token, and as nobody, a forged cookie or a stale token; no answer is a server error or
shows a stack trace."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from course.app import STATIC_DIR
from course.content.schema import AUDIENCES, Catalogue
from course.db import write_session
from course.live import state
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class, shown_code
from course.schools.models import SchoolClass
from tests.conftest import DATABASES, POSTGRES_URL
from tests.fuzz.harness import (
    Fuzzer,
    Identity,
    catalogue_values,
    database,
    fuzzer_on,
    operations,
)

LEARNER_OPERATIONS = operations("/teachers", outside=True)
STATIC_FILES = sorted(str(path.relative_to(STATIC_DIR)) for path in STATIC_DIR.rglob("*.*"))[:50]


def class_in_a_live_session(app: FastAPI) -> SchoolClass:
    """A class of 14 to 18 year olds whose teacher has started a live session."""
    with write_session(app.state.engine) as session:
        school = create_school("Fuzz Academy", session=session)
        teacher = add_teacher(school.id, "Mr Fuzz", "fuzz@example.org", "-", session=session)
        viewer = Viewer(teacher.id, school.id, True)
        school_class = create_class(viewer, "Year 10", "14-18", session=session)
        state.start(school_class.id, session=session)
    return school_class


@pytest.fixture(scope="module", params=DATABASES)
def fuzzer(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue
) -> Iterator[tuple[Fuzzer, SchoolClass]]:
    folder = tmp_path_factory.mktemp("fuzz-learner")
    with database(request.param, folder, POSTGRES_URL) as url:
        fuzz = fuzzer_on(url, folder, catalogue)
        yield fuzz, class_in_a_live_session(fuzz.app)
        fuzz.close()


@pytest.mark.parametrize("label", LEARNER_OPERATIONS)
def test_learner_operation_never_fails(
    label: str, fuzzer: tuple[Fuzzer, SchoolClass], catalogue: Catalogue
) -> None:
    fuzz, school_class = fuzzer
    learner_cookie = fuzz.app.state.cookie_names.learner
    with_state = [
        *(fuzz.identity(f"a learner of {band}", fuzz.learner(band)) for band in AUDIENCES),
        fuzz.identity("a pupil", fuzz.learner("14-18", class_id=school_class.id)),
    ]
    without_state = [
        Identity("nobody"),
        fuzz.identity("a forged learner", {learner_cookie: "forged:uk.0123456789abcdef"}),
        fuzz.identity("a learner without a token", fuzz.learner("14-18"), csrf=False),
    ]
    code = school_class.join_code
    values = {
        **catalogue_values(catalogue),
        "code": [code, shown_code(code), code.lower()],
        "path": STATIC_FILES,
    }
    fuzz.run(label, with_state, without_state, values)
