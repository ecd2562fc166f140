"""A class's and a school's statistics, as the dashboard, its fragment and the CSV show them.

Counts of pupils (joined, started, completed, skipped, the film) are exact, from a handful of
grouped queries whose cost follows the size of the class, not of the school or of the whole
database. Every breakdown (shares of answers, chat choice maps, red-flag detection rates) comes
from the class's snapshots (course/stats/snapshots.py) and goes through `suppress` in one place,
`figure`; nothing here reads a running total or an individual answer for showing.

"Started" a lesson means the pupil left any trace of it: they finished it (completed), skipped
it, or answered anything in its quiz (an answer, or a step in one of its chats). Opening a page
stores nothing, so a pupil who only read a lesson counts as started once they finish it.
A skipped lesson is never counted as completed.

Query functions take a keyword-only `session` and never commit (see course/db.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, exists, func, literal, or_, select, union
from sqlmodel import Session, col

from course.content.schema import BranchingItem, Catalogue, ChoiceItem, Item, Lesson, OrderItem
from course.content.schema import RedFlagsItem as RedFlags
from course.db import today
from course.film.models import FilmEvent
from course.learning.models import Learner, LessonProgress
from course.quizzes.models import Answer, ScenarioStep
from course.schools.models import School, SchoolClass
from course.stats import categories as cats
from course.stats.models import BreakdownSnapshot
from course.stats.snapshots import CORRECT, decision_question, shown_snapshot
from course.stats.suppress import Hidden, Snapshot, combine, exact_count, suppress

WORTH_DISCUSSING_BELOW = 50  # percent right at the first attempt
RIGHT_FIRST_TIME = "right at the first attempt"
PROMPT_LENGTH = 240


# --- what is shown -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One category of a shown breakdown: how it reads, its share, and what it is."""

    label: str
    share: str  # "45%", "all or nearly all", "none or almost none"
    percent: int
    right: bool | None
    note: str


@dataclass(frozen=True)
class Figure:
    """One breakdown as a teacher sees it: its bars, or why it is held back."""

    key: str  # the question, for ids in the page and the CSV
    title: str
    bars: tuple[Bar, ...] = ()
    right: Bar | None = None  # right at the first attempt, for a graded question
    respondents: int = 0  # how many answers the shown snapshot holds (a multiple of 5)
    held_back: str | None = None

    @property
    def shown(self) -> bool:
        return self.held_back is None


@dataclass(frozen=True)
class QuestionStats:
    """One quiz item: right at the first attempt, the commonest mistake, every category."""

    item_id: str
    kind: str
    lesson: str
    prompt: str
    figure: Figure
    right: str | None  # the share right at the first attempt; None while held back
    right_percent: int | None
    mistake_measure: str  # e.g. "most chosen wrong answer"
    mistake: str | None  # the category, when one stands out
    decisions: tuple[Figure, ...] = ()  # a chat's choice map, one figure per decision

    @property
    def worth_discussing(self) -> bool:
        """Most of the group got it wrong at the first attempt."""
        return self.right_percent is not None and self.right_percent < WORTH_DISCUSSING_BELOW


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

    @property
    def worth_discussing(self) -> tuple[QuestionStats, ...]:
        return tuple(q for q in self.questions if q.worth_discussing)


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


# --- the one path from a snapshot to what is shown -----------------------------------------


def figure(
    key: str,
    title: str,
    snapshot: Snapshot | None,
    min_group: int,
    categories: Sequence[cats.Category],
    *,
    graded: bool,
) -> Figure:
    """A breakdown as shown: through `suppress`, so held back below k, shares never counts.
    A graded question also shows the share right at the first attempt."""
    breakdown = suppress(snapshot, min_group, [c.id for c in categories])
    if isinstance(breakdown, Hidden):
        return Figure(key, title, held_back=breakdown.message)
    bars = []
    for category in categories:
        share = breakdown.share(category.id)
        bars.append(Bar(category.label, share.label, share.percent, category.right, category.note))
    right = None
    if graded:
        share = breakdown.share(CORRECT)
        right = Bar(RIGHT_FIRST_TIME, share.label, share.percent, True, "")
    return Figure(key, title, tuple(bars), right, breakdown.respondents)


def question_stats(
    item: Item,
    lesson: Lesson,
    snapshots: Mapping[str, Snapshot | None],
    min_group: int,
) -> QuestionStats:
    """One item's figure (and a chat's decisions) from its snapshots."""
    prompt = cats.plain(item.prompt_html, limit=PROMPT_LENGTH)
    categories = cats.categories(item)
    snapshot = cats.item_snapshot(item, snapshots.get(item.id))
    shown = figure(item.id, prompt, snapshot, min_group, categories, graded=True)
    decisions: tuple[Figure, ...] = ()
    if isinstance(item, BranchingItem):
        decisions = tuple(
            figure(
                decision_question(item.id, node.id),
                cats.decision_label(node),
                cats.decision_snapshot(node, snapshots.get(decision_question(item.id, node.id))),
                min_group,
                cats.decision_categories(node),
                graded=False,
            )
            for node in cats.decision_nodes(item)
        )
    measure, mistake = commonest_mistake(item, shown)
    right = shown.right
    return QuestionStats(
        item_id=item.id,
        kind=item.type,
        lesson=lesson.title,
        prompt=prompt,
        figure=shown,
        right=right.share if right else None,
        right_percent=right.percent if right else None,
        mistake_measure=measure,
        mistake=mistake,
        decisions=decisions,
    )


def commonest_mistake(item: Item, shown: Figure) -> tuple[str, str | None]:
    """What most often went wrong, judged by the shown (rounded) shares alone, so it says no
    more than the bars do: the wrong answer chosen most, the warning sign most often missed,
    the step most often out of place, the risky ending reached most."""
    bars = shown.bars
    if isinstance(item, ChoiceItem):
        measure, wrong = "most chosen wrong answer", [b for b in bars if b.right is False]
    elif isinstance(item, RedFlags):
        measure, wrong = "warning sign most often missed", [b for b in bars if b.right]
        wrong = [Bar(b.label, b.share, 100 - b.percent, b.right, b.note) for b in wrong]
    elif isinstance(item, OrderItem):
        measure = "step most often out of place"
        wrong = [Bar(b.label, b.share, 100 - b.percent, b.right, b.note) for b in bars]
    else:
        measure, wrong = "risky ending reached most", [b for b in bars if b.right is False]
    # `percent` now reads "how wrong": the first of the largest wins, and none at zero.
    worst = max(wrong, key=lambda b: b.percent, default=None)
    return measure, worst.label if worst is not None and worst.percent > 0 else None


def ordered(questions: Iterable[QuestionStats]) -> tuple[QuestionStats, ...]:
    """Worth discussing first (the least right first), then the rest in course order."""
    listed = list(questions)
    first = sorted((q for q in listed if q.worth_discussing), key=lambda q: q.right_percent or 0)
    return (*first, *(q for q in listed if not q.worth_discussing))


def band_items(catalogue: Catalogue, age_band: str) -> list[tuple[Lesson, Item]]:
    """Each item a band sees, with its lesson, in course order."""
    found = []
    for lesson in catalogue.lessons_for(age_band):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        found += [(lesson, item) for item in (quiz.items_for(age_band) if quiz else ())]
    return found


# --- the class -----------------------------------------------------------------------------


def class_stats(
    catalogue: Catalogue, found: SchoolClass, min_group: int, *, session: Session
) -> ClassStats:
    """The class dashboard's figures: six grouped queries, whatever the size of the class."""
    lessons = catalogue.lessons_for(found.age_band)
    joined, seen_today = joined_counts(found.id, session=session)
    progress = progress_counts(found.id, session=session)
    started = started_counts(found.id, quiz_lessons(lessons), session=session)
    film = film_counts(found.id, session=session)
    done = completed_all_counts([found.id], lessons, session=session).get(found.id, 0)
    snapshots = {question: s for (_, question), s in class_snapshots([found.id], session=session)}
    questions = [
        question_stats(item, lesson, snapshots, min_group)
        for lesson, item in band_items(catalogue, found.age_band)
    ]
    return ClassStats(
        class_id=found.id,
        name=found.name,
        age_band=found.age_band,
        joined=exact_count(joined),
        completed_all=exact_count(done),
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


def quiz_lessons(lessons: Iterable[Lesson]) -> dict[str, str]:
    """Each quiz's lesson, by quiz slug."""
    return {lesson.quiz: lesson.slug for lesson in lessons if lesson.quiz}


def joined_counts(class_id: int, *, session: Session) -> tuple[int, int]:
    """How many pupils joined the class, and how many of them were seen today."""
    query = select(func.count(), func.count(case((col(Learner.last_seen_on) == today(), 1)))).where(
        col(Learner.class_id) == class_id
    )
    joined, seen = session.execute(query).one()
    return int(joined), int(seen)


def progress_counts(class_id: int, *, session: Session) -> dict[tuple[str, str], int]:
    """Pupils who completed or skipped each lesson: (lesson slug, status) -> how many."""
    query = (
        select(col(LessonProgress.lesson_slug), col(LessonProgress.status), func.count())
        .join(Learner, col(Learner.id) == col(LessonProgress.learner_id))
        .where(col(Learner.class_id) == class_id)
        .group_by(col(LessonProgress.lesson_slug), col(LessonProgress.status))
    )
    return {(slug, status): int(n) for slug, status, n in session.execute(query)}


def started_counts(
    class_id: int, quiz_lessons: Mapping[str, str], *, session: Session
) -> dict[str, int]:
    """Pupils who started each lesson (a progress row, an answer or a chat step in its quiz)."""
    traces: list[Select[Any, Any]] = [
        select(col(LessonProgress.learner_id), col(LessonProgress.lesson_slug).label("lesson"))
        .join(Learner, col(Learner.id) == col(LessonProgress.learner_id))
        .where(col(Learner.class_id) == class_id)
    ]
    if quiz_lessons:
        for table in (Answer, ScenarioStep):
            lesson = case(quiz_lessons, value=col(table.quiz_slug), else_=literal(None))
            traces.append(
                select(col(table.learner_id), lesson.label("lesson"))
                .join(Learner, col(Learner.id) == col(table.learner_id))
                .where(col(Learner.class_id) == class_id)
            )
    each = union(*traces).subquery()  # one row per pupil and lesson
    query = select(each.c.lesson, func.count()).group_by(each.c.lesson)
    return {lesson: int(n) for lesson, n in session.execute(query) if lesson is not None}


def film_counts(class_id: int, *, session: Session) -> dict[str, int]:
    """Pupils who started and who finished the film."""
    query = (
        select(col(FilmEvent.event), func.count())
        .join(Learner, col(Learner.id) == col(FilmEvent.learner_id))
        .where(col(Learner.class_id) == class_id)
        .group_by(col(FilmEvent.event))
    )
    return {event: int(n) for event, n in session.execute(query)}


def completed_all_counts(
    class_ids: Sequence[int], lessons: Sequence[Lesson], *, session: Session
) -> dict[int, int]:
    """Pupils of each class who completed every one of these lessons."""
    if not class_ids or not lessons:
        return {}
    slugs = [lesson.slug for lesson in lessons]
    each = (
        select(col(Learner.class_id).label("class_id"))
        .join(LessonProgress, col(LessonProgress.learner_id) == col(Learner.id))
        .where(
            col(Learner.class_id).in_(class_ids),
            col(LessonProgress.status) == "completed",
            col(LessonProgress.lesson_slug).in_(slugs),
        )
        .group_by(col(Learner.class_id), col(Learner.id))
        .having(func.count() == len(slugs))
        .subquery()
    )
    query = select(each.c.class_id, func.count()).group_by(each.c.class_id)
    return {int(class_id): int(n) for class_id, n in session.execute(query)}


def class_snapshots(
    class_ids: Sequence[int], *, session: Session
) -> list[tuple[tuple[int, str], Snapshot | None]]:
    """The shown snapshots of these classes, by (class, question); never the running totals."""
    if not class_ids:
        return []
    query = select(
        col(BreakdownSnapshot.class_id),
        col(BreakdownSnapshot.question),
        col(BreakdownSnapshot.respondents),
        col(BreakdownSnapshot.counts),
    ).where(col(BreakdownSnapshot.class_id).in_(class_ids), col(BreakdownSnapshot.respondents) > 0)
    return [
        ((int(class_id), question), shown_snapshot(respondents, counts))
        for class_id, question, respondents, counts in session.execute(query)
    ]


# --- the school ----------------------------------------------------------------------------


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
    counts = school_counts(ids, session=session)
    done: dict[int, int] = {}
    for band in sorted({found.age_band for found in classes}):
        in_band = [found.id for found in classes if found.age_band == band]
        lessons = catalogue.lessons_for(band)
        done |= completed_all_counts(in_band, lessons, session=session)
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
    by_question: dict[str, list[Snapshot | None]] = {}
    for (_, question), snapshot in class_snapshots(ids, session=session):
        by_question.setdefault(question, []).append(snapshot)
    snapshots = {q: combine(found, min_group) for q, found in by_question.items()}
    bands = {found.age_band for found in classes}
    questions = [
        question_stats(item, lesson, snapshots, min_group)
        for lesson, item in every_item(catalogue)
        if bands & set(lesson.audiences) & set(item.audiences)
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


def school_counts(class_ids: Sequence[int], *, session: Session) -> dict[int, tuple[int, int]]:
    """For each class: pupils joined, and pupils who started anything (one grouped query)."""
    if not class_ids:
        return {}
    started = or_(
        exists().where(col(LessonProgress.learner_id) == col(Learner.id)),
        exists().where(col(Answer.learner_id) == col(Learner.id)),
        exists().where(col(ScenarioStep.learner_id) == col(Learner.id)),
    )
    query = (
        select(col(Learner.class_id), func.count(), func.count(case((started, 1))))
        .where(col(Learner.class_id).in_(class_ids))
        .group_by(col(Learner.class_id))
    )
    return {int(c): (int(joined), int(n)) for c, joined, n in session.execute(query)}
