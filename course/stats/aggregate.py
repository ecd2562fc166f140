"""A class's and a school's statistics, as the dashboards, their fragment and the CSV show them.

Counts of pupils (joined, started, completed, skipped, completed every lesson, the film) are
exact, from grouped counts (course/stats/queries.py). Every breakdown (shares of answers, chat
choice maps, red-flag detection rates) comes from stored snapshots through `combine` and
`suppress`, in course/stats/figures.py; nothing here reads a running total or an answer.

"Started" a lesson means the pupil left a trace of it: they completed it, skipped it, or
answered anything in its quiz (an answer, or a step in one of its chats). Opening a page stores
nothing, so a pupil who has only read a lesson is not counted yet. A skipped lesson is never
counted as completed. On the school view, "started" means started at least one lesson.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from course.content.schema import Catalogue, Item, Lesson
from course.schools.models import School, SchoolClass
from course.stats import queries
from course.stats.figures import QuestionStats, ordered, question_stats
from course.stats.suppress import exact_count


@dataclass(frozen=True)
class LessonCounts:
    """How many pupils started, completed and skipped one lesson (exact)."""

    slug: str
    title: str
    started: int
    completed: int
    skipped: int


@dataclass(frozen=True)
class ClassStats:
    """Everything the class dashboard shows."""

    class_id: int
    name: str
    age_band: str
    joined: int
    completed_all: int
    lessons: tuple[LessonCounts, ...]
    film_started: int
    film_finished: int
    questions: tuple[QuestionStats, ...]  # worth discussing first, then the rest in order
    min_group: int
    live: bool  # pupils are at work (joining is open, or one was seen today): keep refreshing


@dataclass(frozen=True)
class ClassRow:
    """One class in the school view (exact counts)."""

    class_id: int
    name: str
    age_band: str
    joined: int
    started: int
    completed_all: int


@dataclass(frozen=True)
class SchoolStats:
    """Everything the school view shows: each class, the total, and the school's breakdowns."""

    name: str
    classes: tuple[ClassRow, ...]
    joined: int
    started: int
    completed_all: int
    questions: tuple[QuestionStats, ...]
    min_group: int


def band_items(catalogue: Catalogue, age_band: str) -> list[tuple[Lesson, Item]]:
    """Each item a band sees, with its lesson, in course order."""
    found = []
    for lesson in catalogue.lessons_for(age_band):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        found += [(lesson, item) for item in (quiz.items_for(age_band) if quiz else ())]
    return found


def class_stats(
    catalogue: Catalogue, found: SchoolClass, min_group: int, *, session: Session
) -> ClassStats:
    """The class dashboard's figures: six grouped queries, whatever the size of the class."""
    lessons = catalogue.lessons_for(found.age_band)
    joined, seen_today = queries.joined_counts(found.id, session=session)
    progress = queries.progress_counts(found.id, session=session)
    quiz_lessons = {lesson.quiz: lesson.slug for lesson in lessons if lesson.quiz}
    started = queries.started_counts(found.id, quiz_lessons, session=session)
    film = queries.film_counts(found.id, session=session)
    slugs = [lesson.slug for lesson in lessons]
    done = queries.completed_all_counts([found.id], slugs, session=session)
    sources = queries.group_sources([found.id], min_group, session=session)
    questions = [
        question_stats(catalogue.version, lesson, item, sources, min_group)
        for lesson, item in band_items(catalogue, found.age_band)
    ]
    return ClassStats(
        class_id=found.id,
        name=found.name,
        age_band=found.age_band,
        joined=exact_count(joined),
        completed_all=exact_count(done.get(found.id, 0)),
        lessons=tuple(
            LessonCounts(
                lesson.slug,
                lesson.title,
                started=exact_count(started.get(lesson.slug, 0)),
                completed=exact_count(progress.get((lesson.slug, "completed"), 0)),
                skipped=exact_count(progress.get((lesson.slug, "skipped"), 0)),
            )
            for lesson in lessons
        ),
        film_started=exact_count(film.get("started", 0)),
        film_finished=exact_count(film.get("finished", 0)),
        questions=ordered(questions),
        min_group=min_group,
        live=found.joining_open or seen_today > 0,
    )


def school_stats(
    catalogue: Catalogue,
    school_id: int,
    classes: Sequence[SchoolClass],
    min_group: int,
    *,
    session: Session,
) -> SchoolStats:
    """The school view: each class's exact counts, the totals, and the school's breakdowns,
    each the `combine` of its classes' shown snapshots (a class below k adds nothing)."""
    school = session.get(School, school_id)
    ids = [found.id for found in classes]
    counts = queries.class_counts(ids, session=session)
    bands = sorted({found.age_band for found in classes})
    done: dict[int, int] = {}
    for band in bands:
        in_band = [found.id for found in classes if found.age_band == band]
        slugs = [lesson.slug for lesson in catalogue.lessons_for(band)]
        done |= queries.completed_all_counts(in_band, slugs, session=session)
    rows = tuple(
        ClassRow(
            found.id,
            found.name,
            found.age_band,
            joined=exact_count(counts.get(found.id, (0, 0))[0]),
            started=exact_count(counts.get(found.id, (0, 0))[1]),
            completed_all=exact_count(done.get(found.id, 0)),
        )
        for found in classes
    )
    sources = queries.group_sources(ids, min_group, session=session)
    seen: dict[str, tuple[Lesson, Item]] = {}
    for band in bands:
        for lesson, item in band_items(catalogue, band):
            seen.setdefault(item.id, (lesson, item))
    order = {item.id: n for n, (_, item) in enumerate(every_item(catalogue))}
    questions = [
        question_stats(catalogue.version, lesson, item, sources, min_group)
        for lesson, item in sorted(seen.values(), key=lambda pair: order[pair[1].id])
    ]
    return SchoolStats(
        name=school.name if school else "",
        classes=rows,
        joined=sum(row.joined for row in rows),
        started=sum(row.started for row in rows),
        completed_all=sum(row.completed_all for row in rows),
        questions=ordered(questions),
        min_group=min_group,
    )


def every_item(catalogue: Catalogue) -> list[tuple[Lesson, Item]]:
    """Every item of every quiz, with its lesson, in course order."""
    found = []
    for lesson in catalogue.lessons:
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        found += [(lesson, item) for item in (quiz.items if quiz else ())]
    return found
