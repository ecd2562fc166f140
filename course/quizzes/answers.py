"""Storing answers once: the first answer to an item is the one that counts."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, select
from sqlmodel import col

from course.content.schema import Item
from course.db import insert_ignoring_duplicates, write_session
from course.learning.models import Answer, today
from course.learning.progress import mark_seen
from course.quizzes.grading import decode_choice, encode_choice, grade


def submit_answer(
    engine: Engine,
    learner_id: int,
    quiz_slug: str,
    item: Item,
    chosen: frozenset[str],
    content_version: str,
) -> frozenset[str]:
    """Store a first answer, or find the stored one; returns the choice that counts."""
    statement = insert_ignoring_duplicates(engine, Answer).values(
        learner_id=learner_id,
        quiz_slug=quiz_slug,
        item_id=item.id,
        choice=encode_choice(chosen),
        correct=grade(item, chosen).correct,
        content_version=content_version,
        answered_on=today(),
    )
    stored = select(Answer.choice).where(  # type: ignore[call-overload]
        col(Answer.learner_id) == learner_id, col(Answer.item_id) == item.id
    )
    with write_session(engine) as session:
        session.execute(statement)
        mark_seen(session, learner_id)
        choice: str = session.execute(stored).scalar_one()
        session.commit()
    return decode_choice(choice)


def stored_answers(
    engine: Engine, learner_id: int, item_ids: Iterable[str]
) -> dict[str, frozenset[str]]:
    """The learner's stored choices for these items."""
    ids = list(item_ids)
    if not ids:
        return {}
    query = select(Answer.item_id, Answer.choice).where(  # type: ignore[call-overload]
        col(Answer.learner_id) == learner_id, col(Answer.item_id).in_(ids)
    )
    with engine.connect() as connection:
        return {row.item_id: decode_choice(row.choice) for row in connection.execute(query)}
