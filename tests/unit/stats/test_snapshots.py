"""Snapshot upkeep on real databases (SQLite, and PostgreSQL when configured): a pupil's first
answer counts once for their class, a snapshot is taken at each multiple of five and holds until
the next, a chat counts at its first ending, and answers given at once are each counted once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from course.content.schema import BranchingItem, Catalogue
from course.db import create_db_engine, write_session
from course.quizzes.answering import restart
from course.schools.classes import delete_class
from course.schools.models import SchoolClass
from course.stats.snapshots import (
    BEFORE,
    CHOSE,
    CORRECT,
    PLACED,
    answer_keys,
    decision_question,
    decisions,
)
from tests.unit.stats.rows import (
    add_class,
    add_learners,
    add_school,
    add_teacher,
    answer,
    find,
    right_choice,
    shown,
    snapshot_row,
    walk_chat,
    where,
)

CHOICE = "wis-who-is-to-blame"  # options sam, criminal (right), both
CHAT = "wtd-the-threat-chat"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def class_id(engine: Engine) -> int:
    school = add_school(engine)
    return add_class(engine, school, add_teacher(engine, school))


def test_a_first_answer_counts_for_the_class_and_a_retry_does_not(
    engine: Engine, catalogue: Catalogue, class_id: int
) -> None:
    [pupil] = add_learners(engine, class_id, 1)
    answer(engine, catalogue, pupil, CHOICE, ["criminal"])
    answer(engine, catalogue, pupil, CHOICE, ["sam"])  # a retry: the first answer stands
    row = snapshot_row(engine, class_id, CHOICE)
    assert row is not None
    assert row.live_respondents == 1
    assert json.loads(row.live_counts) == {
        CHOSE + "criminal": 1,
        PLACED + "1:criminal": 1,
        CORRECT: 1,
    }
    assert row.respondents == 0  # no snapshot before five


def test_a_pupil_in_no_class_counts_nowhere(
    engine: Engine, catalogue: Catalogue, class_id: int
) -> None:
    [alone] = add_learners(engine, None, 1)
    answer(engine, catalogue, alone, CHOICE, ["criminal"])
    assert snapshot_row(engine, class_id, CHOICE) is None


def test_a_snapshot_is_taken_at_five_and_holds_until_ten(
    engine: Engine, catalogue: Catalogue, class_id: int
) -> None:
    pupils = add_learners(engine, class_id, 10)
    for pupil in pupils[:4]:
        answer(engine, catalogue, pupil, CHOICE, ["criminal"])
    assert shown(engine, class_id, CHOICE) is None
    answer(engine, catalogue, pupils[4], CHOICE, ["sam"])
    first = shown(engine, class_id, CHOICE)
    assert first is not None
    assert first.respondents == 5
    assert dict(first.counts) == {
        CHOSE + "criminal": 4,
        PLACED + "1:criminal": 4,
        CHOSE + "sam": 1,
        PLACED + "1:sam": 1,
        CORRECT: 4,
    }
    for pupil in pupils[5:9]:  # four more, all different: the snapshot does not move
        answer(engine, catalogue, pupil, CHOICE, ["both"])
        assert shown(engine, class_id, CHOICE) == first
    answer(engine, catalogue, pupils[9], CHOICE, ["both"])
    second = shown(engine, class_id, CHOICE)
    assert second is not None
    assert second.respondents == 10
    assert second.counts[CHOSE + "both"] == 5


def test_every_item_type_is_counted_by_its_stored_answer(
    engine: Engine, catalogue: Catalogue, class_id: int
) -> None:
    [pupil] = add_learners(engine, class_id, 1)
    for item_id in ("wis-warning-signs", "pt-spot-the-pressure", "wtd-first-steps-order"):
        stored = answer(engine, catalogue, pupil, item_id, right_choice(catalogue, item_id))
        row = snapshot_row(engine, class_id, item_id)
        assert row is not None
        ordered = item_id == "wtd-first-steps-order"
        keys = answer_keys(stored, True, ordered=ordered)
        assert json.loads(row.live_counts) == dict.fromkeys(keys, 1)


def test_an_answer_adds_each_id_it_holds_and_its_place() -> None:
    assert answer_keys("b,a,c", False) == [
        CHOSE + "b",
        CHOSE + "a",
        CHOSE + "c",
        PLACED + "1:b",
        PLACED + "2:a",
        PLACED + "3:c",
    ]
    assert answer_keys("a", True) == [CHOSE + "a", PLACED + "1:a", CORRECT]


def test_an_order_answer_also_adds_each_pair_it_puts_first_then() -> None:
    keys = answer_keys("b,a,c", False, ordered=True)
    assert [key for key in keys if key.startswith(BEFORE)] == [
        BEFORE + "b>a",
        BEFORE + "b>c",
        BEFORE + "a>c",
    ]


def test_a_chat_counts_its_first_ending_and_each_decision_on_the_way(
    engine: Engine, catalogue: Catalogue, class_id: int
) -> None:
    [pupil] = add_learners(engine, class_id, 1)
    _, item = find(catalogue, CHAT)
    assert isinstance(item, BranchingItem)
    path = walk_chat(engine, catalogue, pupil, CHAT, [0])
    taken = decisions(item, path)
    assert taken, "the chat has decisions"
    ending = snapshot_row(engine, class_id, CHAT)
    assert ending is not None
    assert ending.live_respondents == 1
    for node_id, choice_id in taken:
        row = snapshot_row(engine, class_id, decision_question(CHAT, node_id))
        assert row is not None
        assert json.loads(row.live_counts) == {CHOSE + choice_id: 1}
    # Starting again and reaching another ending counts nothing more.
    restart(engine, where(catalogue, pupil, CHAT), item)
    walk_chat(engine, catalogue, pupil, CHAT, [1])
    again = snapshot_row(engine, class_id, CHAT)
    assert again is not None
    assert again.live_respondents == 1


def test_deleting_a_class_deletes_its_totals(
    engine: Engine, catalogue: Catalogue, class_id: int
) -> None:
    [pupil] = add_learners(engine, class_id, 1)
    answer(engine, catalogue, pupil, CHOICE, ["criminal"])
    with write_session(engine) as session:
        found = session.get(SchoolClass, class_id)
        assert found is not None
        delete_class(found, session=session)
    assert snapshot_row(engine, class_id, CHOICE) is None


def all_at_once(tasks: list[Callable[[], object]]) -> None:
    """Run every task in its own thread, released together; re-raise any failure."""
    barrier = threading.Barrier(len(tasks))
    failures: list[BaseException] = []

    def run(task: Callable[[], object]) -> None:
        barrier.wait()
        try:
            task()
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures


def test_answers_given_at_once_are_each_counted_once(
    engine: Engine, catalogue: Catalogue, class_id: int
) -> None:
    """Twenty pupils answer at the same moment, each with a double click: one count each, and
    one snapshot of each size (a lost update would leave the totals short)."""
    pupils = add_learners(engine, class_id, 20)
    choices = ["criminal" if n % 4 else "sam" for n in range(20)]
    tasks: list[Callable[[], object]] = []
    for pupil, choice in zip(pupils, choices, strict=True):
        for _ in range(2):
            tasks.append(lambda p=pupil, c=choice: answer(engine, catalogue, p, CHOICE, [c]))
    all_at_once(tasks)
    row = snapshot_row(engine, class_id, CHOICE)
    assert row is not None
    assert row.live_respondents == 20
    assert json.loads(row.live_counts) == {
        CHOSE + "criminal": 15,
        PLACED + "1:criminal": 15,
        CHOSE + "sam": 5,
        PLACED + "1:sam": 5,
        CORRECT: 15,
    }
    assert row.respondents == 20
    assert json.loads(row.counts) == json.loads(row.live_counts)


def test_a_pupil_answering_and_ending_a_chat_at_once_never_deadlocks(
    engine: Engine, catalogue: Catalogue, class_id: int
) -> None:
    """The same pupil in two tabs: an answer and a chat's last decision, both counted."""
    pupils = add_learners(engine, class_id, 6)
    _, item = find(catalogue, CHAT)
    assert isinstance(item, BranchingItem)
    tasks: list[Callable[[], object]] = []
    for pupil in pupils:
        tasks.append(lambda p=pupil: answer(engine, catalogue, p, CHOICE, ["criminal"]))
        tasks.append(lambda p=pupil: walk_chat(engine, catalogue, p, CHAT, [0]))
    all_at_once(tasks)
    for question in (CHOICE, CHAT):
        row = snapshot_row(engine, class_id, question)
        assert row is not None
        assert row.live_respondents == 6
        assert row.respondents == 5
