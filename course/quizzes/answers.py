"""Storing answers once: the first answer to an item counts; branching paths step by step."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Engine, delete, select
from sqlmodel import col

from course.db import insert_ignoring_duplicates, write_session
from course.learning.models import Answer, ScenarioStep, today
from course.learning.progress import mark_seen


def submit_answer(
    engine: Engine,
    learner_id: int,
    quiz_slug: str,
    item_id: str,
    choice: str,
    correct: bool,
    content_version: str,
) -> str:
    """Store a first answer, or find the stored one; returns the stored choice."""
    statement = insert_ignoring_duplicates(engine, Answer).values(
        learner_id=learner_id,
        quiz_slug=quiz_slug,
        item_id=item_id,
        choice=choice,
        correct=correct,
        content_version=content_version,
        answered_on=today(),
    )
    stored = select(Answer.choice).where(  # type: ignore[call-overload]
        col(Answer.learner_id) == learner_id, col(Answer.item_id) == item_id
    )
    with write_session(engine) as session:
        session.execute(statement)
        mark_seen(session, learner_id)
        choice = session.execute(stored).scalar_one()
        session.commit()
    return choice


def stored_answers(engine: Engine, learner_id: int, item_ids: Iterable[str]) -> dict[str, str]:
    """The learner's stored choices for these items."""
    ids = list(item_ids)
    if not ids:
        return {}
    query = select(Answer.item_id, Answer.choice).where(  # type: ignore[call-overload]
        col(Answer.learner_id) == learner_id, col(Answer.item_id).in_(ids)
    )
    with engine.connect() as connection:
        return {row.item_id: row.choice for row in connection.execute(query)}


def scenario_paths(
    engine: Engine, learner_id: int, item_ids: Iterable[str]
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
    with engine.connect() as connection:
        for row in connection.execute(query):
            paths[row.item_id].append(row.choice_id)
    return {item_id: tuple(path) for item_id, path in paths.items()}


def record_step(
    engine: Engine,
    learner_id: int,
    quiz_slug: str,
    item_id: str,
    step: int,
    node_id: str,
    choice_id: str,
    content_version: str,
) -> None:
    """Store one decision at its step; the same step sent twice stores once."""
    statement = insert_ignoring_duplicates(engine, ScenarioStep).values(
        learner_id=learner_id,
        quiz_slug=quiz_slug,
        item_id=item_id,
        step=step,
        node_id=node_id,
        choice_id=choice_id,
        content_version=content_version,
        made_on=today(),
    )
    with write_session(engine) as session:
        session.execute(statement)
        mark_seen(session, learner_id)
        session.commit()


def undo_steps(engine: Engine, learner_id: int, item_id: str, from_step: int) -> None:
    """Forget the decisions from this step on (step back, or start again from 0)."""
    statement = delete(ScenarioStep).where(
        col(ScenarioStep.learner_id) == learner_id,
        col(ScenarioStep.item_id) == item_id,
        col(ScenarioStep.step) >= from_step,
    )
    with write_session(engine) as session:
        session.execute(statement)
        session.commit()
