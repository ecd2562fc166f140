"""A class's and a school's statistics on real databases: exact counts of pupils, breakdowns
only from snapshots of k or more, worth-discussing first, and a cost that does not grow with
the class (the same few queries for 5 pupils or 30)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event

from course.content.schema import BranchingItem, Catalogue
from course.db import create_db_engine, read_session
from course.quizzes.answering import take_decision
from course.quizzes.scenarios import available_choices, start
from course.schools.classes import Viewer, classes_for
from course.schools.models import SchoolClass
from course.stats.aggregate import ClassStats, SchoolStats, class_stats, school_stats
from course.stats.snapshots import decision_question
from tests.unit.stats.rows import (
    add_class,
    add_learners,
    add_school,
    add_teacher,
    answer,
    find,
    record_film,
    record_progress,
    walk_chat,
    where,
)

K = 10
CHOICE = "wis-who-is-to-blame"  # options sam, criminal (right), both
CHAT = "wtd-the-threat-chat"
HELD_BACK = "Shown when at least 10 pupils have answered."


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def school(engine: Engine) -> tuple[int, int]:
    school_id = add_school(engine)
    return school_id, add_teacher(engine, school_id, admin=True)


def stats_of(engine: Engine, catalogue: Catalogue, class_id: int) -> ClassStats:
    with read_session(engine) as session:
        found = session.get(SchoolClass, class_id)
        assert found is not None
        return class_stats(catalogue, found, K, session=session)


def school_of(engine: Engine, catalogue: Catalogue, school: tuple[int, int]) -> SchoolStats:
    with read_session(engine) as session:
        classes = classes_for(Viewer(school[1], school[0], True), session=session)
        return school_stats(catalogue, school[0], classes, K, session=session)


def question(stats: ClassStats | SchoolStats, item_id: str):  # type: ignore[no-untyped-def]
    return next(q for q in stats.questions if q.item_id == item_id)


def a_class_answering(
    engine: Engine, catalogue: Catalogue, school: tuple[int, int], pupils: int, **kw: object
) -> int:
    """A class whose pupils answer CHOICE: the first six wrong ("sam"), the rest right."""
    class_id = add_class(engine, school[0], school[1], **kw)  # type: ignore[arg-type]
    for n, pupil in enumerate(add_learners(engine, class_id, pupils)):
        answer(engine, catalogue, pupil, CHOICE, ["sam" if n < 6 else "criminal"])
    return class_id


def test_a_class_of_twelve_shows_its_breakdowns(
    engine: Engine, catalogue: Catalogue, school: tuple[int, int]
) -> None:
    stats = stats_of(engine, catalogue, a_class_answering(engine, catalogue, school, 12))
    assert stats.joined == 12
    shown = question(stats, CHOICE)
    assert shown.figure.shown
    assert shown.figure.respondents == 10  # the snapshot at ten; the last two wait for five more
    shares = {bar.label: bar.share for bar in shown.figure.bars}
    assert list(shares.values()) == ["60%", "40%", "none or almost none"]
    assert shown.right == "40%"
    assert shown.worth_discussing
    assert shown.mistake == shown.figure.bars[0].label  # "Sam, for sending the video"
    assert stats.questions[0] is shown  # worth discussing comes first


def test_a_class_of_four_shows_counts_but_holds_back_every_breakdown(
    engine: Engine, catalogue: Catalogue, school: tuple[int, int]
) -> None:
    class_id = a_class_answering(engine, catalogue, school, 4)
    stats = stats_of(engine, catalogue, class_id)
    assert stats.joined == 4
    assert stats.lessons[0].started == 4  # exact, however small the class
    for q in stats.questions:
        assert not q.figure.shown
        assert q.figure.held_back == HELD_BACK
        assert q.right is None and q.mistake is None
        assert not q.figure.bars
        assert all(d.held_back == HELD_BACK for d in q.decisions)


def test_started_is_any_trace_of_a_lesson_and_skipped_is_never_completed(
    engine: Engine, catalogue: Catalogue, school: tuple[int, int]
) -> None:
    class_id = add_class(engine, school[0], school[1])
    done, skipper, answerer, chatter, _idle = add_learners(engine, class_id, 5)
    lessons = catalogue.lessons_for("14-18")
    for lesson in lessons:
        record_progress(engine, done, lesson.slug, "completed")
    record_progress(engine, skipper, lessons[0].slug, "skipped")
    answer(engine, catalogue, answerer, "pt-hacked-claim", ["scare-tactic"])  # pressure-tactics
    _, chat = find(catalogue, CHAT)
    assert isinstance(chat, BranchingItem)
    first = available_choices(chat, start(chat))[0]
    take_decision(engine, where(catalogue, chatter, CHAT), chat, 0, first.id)  # not to its end
    record_film(engine, done, "started")
    record_film(engine, done, "finished")
    record_film(engine, skipper, "started")
    stats = stats_of(engine, catalogue, class_id)
    by_slug = {lesson.slug: lesson for lesson in stats.lessons}
    assert stats.joined == 5
    assert stats.completed_all == 1
    assert (by_slug["what-is-sextortion"].started, by_slug["what-is-sextortion"].completed) == (
        2,
        1,
    )
    assert by_slug["what-is-sextortion"].skipped == 1
    assert by_slug["pressure-tactics"].started == 2  # done, and the answerer
    assert by_slug["what-to-do"].started == 2  # done, and one step into the chat
    assert (stats.film_started, stats.film_finished) == (2, 1)


def test_a_chat_shows_its_endings_and_how_the_class_split_at_each_decision(
    engine: Engine, catalogue: Catalogue, school: tuple[int, int]
) -> None:
    class_id = add_class(engine, school[0], school[1])
    for n, pupil in enumerate(add_learners(engine, class_id, 10)):
        walk_chat(engine, catalogue, pupil, CHAT, [n % 2])
    chat = question(stats_of(engine, catalogue, class_id), CHAT)
    assert chat.figure.shown and chat.figure.respondents == 10
    assert chat.mistake_measure == "risky ending reached most"
    first = chat.decisions[0]
    assert first.key == decision_question(CHAT, "threat")  # the chat's first decision
    assert first.shown
    assert sorted(bar.share for bar in first.bars if bar.percent) == ["50%", "50%"]
    assert first.right is None  # a decision is not graded


def test_a_school_adds_up_only_the_classes_that_show_a_breakdown(
    engine: Engine, catalogue: Catalogue, school: tuple[int, int]
) -> None:
    a_class_answering(engine, catalogue, school, 12, name="Big")
    small = a_class_answering(engine, catalogue, school, 4, name="Small")
    other_school = add_school(engine, "Elsewhere")
    a_class_answering(engine, catalogue, (other_school, add_teacher(engine, other_school)), 12)
    stats = school_of(engine, catalogue, school)
    assert [row.name for row in stats.classes] == ["Big", "Small"]
    assert (stats.joined, stats.started) == (16, 16)
    before = question(stats, CHOICE)
    assert before.figure.respondents == 10  # the big class's snapshot alone
    # Whatever the small class answers, as long as it stays below k, the school is unmoved.
    for pupil in add_learners(engine, small, 4):
        answer(engine, catalogue, pupil, CHOICE, ["both"])
    assert question(school_of(engine, catalogue, school), CHOICE) == before


def count_queries(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_a_dashboard_costs_the_same_few_queries_for_five_pupils_or_thirty(
    engine: Engine, catalogue: Catalogue, school: tuple[int, int]
) -> None:
    small = a_class_answering(engine, catalogue, school, 5)
    large = a_class_answering(engine, catalogue, school, 30)
    seen = count_queries(engine)
    stats_of(engine, catalogue, small)
    for_small = len(seen)
    stats_of(engine, catalogue, large)
    assert len(seen) - for_small == for_small <= 8
