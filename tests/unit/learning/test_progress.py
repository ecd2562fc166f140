"""Learner progress (course/learning/progress.py): learners not seen for the retention period
are deleted with everything they did."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text, update
from sqlmodel import col

from course.db import create_db_engine, write_session
from course.learning.models import Learner
from course.learning.progress import (
    create_learner,
    find_learner,
    find_learner_and_lessons,
    lesson_statuses,
    purge_learners,
    record_lesson,
)


def test_purge_deletes_only_learners_past_retention_and_their_progress(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with write_session(engine) as session:
        _, old = create_learner("14-18", session=session)
        _, recent = create_learner("adult", session=session)
        for learner in (old, recent):
            record_lesson(learner.id, "what-is-sextortion", "completed", session=session)
    with write_session(engine) as session:
        long_ago = dt.date.today() - dt.timedelta(days=400)
        session.execute(
            update(Learner).where(col(Learner.id) == old.id).values(last_seen_on=long_ago)
        )
        session.commit()
    with write_session(engine) as session:
        assert purge_learners(retention_days=395, session=session) == 1
    with engine.connect() as connection:
        learners = connection.execute(text("SELECT id FROM learner")).scalars().all()
        progress = (
            connection.execute(text("SELECT learner_id FROM lesson_progress")).scalars().all()
        )
    assert learners == [recent.id]
    assert progress == [recent.id]
    engine.dispose()


def test_the_lesson_pages_one_query_finds_the_learner_and_their_lessons(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with write_session(engine) as session:
        token, learner = create_learner("14-18", session=session)
        fresh_token, fresh = create_learner("adult", session=session)
        record_lesson(learner.id, "what-is-sextortion", "completed", session=session)
        record_lesson(learner.id, "what-to-do", "skipped", session=session)
    found, lessons = find_learner_and_lessons(engine, token)
    assert found == learner == find_learner(engine, token)
    assert lessons == {"what-is-sextortion": "completed", "what-to-do": "skipped"}
    assert lessons == lesson_statuses(engine, learner.id)
    assert find_learner_and_lessons(engine, fresh_token) == (fresh, {})  # nothing done yet
    assert find_learner_and_lessons(engine, "no-such-token") == (None, {})
    if engine.dialect.name == "postgresql":  # read in autocommit, and handed back as it was
        pooled = engine.raw_connection()
        assert pooled.driver_connection.autocommit is False  # type: ignore[union-attr]
        pooled.close()
    engine.dispose()
