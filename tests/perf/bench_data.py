"""The data `make bench` loads: a database per engine, pupils ready to answer, a class of 30.

For each database the bench makes a fresh one (a SQLite file; on PostgreSQL a database it
creates and drops, unless COURSE_BENCH_DATABASE_URL names one), migrates it with
`course migrate` and fills it straight through SQL:

- for the answer submission, `--classes` classes of 30 pupils in one school, none of whom has
  answered anything, each with a learner cookie and a CSRF token computed with the app's own
  functions (as a browser would hold them after joining with the class code);
- for the class dashboard, a school with one class of 30 pupils who answered every question,
  and its admin signed in (tests/perf/dashboard.py's `fill`).

wrk posts the answers from a Lua script (`write_answer_script`) that walks the pupils × the
questions in an order that never sends the same pupil twice within `pupils` requests, so each
request is a first answer until every pupil has answered every question.
"""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, func, insert, make_url, select, text

from course.content.schema import Catalogue, ChoiceItem, Item, OrderItem, RedFlagsItem
from course.db import write_session
from course.learning.identity import LearnerCookie, encode_cookie, hash_token, new_token
from course.learning.models import Learner, random_learner_id
from course.quizzes.models import Answer
from course.schools.models import School, SchoolClass, Teacher, random_id
from course.security.cookies import CookieNames, csrf_binding
from course.security.csrf import csrf_token_for, new_csrf_cookie
from course.stats.aggregate import band_items
from tests.perf.bench import HOST, WRK_THREADS, BenchError
from tests.perf.dashboard import fill

BAND = "14-18"
PUPILS_PER_CLASS = 30
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASE_URL_VARIABLE = "COURSE_BENCH_DATABASE_URL"
ANSWER_VARIANTS = 4  # different answers to each question, so the class's totals vary
SECURE_NAMES = CookieNames.for_site(secure=True)  # production: `__Host-` cookies


@dataclass(frozen=True)
class Pupil:
    """A pupil as their browser holds them: the Cookie header and the matching CSRF token."""

    cookie: str
    csrf: str


@dataclass(frozen=True)
class Question:
    """One question's answer route, and a few answers to it as htmx sends them (urlencoded)."""

    path: str
    bodies: tuple[str, ...]


@dataclass(frozen=True)
class Filled:
    """What a filled database holds for the bench."""

    pupils: tuple[Pupil, ...]
    questions: tuple[Question, ...]
    dashboard_class: int
    teacher_cookie: str


@contextmanager
def sqlite_url(folder: Path) -> Iterator[str]:
    """A SQLite file in the run's temporary folder (deleted with it)."""
    yield f"sqlite:///{folder / 'course.db'}"


@contextmanager
def postgres_url() -> Iterator[str]:
    """COURSE_BENCH_DATABASE_URL as it is, or a fresh database on 127.0.0.1:5432, dropped after."""
    given = os.environ.get(DATABASE_URL_VARIABLE)
    if given:
        yield given
        return
    name = f"course_bench_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as error:
        admin.dispose()
        raise BenchError(
            f"could not create a PostgreSQL database on {HOST}:5432 ({error.__class__.__name__}); "
            f"set {DATABASE_URL_VARIABLE} to an empty database, or run with --databases sqlite"
        ) from error
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def production_env(url: str, folder: Path) -> dict[str, str]:
    """`course serve` in production mode on this database; the post limit lifted for one address.

    All of wrk's requests come from 127.0.0.1, which the app would otherwise count as one school
    (6,000 posts a minute); nothing else is changed from production's defaults."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COURSE_")}
    if "COURSE_CONTENT_DIR" in os.environ:  # to measure with other content
        env["COURSE_CONTENT_DIR"] = os.environ["COURSE_CONTENT_DIR"]
    env["COURSE_ENV"] = "production"
    env["COURSE_DATABASE_URL"] = url
    env["COURSE_SECRET_KEY"] = secrets.token_urlsafe(48)
    env["COURSE_DATA_DIR"] = str(folder / "data")
    env["COURSE_POSTS_PER_MINUTE"] = str(10**9)
    return env


def fill_database(url: str, catalogue: Catalogue, secret: str, classes: int) -> Filled:
    """The answering pupils and their questions, and the dashboard's class of 30."""
    engine = create_engine(url)
    try:
        built = fill(engine, catalogue, 1, PUPILS_PER_CLASS, seed=1)
        pupils = add_pupils(engine, classes, secret)
    finally:
        engine.dispose()
    # As a browser holds them after signing in: the session, and the CSRF cookie its forms use
    # (without it, every page would set a new one).
    teacher = f"{SECURE_NAMES.teacher}={built.token}; {SECURE_NAMES.csrf}={new_csrf_cookie()}"
    return Filled(pupils, questions_for(catalogue), built.class_id, teacher)


def add_pupils(engine: object, classes: int, secret: str) -> tuple[Pupil, ...]:
    """`classes` classes of 30 pupils who have answered nothing, in one school; their cookies,
    interleaved class by class (pupil 1 of each class, then pupil 2 …)."""
    school_id, teacher_id = random_id(), random_id()
    class_ids = [random_id() for _ in range(classes)]
    learners, pupils = [], []
    for _ in range(PUPILS_PER_CLASS):
        for class_id in class_ids:
            token = new_token()
            learners.append(
                dict(
                    id=random_learner_id(),
                    token_hash=hash_token(token),
                    age_band=BAND,
                    class_id=class_id,
                )
            )
            pupils.append(pupil_for(token, secret))
    with write_session(engine) as session:  # type: ignore[arg-type]
        session.add(School(id=school_id, name="Answering School"))
        session.flush()
        session.add(
            Teacher(
                id=teacher_id,
                school_id=school_id,
                name="Teacher",
                email=f"{teacher_id}@bench.example",
                password_hash="-",
                email_confirmed=True,
            )
        )
        session.flush()
        session.execute(
            insert(SchoolClass),
            [
                dict(
                    id=class_id,
                    school_id=school_id,
                    owner_id=teacher_id,
                    name=f"Class {number + 1}",
                    age_band=BAND,
                    join_code=secrets.token_hex(4).upper(),
                    joining_open=True,
                )
                for number, class_id in enumerate(class_ids)
            ],
        )
        session.execute(insert(Learner), learners)
    return tuple(pupils)


def pupil_for(token: str, secret: str) -> Pupil:
    """The Cookie header and CSRF token a browser holds for this learner token."""
    cookies = {
        SECURE_NAMES.learner: encode_cookie(LearnerCookie(token=token), secret),
        SECURE_NAMES.csrf: new_csrf_cookie(),
    }
    csrf = csrf_token_for(cookies[SECURE_NAMES.csrf], secret, csrf_binding(cookies, SECURE_NAMES))
    return Pupil("; ".join(f"{name}={value}" for name, value in cookies.items()), csrf)


def questions_for(catalogue: Catalogue) -> tuple[Question, ...]:
    """Every question of the band answered with one POST (chats are step by step: left out)."""
    rng = random.Random(14)
    found = []
    for lesson, item in band_items(catalogue, BAND):
        fields = [answer_fields(item, rng) for _ in range(ANSWER_VARIANTS)]
        if fields[0] is not None:
            path = f"/lessons/{lesson.slug}/quiz/{item.id}"
            found.append(Question(path, tuple(urlencode(f) for f in fields if f is not None)))
    return tuple(found)


def answer_fields(item: Item, rng: random.Random) -> list[tuple[str, str]] | None:
    """A plausible answer's form fields, as the item's form sends them; None for a chat."""
    if isinstance(item, ChoiceItem):
        if item.type == "choice":
            return [("choice", rng.choice(item.options).id)]
        chosen = [o.id for o in item.options if rng.random() < 0.5] or [item.options[0].id]
        return [("choice", option) for option in chosen]
    if isinstance(item, RedFlagsItem):
        parts = [p.id for p in item.parts() if rng.random() < 0.5] or [item.parts()[0].id]
        return [("part", part) for part in parts]
    if isinstance(item, OrderItem):
        steps = [s.id for s in item.steps]
        rng.shuffle(steps)
        return [(f"position-{step}", str(n)) for n, step in enumerate(steps, start=1)]
    return None


def count_answers(url: str) -> int:
    """How many answers the database holds."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(Answer)).scalar_one())
    finally:
        engine.dispose()


def lua_string(value: str) -> str:
    """A Lua string literal (the values are URL-safe ASCII; quotes and backslashes escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_answer_script(
    path: Path, pupils: Sequence[Pupil], questions: Sequence[Question], port: int
) -> None:
    """A wrk script posting answer k = offset + thread + n × threads: pupil k mod P, question
    (k div P) mod Q. The offset (the script's argument) is the requests sent before."""
    pupil_rows = ",\n".join(f"{{{lua_string(p.cookie)}, {lua_string(p.csrf)}}}" for p in pupils)
    question_rows = ",\n".join(
        f"{{{lua_string(q.path)}, {{{', '.join(lua_string(b) for b in q.bodies)}}}}}"
        for q in questions
    )
    path.write_text(
        f"""-- generated by tests/perf/bench_data.py
local pupils = {{
{pupil_rows}
}}
local questions = {{
{question_rows}
}}
local origin = "http://{HOST}:{port}"
local threads = {WRK_THREADS}
local counter = 0
local offset = 0
local number = 0

function setup(thread)
  thread:set("thread_number", number)
  number = number + 1
end

function init(args)
  offset = tonumber(args[1] or "0") + thread_number
end

function request()
  local k = offset + counter * threads
  counter = counter + 1
  local p = k % #pupils
  local q = math.floor(k / #pupils) % #questions
  local pupil = pupils[p + 1]
  local question = questions[q + 1]
  local bodies = question[2]
  local headers = {{
    ["Cookie"] = pupil[1],
    ["X-CSRF-Token"] = pupil[2],
    ["HX-Request"] = "true",
    ["Origin"] = origin,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }}
  return wrk.format("POST", question[1], headers, bodies[(p % #bodies) + 1])
end
"""
    )
