"""Benchmark the teachers' dashboards against bare FastAPI: requests/s and p50/p99 latency.

Run it from the repository root with `.venv/bin/python -m tests.perf.dashboard [--seconds 10]`.
It builds two SQLite databases with `course migrate`, then fills them straight through SQL
(pupils, answers, chat steps, lessons, the film, and each class's snapshots replayed with the
app's own rule, `suppress.advance`):

    one class    a school with one class of 30 pupils, each having answered every question
    one school   a school of 100 such classes: 3,000 pupils, about 100,000 answers

Each is served with `course serve` and loaded with wrk as tests/perf/bench.py does (whose
functions this reuses), beside the same hello-world. It prints one table: the class dashboard
(page and htmx fragment) in both databases, so the cost of a class can be seen not to grow with
its school, and the school view and CSV of the big school. It exits 1 when any response was an
error. This is a script, not a pytest test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert

from course.content.loader import load_catalogue
from course.content.schema import BranchingItem, Catalogue, ChoiceItem, Item, OrderItem
from course.content.schema import RedFlagsItem as RedFlags
from course.db import write_session
from course.film.models import FilmEvent
from course.learning.models import Learner, LessonProgress, random_learner_id
from course.quizzes import scenarios
from course.quizzes.grading import encode_choice, encode_order, grade_order
from course.quizzes.models import Answer, ScenarioStep
from course.schools.models import School, SchoolClass, Teacher, random_id
from course.schools.sessions import start_session
from course.settings import REPO_ROOT
from course.stats.aggregate import band_items
from course.stats.models import BreakdownSnapshot
from course.stats.snapshots import CHOSE, CORRECT, answer_keys, decision_question, dump
from course.stats.suppress import Snapshot, advance
from tests.perf.bench import (
    WRK_THREADS,
    BenchError,
    Endpoint,
    Server,
    WrkResult,
    course_env,
    failures,
    measure,
    migrate,
    print_header,
    print_results,
    raise_on_sigterm,
    serve_course,
    serve_hello,
    stop,
    wait_until_up,
)

BAND = "14-18"
TARGET_RATIO = 0.1


@dataclass(frozen=True)
class Built:
    """A filled database: a class to look at, the admin's session token, and what it holds."""

    class_id: int
    token: str
    learners: int
    answers: int


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measured run")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers per server")
    parser.add_argument("--connections", type=int, default=20, help="open wrk connections")
    parser.add_argument("--classes", type=int, default=100, help="classes in the big school")
    parser.add_argument("--pupils", type=int, default=30, help="pupils in each class")
    args = parser.parse_args(argv)
    if args.seconds < 1 or args.workers < 1 or args.connections < WRK_THREADS:
        parser.error(f"--seconds and --workers must be ≥ 1, --connections ≥ {WRK_THREADS}")
    if not 1 <= args.classes <= 500 or not 1 <= args.pupils <= 60:
        parser.error("--classes is 1 to 500, --pupils 1 to 60")
    return args


def first_answer(item: Item, rng: random.Random) -> tuple[str, bool, tuple[str, ...]]:
    """A plausible first answer: its stored choice, whether it is right, and a chat's path."""
    if isinstance(item, ChoiceItem):
        right = frozenset(o.id for o in item.options if o.correct)
        if rng.random() < 0.65:
            chosen = right
        elif item.type == "choice":
            chosen = frozenset({rng.choice(item.options).id})
        else:
            chosen = frozenset(o.id for o in item.options if rng.random() < 0.5) or right
        return encode_choice(chosen), chosen == right, ()
    if isinstance(item, RedFlags):
        flags = item.flags()
        marked = frozenset(
            p.id for p in item.parts() if rng.random() < (0.8 if p.id in flags else 0.2)
        )
        marked = marked or flags
        return encode_choice(marked), marked == flags, ()
    if isinstance(item, OrderItem):
        steps = [s.id for s in item.steps]
        if rng.random() < 0.5:
            rng.shuffle(steps)
        order = tuple(steps)
        return encode_order(order), grade_order(item, order).correct, ()
    assert isinstance(item, BranchingItem)
    state = scenarios.start(item)
    while state.node.ending is None:
        state = scenarios.choose(
            item, state, rng.choice(scenarios.available_choices(item, state)).id
        )
    return state.node.id, state.node.ending == "safe", state.choices


def fill(engine: Engine, catalogue: Catalogue, classes: int, pupils: int, seed: int) -> Built:
    """A school of `classes` classes of `pupils` pupils, every pupil through every question."""
    rng = random.Random(seed)
    items = band_items(catalogue, BAND)
    lessons = catalogue.lessons_for(BAND)
    school_id, admin_id = random_id(), random_id()
    rows: dict[type, list[dict[str, object]]] = {
        t: []
        for t in (
            SchoolClass,
            Learner,
            Answer,
            ScenarioStep,
            LessonProgress,
            FilmEvent,
            BreakdownSnapshot,
        )
    }
    class_ids = []
    for number in range(classes):
        class_id = random_id()
        class_ids.append(class_id)
        rows[SchoolClass].append(
            dict(
                id=class_id,
                school_id=school_id,
                owner_id=admin_id,
                name=f"Class {number + 1}",
                age_band=BAND,
                join_code=secrets.token_hex(4).upper(),
                joining_open=True,
            )
        )
        tallies: dict[str, list[list[str]]] = {}
        for _ in range(pupils):
            learner = random_learner_id()
            rows[Learner].append(
                dict(id=learner, token_hash=secrets.token_hex(32), age_band=BAND, class_id=class_id)
            )
            done = rng.randint(0, len(lessons))
            for lesson in lessons[:done]:
                status = "skipped" if rng.random() < 0.05 else "completed"
                rows[LessonProgress].append(
                    dict(learner_id=learner, lesson_slug=lesson.slug, status=status)
                )
            for event in ("started", "finished")[: rng.randint(0, 2)]:
                rows[FilmEvent].append(dict(learner_id=learner, event=event))
            for lesson, item in items:
                choice, correct, path = first_answer(item, rng)
                rows[Answer].append(
                    dict(
                        learner_id=learner,
                        quiz_slug=lesson.quiz,
                        item_id=item.id,
                        choice=choice,
                        correct=correct,
                        content_version=catalogue.version,
                    )
                )
                if isinstance(item, BranchingItem):  # as snapshots.count_chat keeps it
                    keys = [CHOSE + choice, *([CORRECT] if correct else [])]
                else:
                    keys = answer_keys(choice, correct)
                tallies.setdefault(item.id, []).append(keys)
                if isinstance(item, BranchingItem):
                    node = item.node(item.start)
                    for step, choice_id in enumerate(path):
                        rows[ScenarioStep].append(
                            dict(
                                learner_id=learner,
                                quiz_slug=lesson.quiz,
                                item_id=item.id,
                                step=step,
                                node_id=node.id,
                                choice_id=choice_id,
                                content_version=catalogue.version,
                            )
                        )
                        question = decision_question(item.id, node.id)
                        tallies.setdefault(question, []).append([CHOSE + choice_id])
                        node = item.node(next(c for c in node.choices if c.id == choice_id).next)
        for question, given in tallies.items():
            rows[BreakdownSnapshot].append(replayed(class_id, question, given))
    with write_session(engine) as session:
        session.add(School(id=school_id, name="Benchmark School"))
        session.flush()
        session.add(
            Teacher(
                id=admin_id,
                school_id=school_id,
                name="Admin",
                email=f"{admin_id}@bench.example",
                password_hash="-",
                is_admin=True,
                email_confirmed=True,
            )
        )
        session.flush()
        for table, values in rows.items():
            if values:
                session.execute(insert(table), values)
        token = start_session(admin_id, two_factor_done=True, session=session)
    return Built(class_ids[0], token, len(rows[Learner]), len(rows[Answer]))


def replayed(class_id: int, question: str, given: list[list[str]]) -> dict[str, object]:
    """A snapshot row as the answer route leaves it after these answers, in this order."""
    live: Counter[str] = Counter()
    snapshot: Snapshot | None = None
    for number, keys in enumerate(given, start=1):
        live.update(set(keys))
        snapshot = advance(snapshot, number, live)
    return dict(
        class_id=class_id,
        question=question,
        respondents=snapshot.respondents if snapshot else 0,
        counts=dump(snapshot.counts) if snapshot else "{}",
        live_respondents=len(given),
        live_counts=dump(live),
    )


def serve_filled(
    name: str, catalogue: Catalogue, args: argparse.Namespace, tmp: Path, classes: int
) -> tuple[dict[str, str], Built]:
    """A fresh database for `course serve`, migrated and filled."""
    folder = tmp / name
    folder.mkdir()
    env = course_env(folder)
    migrate(env)
    engine = create_engine(env["COURSE_DATABASE_URL"])
    started = time.monotonic()
    built = fill(engine, catalogue, classes, args.pupils, seed=classes)
    engine.dispose()
    print(
        f"  {name}: {classes} classes, {built.learners} pupils, {built.answers} answers "
        f"(filled in {time.monotonic() - started:.1f}s)",
        flush=True,
    )
    return env, built


def benchmark(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> int:
    """Fill both databases, serve them, load each endpoint, print the table."""
    print_header(args)
    catalogue = load_catalogue(REPO_ROOT)
    print("filling the databases …", flush=True)
    small_env, small = serve_filled("one-class", catalogue, args, tmp, 1)
    big_env, big = serve_filled("one-school", catalogue, args, tmp, args.classes)
    servers.append(serve_hello(args.workers, tmp))
    servers.append(serve_course(small_env, args.workers, tmp / "one-class"))
    servers.append(serve_course(big_env, args.workers, tmp / "one-school"))
    hello, one_class, one_school = servers
    for server in servers:
        wait_until_up(server)

    def cookie(built: Built) -> tuple[str, ...]:
        return (f"Cookie: course_teacher={built.token}",)

    def page(built: Built) -> str:
        return f"/teachers/classes/{built.class_id}/dashboard"

    htmx = ("HX-Request: true",)
    endpoints = [
        Endpoint("hello-world (bare FastAPI)", hello.port, "/"),
        Endpoint("teacher home (for scale)", one_class.port, "/teachers", cookie(small)),
        Endpoint("class of 30: dashboard", one_class.port, page(small), cookie(small)),
        Endpoint("class of 30: fragment", one_class.port, page(small), (*cookie(small), *htmx)),
        Endpoint("same, in 3,000: dashboard", one_school.port, page(big), cookie(big)),
        Endpoint("same, in 3,000: fragment", one_school.port, page(big), (*cookie(big), *htmx)),
        Endpoint("same, in 3,000: class CSV", one_school.port, page(big) + ".csv", cookie(big)),
        Endpoint(
            "school of 3,000: view", one_school.port, "/teachers/school/dashboard", cookie(big)
        ),
        Endpoint(
            "school of 3,000: CSV", one_school.port, "/teachers/school/dashboard.csv", cookie(big)
        ),
    ]
    print("loading with wrk …", flush=True)
    results = [(e, measure(e, args.seconds, args.connections)) for e in endpoints]
    print_results(results)
    print_verdict(results)
    problems = failures(results)
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


def print_verdict(results: list[tuple[Endpoint, WrkResult]]) -> None:
    baseline = results[0][1].requests_per_second
    dashboard = results[2][1]
    ratio = dashboard.requests_per_second / baseline if baseline else 0.0
    in_school = results[4][1].requests_per_second
    growth = dashboard.requests_per_second / in_school if in_school else 0.0
    home = results[1][1].requests_per_second
    print()
    print(
        f"aim: a class dashboard ≥ {TARGET_RATIO}× hello-world: "
        f"{'MET' if ratio >= TARGET_RATIO else 'NOT MET'} "
        f"({ratio:.3f}×, p99 {dashboard.p99_ms:.1f} ms)"
    )
    print(
        f"the same class inside a school of 3,000 costs {growth:.2f}× as much per request "
        "(1.00 = no growth with the school)"
    )
    if home:
        print(
            f"a teacher's bare home page (sign-in lookup, layout) runs at {home / baseline:.3f}× "
            "hello-world: the floor under any teacher page"
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    raise_on_sigterm()
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="course-dashboard-") as tmp:
        try:
            return benchmark(args, Path(tmp), servers)
        except (BenchError, subprocess.TimeoutExpired) as error:
            print(f"FAIL {error}", file=sys.stderr)
            return 1
        finally:
            for server in reversed(servers):
                stop(server)


if __name__ == "__main__":
    sys.exit(main())
