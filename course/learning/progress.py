"""Learner progress: who is this device, which lessons are done, and where to go next.

Query functions take a keyword-only `session` and never commit: the use case that calls them
opens one write session (course.db.write_session) and commits once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, delete, select, update
from sqlmodel import Session, col

from course.content.schema import Catalogue, Lesson
from course.db import prebuilt_inserts, today
from course.learning.identity import hash_token, new_token
from course.learning.models import Learner, LessonProgress, random_learner_id


@dataclass(frozen=True)
class KnownLearner:
    """The learner behind this request's cookie: their row id, age band, and class if any."""

    id: int
    age_band: str
    class_id: int | None = None


# The one query on nearly every request, written for the driver directly: through the ORM it
# costs about eight times as much (see tests/perf/bench.py). It only reads, so it needs no
# session; it takes the engine and returns its connection at once.
FIND_LEARNER = "SELECT id, age_band, class_id FROM learner WHERE token_hash = {marker}"
MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def read_rows(engine: Engine, statement: str, parameters: tuple[Any, ...]) -> Sequence[Any]:
    """Run one read on a pooled connection's driver and return its rows. On PostgreSQL it runs
    outside a transaction (autocommit), so handing the connection back costs no ROLLBACK."""
    query = statement.format(marker=MARKERS[engine.dialect.paramstyle])
    connection = engine.raw_connection()
    outside = engine.dialect.name == "postgresql"
    try:
        if outside:
            connection.driver_connection.autocommit = True  # type: ignore[union-attr]
        try:
            cursor = connection.cursor()
            cursor.execute(query, parameters)
            rows = cursor.fetchall()
            cursor.close()
        finally:
            if outside:
                connection.driver_connection.autocommit = False  # type: ignore[union-attr]
    finally:
        connection.close()
    return rows


def find_learner(engine: Engine, token: str) -> KnownLearner | None:
    """The learner holding this token, if the database still knows them."""
    rows = read_rows(engine, FIND_LEARNER, (hash_token(token),))
    return KnownLearner(id=rows[0][0], age_band=rows[0][1], class_id=rows[0][2]) if rows else None


LESSON_STATUSES = "SELECT lesson_slug, status FROM lesson_progress WHERE learner_id = {marker}"


def lesson_statuses(engine: Engine, learner_id: int) -> dict[str, str]:
    """The learner's lessons with a status (slug to completed, skipped or unfinished), read
    as find_learner reads."""
    rows = read_rows(engine, LESSON_STATUSES, (learner_id,))
    return {str(slug): str(status) for slug, status in rows}


# The lesson page, which a whole class opens at once, needs both: one query, one round trip.
LEARNER_AND_LESSONS = (
    "SELECT learner.id, learner.age_band, learner.class_id, lesson_progress.lesson_slug, "
    "lesson_progress.status FROM learner LEFT JOIN lesson_progress "
    "ON lesson_progress.learner_id = learner.id WHERE learner.token_hash = {marker}"
)


def find_learner_and_lessons(
    engine: Engine, token: str
) -> tuple[KnownLearner | None, dict[str, str]]:
    """find_learner and lesson_statuses in one query: the learner (or None) and their lessons."""
    rows = read_rows(engine, LEARNER_AND_LESSONS, (hash_token(token),))
    if not rows:
        return None, {}
    learner = KnownLearner(id=rows[0][0], age_band=rows[0][1], class_id=rows[0][2])
    return learner, {str(row[3]): str(row[4]) for row in rows if row[3] is not None}


def create_learner(
    age_band: str, *, session: Session, class_id: int | None = None
) -> tuple[str, KnownLearner]:
    """A new anonymous learner, under a random id, in a class if given; returns the token for
    the cookie and the learner."""
    token = new_token()
    learner = Learner(
        id=random_learner_id(), token_hash=hash_token(token), age_band=age_band, class_id=class_id
    )
    session.add(learner)
    session.flush()
    return token, KnownLearner(id=learner.id, age_band=age_band, class_id=class_id)


def change_age_band(learner_id: int, age_band: str, *, session: Session) -> None:
    """Switch the learner to another age band, keeping their progress."""
    session.execute(
        update(Learner)
        .where(col(Learner.id) == learner_id)
        .values(age_band=age_band, last_seen_on=today())
    )


# The writes of nearly every answer, built once (see course/quizzes/queries.py).
MARK_SEEN = (
    update(Learner)
    .where(
        col(Learner.id) == bindparam("learner_id"), col(Learner.last_seen_on) != bindparam("today")
    )
    .values(last_seen_on=bindparam("today"))
)


def mark_seen(learner_id: int, *, session: Session) -> None:
    """Move the learner's last-seen day to today, inside a write (retention counts from it)."""
    session.connection().execute(MARK_SEEN, {"learner_id": learner_id, "today": today()})


# A lesson's status, and the rule that decides it:
# - "completed": a lesson without questions when the learner pressed Next; a lesson with
#   questions once every item of the learner's age band has an answer (recorded by the quiz in
#   the transaction that stores the last answer). Completed replaces any other status.
# - "skipped": the learner pressed "Skip this lesson".
# - "unfinished": they moved on from the questions ("Next lesson") with some left unanswered.
# Only "completed" ever counts as done; the others keep the first record.
COMPLETED, SKIPPED, UNFINISHED = "completed", "skipped", "unfinished"
# Recording one, as the last answer of a quiz does: built once.
COMPLETE_LESSON = (
    update(LessonProgress)
    .where(
        col(LessonProgress.learner_id) == bindparam("row_learner"),
        col(LessonProgress.lesson_slug) == bindparam("row_lesson"),
    )
    .values(status=COMPLETED, recorded_on=bindparam("today"))
)
RECORD_LESSON = prebuilt_inserts(
    LessonProgress,
    lambda insert: insert.values(
        learner_id=bindparam("learner_id"),
        lesson_slug=bindparam("lesson_slug"),
        status=bindparam("status"),
        recorded_on=bindparam("today"),
    ).on_conflict_do_nothing(),
)


def record_lesson(learner_id: int, slug: str, status: str, *, session: Session) -> None:
    """Record a lesson's status: completed replaces any other; otherwise the first stays."""
    connection = session.connection()
    row = {"learner_id": learner_id, "lesson_slug": slug, "status": status, "today": today()}
    if status == COMPLETED:
        connection.execute(COMPLETE_LESSON, {**row, "row_learner": learner_id, "row_lesson": slug})
    connection.execute(RECORD_LESSON[connection.dialect.name], row)


def finished_lessons(learner_id: int, *, session: Session) -> dict[str, str]:
    """The lessons the learner has left a status on: slug to completed, skipped or unfinished."""
    query = select(LessonProgress.lesson_slug, LessonProgress.status).where(  # type: ignore[call-overload]
        col(LessonProgress.learner_id) == learner_id
    )
    return {row.lesson_slug: row.status for row in session.execute(query)}


def purge_learners(retention_days: int, *, session: Session, today_: dt.date | None = None) -> int:
    """Delete learners not seen for retention_days, with all they answered; returns how many."""
    cutoff = (today_ or today()) - dt.timedelta(days=retention_days)
    result = session.execute(delete(Learner).where(col(Learner.last_seen_on) < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def resume_lesson(catalogue: Catalogue, age_band: str, finished: dict[str, str]) -> Lesson | None:
    """Where a returning learner picks up: the first lesson they have not yet completed, skipped
    or moved on from (None: they reached the end)."""
    return next(
        (lesson for lesson in catalogue.lessons_for(age_band) if lesson.slug not in finished),
        None,
    )


def revoke_learner(token: str, *, session: Session) -> None:
    """Make a learner's token worthless: their row keeps what they did, under a hash that no
    cookie holds any more (the quick exit)."""
    session.execute(
        update(Learner)
        .where(col(Learner.token_hash) == hash_token(token))
        .values(token_hash=hash_token(new_token()))
    )
