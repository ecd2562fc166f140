"""Learner progress (course/learning/progress.py): learners not seen for the retention period
are deleted with everything they did."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text, update
from sqlmodel import col

from course.db import create_db_engine, write_session
from course.learning.models import Learner
from course.learning.progress import create_learner, purge_learners, record_lesson


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
