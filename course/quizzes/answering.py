"""The quiz use cases: each one write transaction, committed once, returning what it stored.

A route renders from what these return, so nothing is read back after the commit. If anything
fails half-way (a crash, a lost connection), the whole use case is rolled back, and a retry of
the same form stores exactly what one successful request would have.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from course.content.schema import BranchingItem
from course.db import write_session
from course.learning.progress import COMPLETED, mark_seen, record_lesson
from course.quizzes import scenarios
from course.quizzes.grading import InvalidChoice
from course.quizzes.items import Submission
from course.quizzes.queries import (
    answered_in_quiz,
    insert_answer,
    record_step,
    scenario_paths,
    stored_choice,
    undo_steps,
)
from course.stats import snapshots


@dataclass(frozen=True)
class Where:
    """Which learner, quiz and content version a use case writes for; with the lesson and the
    ids of every item in the learner's age band, the answer that leaves none unanswered
    records the lesson completed (the rule is in course/learning/progress.py)."""

    learner_id: int
    quiz_slug: str
    content_version: str
    lesson_slug: str = ""
    band_items: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChatResult:
    """A branching item after a decision: the choices taken so far, and any error to show."""

    path: tuple[str, ...]
    error: str | None = None


def submit_answer(engine: Engine, where: Where, item_id: str, submission: Submission) -> str:
    """Store a first answer (a retry stores nothing new); returns the stored choice."""
    with write_session(engine) as session:
        tally = snapshots.tally_for(where.learner_id, session=session)  # marks them seen
        values = (where.quiz_slug, item_id, submission.choice, submission.correct)
        first = insert_answer(where.learner_id, *values, where.content_version, session=session)
        complete_when_all_answered(session, where)
        if not first:
            return stored_choice(where.learner_id, item_id, session=session)
        snapshots.count_answer(
            tally,
            item_id,
            submission.choice,
            submission.correct,
            session=session,
            ordered=submission.ordered,
        )
    return submission.choice


def take_decision(
    engine: Engine, where: Where, item: BranchingItem, step: int, choice_id: str
) -> ChatResult:
    """Take one decision in a chat at the step the form was drawn at; reaching an ending
    stores the answer in the same transaction. A repeat of the same step stores nothing new."""
    with write_session(engine) as session:
        state = _current_state(session, where, item)
        if state.node.ending is not None:
            _store_ending(session, where, item, state)  # heals a path stored without its answer
            return ChatResult(state.choices)
        if step != len(state.choices):  # a repeat, or a form from an older page
            return ChatResult(state.choices)
        try:
            after = scenarios.choose(item, state, choice_id)
        except InvalidChoice as problem:
            return ChatResult(state.choices, str(problem))
        record_step(
            where.learner_id,
            where.quiz_slug,
            item.id,
            step,
            state.node.id,
            after.choices[-1],
            where.content_version,
            session=session,
        )
        mark_seen(where.learner_id, session=session)
        if after.node.ending is not None:
            _store_ending(session, where, item, after)
    return ChatResult(after.choices)


def step_back(engine: Engine, where: Where, item: BranchingItem, step: int) -> ChatResult:
    """Undo the last decision; a repeat of the same request undoes nothing more."""
    with write_session(engine) as session:
        path = scenario_paths(where.learner_id, [item.id], session=session).get(item.id, ())
        if step > 0 and step == len(path):
            undo_steps(where.learner_id, item.id, step - 1, session=session)
            path = path[: step - 1]
    return ChatResult(scenarios.replay(item, path).choices)


def restart(engine: Engine, where: Where, item: BranchingItem) -> ChatResult:
    """Start the chat again from the beginning."""
    with write_session(engine) as session:
        undo_steps(where.learner_id, item.id, 0, session=session)
    return ChatResult(())


def complete_when_all_answered(session: Session, where: Where) -> None:
    """Record the lesson completed once every item of the learner's band has an answer."""
    if not where.lesson_slug or not where.band_items:
        return
    answered = answered_in_quiz(where.learner_id, where.quiz_slug, session=session)
    if answered.issuperset(where.band_items):
        record_lesson(where.learner_id, where.lesson_slug, COMPLETED, session=session)


def _current_state(session: Session, where: Where, item: BranchingItem) -> scenarios.ScenarioState:
    """The learner's place in the chat, forgetting steps the content no longer has."""
    path = scenario_paths(where.learner_id, [item.id], session=session).get(item.id, ())
    state = scenarios.replay(item, path)
    if len(state.choices) < len(path):  # the content changed under a stored path
        undo_steps(where.learner_id, item.id, len(state.choices), session=session)
    return state


def _store_ending(
    session: Session, where: Where, item: BranchingItem, state: scenarios.ScenarioState
) -> None:
    """The answer a chat's ending stands for: the ending's id, right when it is safe."""
    tally = snapshots.tally_for(where.learner_id, session=session)
    safe = state.node.ending == "safe"
    first = insert_answer(
        where.learner_id,
        where.quiz_slug,
        item.id,
        state.node.id,
        safe,
        where.content_version,
        session=session,
    )
    complete_when_all_answered(session, where)
    if first:
        snapshots.count_chat(tally, item, state.choices, state.node.id, safe, session=session)
