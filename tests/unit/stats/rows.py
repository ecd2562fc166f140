"""Schools, teachers, classes and pupils written straight to a test database, and pupils'
answers given through the real answer use cases (course/quizzes/answering.py)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import Engine, select
from sqlmodel import col

from course.content.schema import BranchingItem, Catalogue, ChoiceItem, Item, OrderItem
from course.content.schema import RedFlagsItem as RedFlags
from course.db import read_session, write_session
from course.film.models import FilmEvent
from course.learning.models import Learner, LessonProgress
from course.quizzes import scenarios
from course.quizzes.answering import Where, submit_answer, take_decision
from course.quizzes.grading import ORDER_FIELD
from course.quizzes.items import read_submission
from course.schools.classes import new_join_code
from course.schools.models import School, SchoolClass, Teacher
from course.schools.sessions import start_session
from course.stats.models import BreakdownSnapshot
from course.stats.snapshots import shown_snapshot
from course.stats.suppress import Snapshot

BAND = "14-18"


def add_school(engine: Engine, name: str = "Greenfield Academy") -> int:
    with write_session(engine) as session:
        school = School(name=name)
        session.add(school)
        session.flush()
        return school.id


def add_teacher(engine: Engine, school_id: int, *, admin: bool = False, name: str = "Ada") -> int:
    with write_session(engine) as session:
        teacher = Teacher(
            school_id=school_id,
            name=name,
            email=f"{secrets.token_hex(6)}@school.example",
            password_hash="not a real hash",
            is_admin=admin,
            email_confirmed=True,
        )
        session.add(teacher)
        session.flush()
        return teacher.id


def sign_in_token(engine: Engine, teacher_id: int) -> str:
    """A live session for the teacher (password and code done): the cookie's token."""
    with write_session(engine) as session:
        return start_session(teacher_id, two_factor_done=True, session=session)


def add_class(
    engine: Engine,
    school_id: int,
    owner_id: int | None,
    *,
    name: str = "Year 9 Blue",
    age_band: str = BAND,
    joining_open: bool = True,
) -> int:
    with write_session(engine) as session:
        found = SchoolClass(
            school_id=school_id,
            owner_id=owner_id,
            name=name,
            age_band=age_band,
            join_code=new_join_code(),
            joining_open=joining_open,
        )
        session.add(found)
        session.flush()
        return found.id


def add_learners(
    engine: Engine, class_id: int | None, count: int, age_band: str = BAND
) -> list[int]:
    with write_session(engine) as session:
        learners = [
            Learner(token_hash=secrets.token_hex(32), age_band=age_band, class_id=class_id)
            for _ in range(count)
        ]
        session.add_all(learners)
        session.flush()
        return [learner.id for learner in learners]


def record_progress(engine: Engine, learner_id: int, slug: str, status: str) -> None:
    with write_session(engine) as session:
        session.add(LessonProgress(learner_id=learner_id, lesson_slug=slug, status=status))


def record_film(engine: Engine, learner_id: int, event: str) -> None:
    with write_session(engine) as session:
        session.add(FilmEvent(learner_id=learner_id, event=event))


def where(catalogue: Catalogue, learner_id: int, item_id: str) -> Where:
    quiz, _ = find(catalogue, item_id)
    return Where(learner_id, quiz, catalogue.version)


def find(catalogue: Catalogue, item_id: str) -> tuple[str, Item]:
    found = catalogue.item(item_id)
    assert found is not None, item_id
    return found[0].slug, found[1]


def answer(
    engine: Engine, catalogue: Catalogue, learner_id: int, item_id: str, chosen: Sequence[str]
) -> str:
    """Answer an item as the quiz route does: option or part ids, or step ids in order."""
    _, item = find(catalogue, item_id)
    if isinstance(item, ChoiceItem):
        form = {"choice": list(chosen)}
    elif isinstance(item, RedFlags):
        form = {"part": list(chosen)}
    elif isinstance(item, OrderItem):
        form = {ORDER_FIELD.format(s): [str(n)] for n, s in enumerate(chosen, start=1)}
    else:
        raise AssertionError("a chat is answered with walk_chat")
    submission = read_submission(item, form)
    return submit_answer(engine, where(catalogue, learner_id, item_id), item_id, submission)


def right_choice(catalogue: Catalogue, item_id: str) -> list[str]:
    """The right answer to a choice, red-flags or order item."""
    _, item = find(catalogue, item_id)
    if isinstance(item, ChoiceItem):
        return [option.id for option in item.options if option.correct]
    if isinstance(item, RedFlags):
        return sorted(item.flags())
    assert isinstance(item, OrderItem)
    return [step.id for step in item.steps]


def walk_chat(
    engine: Engine, catalogue: Catalogue, learner_id: int, item_id: str, picks: Sequence[int]
) -> tuple[str, ...]:
    """Take a chat's decisions (each the n-th choice offered, the last repeated) until it ends;
    returns the path."""
    _, item = find(catalogue, item_id)
    assert isinstance(item, BranchingItem)
    state = scenarios.start(item)
    step = 0
    while state.node.ending is None:
        offered = scenarios.available_choices(item, state)
        pick = picks[min(step, len(picks) - 1)] % len(offered)
        take_decision(engine, where(catalogue, learner_id, item_id), item, step, offered[pick].id)
        state = scenarios.choose(item, state, offered[pick].id)
        step += 1
    return state.choices


def snapshot_row(engine: Engine, class_id: int, question: str) -> BreakdownSnapshot | None:
    query = select(BreakdownSnapshot).where(
        col(BreakdownSnapshot.class_id) == class_id, col(BreakdownSnapshot.question) == question
    )
    with read_session(engine) as session:
        return session.scalars(query).first()


def shown(engine: Engine, class_id: int, question: str) -> Snapshot | None:
    """The snapshot a question shows in a class, as stored."""
    row = snapshot_row(engine, class_id, question)
    return None if row is None else shown_snapshot(row.respondents, row.counts)
