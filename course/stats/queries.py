"""The grouped counts and stored snapshots a dashboard reads: a few queries per view, each
grouped in the database, so their cost follows the size of the class (or the school), never of
the whole database; the indexes they use are the tables' keys and `learner.class_id`.

The statements are built once and run on the session's connection, with their values bound
(building a statement, and the ORM's bookkeeping, cost more than a grouped count of a class).
Query functions take a keyword-only `session` and never commit (see course/db.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, case, exists, func, literal, or_, select, union
from sqlmodel import Session, col

from course.db import today
from course.film.models import FilmEvent
from course.learning.models import Learner, LessonProgress
from course.quizzes.models import Answer, ScenarioStep
from course.stats.figures import Sources
from course.stats.models import BreakdownSnapshot

IN_CLASS = col(Learner.class_id) == bindparam("class_id")
IN_CLASSES = col(Learner.class_id).in_(bindparam("class_ids", expanding=True))

JOINED = select(
    func.count(), func.count(case((col(Learner.last_seen_on) == bindparam("today"), 1)))
).where(IN_CLASS)

PROGRESS = (
    select(col(LessonProgress.lesson_slug), col(LessonProgress.status), func.count())
    .join(Learner, col(Learner.id) == col(LessonProgress.learner_id))
    .where(IN_CLASS)
    .group_by(col(LessonProgress.lesson_slug), col(LessonProgress.status))
)

FILM = (
    select(col(FilmEvent.event), func.count())
    .join(Learner, col(Learner.id) == col(FilmEvent.learner_id))
    .where(IN_CLASS)
    .group_by(col(FilmEvent.event))
)

SNAPSHOTS = (
    select(
        col(BreakdownSnapshot.question),
        col(BreakdownSnapshot.respondents),
        col(BreakdownSnapshot.counts),
    )
    .where(
        col(BreakdownSnapshot.class_id).in_(bindparam("class_ids", expanding=True)),
        col(BreakdownSnapshot.respondents) >= bindparam("k"),
    )
    .order_by(col(BreakdownSnapshot.question), col(BreakdownSnapshot.class_id))
)

STARTED_ANYTHING = or_(
    exists().where(col(LessonProgress.learner_id) == col(Learner.id)),
    exists().where(col(Answer.learner_id) == col(Learner.id)),
    exists().where(col(ScenarioStep.learner_id) == col(Learner.id)),
)
CLASS_COUNTS = (
    select(col(Learner.class_id), func.count(), func.count(case((STARTED_ANYTHING, 1))))
    .where(IN_CLASSES)
    .group_by(col(Learner.class_id))
)


def rows(statement: Any, session: Session, **values: Any) -> Sequence[Any]:
    """Run a prebuilt statement on the session's connection."""
    return session.connection().execute(statement, values).all()


def joined_counts(class_id: int, *, session: Session) -> tuple[int, int]:
    """How many pupils joined the class, and how many of them were seen today."""
    [(joined, seen)] = rows(JOINED, session, class_id=class_id, today=today())
    return int(joined), int(seen)


def progress_counts(class_id: int, *, session: Session) -> dict[tuple[str, str], int]:
    """Pupils who completed or skipped each lesson: (lesson slug, status) -> how many."""
    found = rows(PROGRESS, session, class_id=class_id)
    return {(slug, status): int(n) for slug, status, n in found}


def film_counts(class_id: int, *, session: Session) -> dict[str, int]:
    """Pupils who started and who finished the film."""
    return {event: int(n) for event, n in rows(FILM, session, class_id=class_id)}


@lru_cache(maxsize=64)
def started_statement(quiz_lessons: tuple[tuple[str, str], ...]) -> Select[Any, Any]:
    """Pupils of a class per lesson they left a trace of: a progress row, or an answer or a
    chat step in its quiz (`quiz_lessons` maps each quiz to its lesson)."""
    traces: list[Select[Any, Any]] = [
        select(col(LessonProgress.learner_id), col(LessonProgress.lesson_slug).label("lesson"))
        .join(Learner, col(Learner.id) == col(LessonProgress.learner_id))
        .where(IN_CLASS)
    ]
    if quiz_lessons:
        for table in (Answer, ScenarioStep):
            lesson = case(dict(quiz_lessons), value=col(table.quiz_slug), else_=literal(None))
            traces.append(
                select(col(table.learner_id), lesson.label("lesson"))
                .join(Learner, col(Learner.id) == col(table.learner_id))
                .where(IN_CLASS)
            )
    each = union(*traces).subquery()  # one row per pupil and lesson
    return select(each.c.lesson, func.count()).group_by(each.c.lesson)


def started_counts(
    class_id: int, quiz_lessons: Mapping[str, str], *, session: Session
) -> dict[str, int]:
    """Pupils who started each lesson, by lesson slug."""
    statement = started_statement(tuple(sorted(quiz_lessons.items())))
    found = rows(statement, session, class_id=class_id)
    return {lesson: int(n) for lesson, n in found if lesson is not None}


@lru_cache(maxsize=64)
def completed_all_statement(slugs: tuple[str, ...]) -> Select[Any, Any]:
    """Pupils of each class who completed every one of these lessons."""
    each = (
        select(col(Learner.class_id).label("class_id"))
        .join(LessonProgress, col(LessonProgress.learner_id) == col(Learner.id))
        .where(
            IN_CLASSES,
            col(LessonProgress.status) == "completed",
            col(LessonProgress.lesson_slug).in_(slugs),
        )
        .group_by(col(Learner.class_id), col(Learner.id))
        .having(func.count() == len(slugs))
        .subquery()
    )
    return select(each.c.class_id, func.count()).group_by(each.c.class_id)


def completed_all_counts(
    class_ids: Sequence[int], slugs: Sequence[str], *, session: Session
) -> dict[int, int]:
    """Pupils of each class who completed every one of these lessons, by class."""
    if not class_ids or not slugs:
        return {}
    statement = completed_all_statement(tuple(slugs))
    found = rows(statement, session, class_ids=list(class_ids))
    return {int(class_id): int(n) for class_id, n in found}


def class_counts(class_ids: Sequence[int], *, session: Session) -> dict[int, tuple[int, int]]:
    """For each class: pupils joined, and pupils who started anything."""
    if not class_ids:
        return {}
    found = rows(CLASS_COUNTS, session, class_ids=list(class_ids))
    return {int(c): (int(joined), int(n)) for c, joined, n in found}


def group_sources(
    class_ids: Sequence[int], min_group: int, *, session: Session
) -> dict[str, Sources]:
    """The shown snapshots (k or more respondents) of these classes, by question; never the
    running totals beside them."""
    if not class_ids:
        return {}
    found = rows(SNAPSHOTS, session, class_ids=list(class_ids), k=min_group)
    sources: dict[str, list[tuple[int, str]]] = {}
    for question, respondents, counts in found:
        sources.setdefault(question, []).append((int(respondents), counts))
    return {question: tuple(kept) for question, kept in sources.items()}
