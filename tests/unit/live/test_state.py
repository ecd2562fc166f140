"""A live session's rules in the database, on SQLite and PostgreSQL: a double click moves one
step, one answer per device, the answers frozen when first shown, nothing kept after the end."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

from course.content.schema import Catalogue
from course.db import create_db_engine, read_session, write_session
from course.learning.progress import create_learner
from course.live import state
from course.live.models import OPEN, SHOWN, WAITING, LiveAnswer, LiveDevice, LiveResult
from course.live.models import LiveSession as Live
from course.live.steps import running_order
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class


def a_class(engine: Engine, email: str = "k@example.org") -> int:
    with write_session(engine) as session:
        school = create_school("Hillside", session=session)
        teacher = add_teacher(school.id, "Ms Khan", email, "-", session=session)
        viewer = Viewer(teacher.id, school.id, True)
        return create_class(viewer, "9B", "14-18", session=session).id


def learners(engine: Engine, class_id: int, how_many: int) -> list[int]:
    with write_session(engine) as session:
        return [
            create_learner("14-18", session=session, class_id=class_id)[1].id
            for _ in range(how_many)
        ]


def live(engine: Engine, class_id: int) -> Live:
    with read_session(engine) as session:
        found = state.live_of_class(class_id, session=session)
    assert found is not None
    return found


def rows(engine: Engine, model: type[SQLModel]) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_starting_twice_gives_the_one_session_and_a_stale_move_moves_nothing(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    class_id = a_class(engine)
    with write_session(engine) as session:
        first = state.start(class_id, session=session)
    with write_session(engine) as session:
        assert state.start(class_id, session=session).id == first.id
    with write_session(engine) as session:
        assert state.move(first, 1, seen=first.version, session=session) == first.version + 1
    with write_session(engine) as session:  # the same click again, from the same screen
        assert state.move(first, 2, seen=first.version, session=session) is None
    assert live(engine, class_id).step == 1
    engine.dispose()


def test_answers_wait_for_k_then_freeze_and_a_device_answers_once(
    database_url: str, catalogue: Catalogue
) -> None:
    engine = create_db_engine(database_url)
    class_id = a_class(engine)
    devices = learners(engine, class_id, 6)
    order = running_order(catalogue, "14-18")
    index = next(i for i, step in enumerate(order) if step.kind == "question")
    step = order[index]
    assert step.poll is not None
    first, second = step.poll.option_ids()[:2]
    with write_session(engine) as session:
        started = state.start(class_id, session=session)
        state.move(started, index, seen=started.version, session=session)
    for device in devices[:4]:
        with write_session(engine) as session:
            assert (
                state.answer(live(engine, class_id), step, device, (first,), 5, session=session)
                is None
            )
    with write_session(engine) as session:  # a device changes its mind: still one row
        state.answer(live(engine, class_id), step, devices[0], (second,), 5, session=session)
    assert rows(engine, LiveAnswer) == 4
    with write_session(engine) as session:
        assert state.reveal(live(engine, class_id), step, 5, session=session) is not None
    assert live(engine, class_id).phase == WAITING
    with write_session(engine) as session:
        shown = state.answer(live(engine, class_id), step, devices[4], (first,), 5, session=session)
    assert shown is not None and live(engine, class_id).phase == SHOWN
    with read_session(engine) as session:
        result = session.get(LiveResult, (live(engine, class_id).id, step.key))
        assert result is not None and result.respondents == 5
        assert json.loads(result.counts) == {first: 4, second: 1}
        shares = state.shown_answers(live(engine, class_id), step, session=session)
    assert shares is not None and shares.shares[first] == ("80%", 80)
    with write_session(engine) as session:  # a device that answers late changes nothing shown
        state.answer(live(engine, class_id), step, devices[5], (second,), 5, session=session)
    with read_session(engine) as session:
        again = state.shown_answers(live(engine, class_id), step, session=session)
    assert again == shares
    engine.dispose()


def test_a_move_opens_the_next_step_and_ending_or_forgetting_keeps_nothing(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    class_id = a_class(engine)
    (device,) = learners(engine, class_id, 1)
    with write_session(engine) as session:
        started = state.start(class_id, session=session)
        assert state.arrive(started.id, device, session=session)
        assert not state.arrive(started.id, device, session=session)
        state.press_help(started.id, "a" * 32, session=session)
        state.press_help(started.id, "a" * 32, session=session)
    assert live(engine, class_id).help_shown == 0
    with write_session(engine) as session:
        state.move(started, 1, seen=started.version, session=session)
    assert live(engine, class_id).help_shown == 1 and live(engine, class_id).phase == OPEN
    with write_session(engine) as session:
        state.end_forgotten(session=session, today_=dt.date.today() + dt.timedelta(days=1))
    assert rows(engine, Live) == 1  # started yesterday: kept
    with write_session(engine) as session:
        state.end_forgotten(session=session, today_=dt.date.today() + dt.timedelta(days=2))
    assert rows(engine, Live) == 0 and rows(engine, LiveDevice) == 0
    engine.dispose()
