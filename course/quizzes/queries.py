"""Answers in the database: the first answer to an item counts; branching paths step by step.

Query functions take a keyword-only `session` and never commit (see course/db.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import bindparam, delete, select
from sqlmodel import Session, col

from course.db import insert_ignoring_duplicates, prebuilt_inserts, today
from course.quizzes.models import Answer, ScenarioStep

# The statements of an answer, built once (an answer's own cost was mostly building them).
ANSWER_FIELDS = ("learner_id", "quiz_slug", "item_id", "choice", "correct", "content_version")
INSERT_ANSWER = prebuilt_inserts(
    Answer,
    lambda insert: (
        insert.values({name: bindparam(name) for name in (*ANSWER_FIELDS, "answered_on")})
        .on_conflict_do_nothing()
        .returning(col(Answer.learner_id))
    ),
)
STORED_CHOICE = select(col(Answer.choice)).where(
    col(Answer.learner_id) == bindparam("learner_id"), col(Answer.item_id) == bindparam("item_id")
)
# All of a learner's answers (a few dozen at most, read along the table's key): cheaper than an
# IN list of the quiz's items, which is built and compiled again for every length.
LEARNERS_MARKS = select(col(Answer.item_id), col(Answer.correct)).where(
    col(Answer.learner_id) == bindparam("learner_id")
)
ANSWERED_IN_QUIZ = select(col(Answer.item_id)).where(
    col(Answer.learner_id) == bindparam("learner_id"),
    col(Answer.quiz_slug) == bindparam("quiz_slug"),
)


def insert_answer(
    learner_id: int,
    quiz_slug: str,
    item_id: str,
    choice: str,
    correct: bool,
    content_version: str,
    *,
    session: Session,
) -> bool:
    """Store a first answer; False when the item already had one (a retry: nothing changes).

    The database says which, from the one INSERT (a row returned when it stored one): no read
    before it, and none after a first answer, whose stored choice is the one just given."""
    connection = session.connection()
    values = (learner_id, quiz_slug, item_id, choice, correct, content_version)
    inserted = connection.execute(
        INSERT_ANSWER[connection.dialect.name],
        {**dict(zip(ANSWER_FIELDS, values, strict=True)), "answered_on": today()},
    )
    return inserted.first() is not None


def stored_choice(learner_id: int, item_id: str, *, session: Session) -> str:
    """The choice stored as the learner's answer to an item (which must have one)."""
    choice = choice_if_answered(learner_id, item_id, session=session)
    if choice is None:
        raise LookupError(f"learner {learner_id} has no answer to {item_id}")
    return choice


def choice_if_answered(learner_id: int, item_id: str, *, session: Session) -> str | None:
    """The choice stored as the learner's answer to an item, or None before they answer."""
    found = session.connection().execute(
        STORED_CHOICE, {"learner_id": learner_id, "item_id": item_id}
    )
    choice = found.scalar_one_or_none()
    return None if choice is None else str(choice)


def answered_in_quiz(learner_id: int, quiz_slug: str, *, session: Session) -> set[str]:
    """The ids of the items of a quiz the learner has answered (in any age band)."""
    found = session.connection().execute(
        ANSWERED_IN_QUIZ, {"learner_id": learner_id, "quiz_slug": quiz_slug}
    )
    return set(found.scalars())


def answer_marks(learner_id: int, item_ids: Iterable[str], *, session: Session) -> dict[str, bool]:
    """Whether each of these items the learner has answered was right the first time."""
    wanted = set(item_ids)
    if not wanted:
        return {}
    found = session.connection().execute(LEARNERS_MARKS, {"learner_id": learner_id})
    return {item_id: bool(correct) for item_id, correct in found if item_id in wanted}


def scenario_paths(
    learner_id: int, item_ids: Iterable[str], *, session: Session
) -> dict[str, tuple[str, ...]]:
    """The choices the learner has taken in each branching item, in order."""
    ids = list(item_ids)
    if not ids:
        return {}
    query = (
        select(ScenarioStep.item_id, ScenarioStep.choice_id)  # type: ignore[call-overload]
        .where(col(ScenarioStep.learner_id) == learner_id, col(ScenarioStep.item_id).in_(ids))
        .order_by(ScenarioStep.item_id, ScenarioStep.step)
    )
    paths: dict[str, list[str]] = defaultdict(list)
    for row in session.execute(query):
        paths[row.item_id].append(row.choice_id)
    return {item_id: tuple(path) for item_id, path in paths.items()}


def record_step(
    learner_id: int,
    quiz_slug: str,
    item_id: str,
    step: int,
    node_id: str,
    choice_id: str,
    content_version: str,
    *,
    session: Session,
) -> None:
    """Store one decision at its step; the same step sent twice stores once."""
    session.execute(
        insert_ignoring_duplicates(session, ScenarioStep).values(
            learner_id=learner_id,
            quiz_slug=quiz_slug,
            item_id=item_id,
            step=step,
            node_id=node_id,
            choice_id=choice_id,
            content_version=content_version,
            made_on=today(),
        )
    )


def undo_steps(learner_id: int, item_id: str, from_step: int, *, session: Session) -> None:
    """Forget the decisions from this step on (step back, or start again from 0)."""
    session.execute(
        delete(ScenarioStep).where(
            col(ScenarioStep.learner_id) == learner_id,
            col(ScenarioStep.item_id) == item_id,
            col(ScenarioStep.step) >= from_step,
        )
    )
