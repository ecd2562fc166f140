"""Keeping each class's breakdowns up to date as its pupils answer: running totals and snapshots.

The answer use cases (course/quizzes/answering.py) call these inside their one write
transaction: `tally_for` before an answer is stored, then, when the INSERT stored a first
answer, `count_answer` (or `count_chat` when a chat reaches its ending). Only a pupil's first
answer to an item counts, and only for the class they belong to. Each count adds the pupil to
the running totals of the question and, when the respondents reach a multiple of five, takes
the snapshot that every view shows (`advance`).

The totals need no content to be kept: an answer adds one to `CORRECT` when it was right, to
`CHOSE` + each id its stored choice holds (an option, a part, a step), and to `PLACED` + "n:id"
for the place n each id holds in it (what an order item needs; for the others a harmless extra
total). So a row holds at most a few dozen totals, however many pupils answered, and
course/stats/categories.py reads them as options, warning signs, steps in place, endings and
chat choices when they are shown. A chat counts once, at its first ending: the ending reached,
and the choice taken at each decision on the way there, each decision a question of its own
(`<item id>/<node id>`).

Concurrency: a transaction that counts locks the pupil's row, then their class's row, until it
commits (PostgreSQL; SQLite takes the whole database at BEGIN IMMEDIATE). So the answers of one
class are counted one after the other: two answers given at once never make two different
snapshots of the same size, and a double click counts once. Every counting transaction takes
the pupil before the class, so two of them never wait for each other in a circle.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session, col

from course.content.schema import BranchingItem
from course.db import today
from course.learning.models import Learner
from course.schools.models import SchoolClass
from course.stats.models import BreakdownSnapshot
from course.stats.suppress import Snapshot, advance

CORRECT = "correct"  # right at the first attempt (a chat: its first ending was safe)
CHOSE = "chose:"  # + an id the answer holds: an option, a part, a step, an ending, a chat choice
PLACED = "placed:"  # + "<n>:<id>": the id is the n-th of the answer (an order item's steps)
BEFORE = "before:"  # + "<a>><b>": an order item's answer puts step a before step b


@dataclass(frozen=True)
class ClassTally:
    """A class whose totals this transaction may add to: its row is locked until commit."""

    class_id: int


# One statement: the learner seen today, and their row locked as SELECT … FOR NO KEY UPDATE
# would lock it (a plain UPDATE takes that lock), returning their class.
SEEN_AND_LOCKED = (
    update(Learner)
    .where(col(Learner.id) == bindparam("learner_id"))
    .values(last_seen_on=bindparam("today"))
    .returning(col(Learner.class_id))
)
LOCK_CLASS = (
    select(col(SchoolClass.id))
    .where(col(SchoolClass.id) == bindparam("class_id"))
    .with_for_update(key_share=True)  # FOR NO KEY UPDATE
)


def tally_for(learner_id: int, *, session: Session) -> ClassTally | None:
    """Before a learner's answer is stored: the learner marked seen today, and their row, then
    their class's row, locked for this transaction; their class, or None when they have none.
    Count the answer only when it is their first to the item (queries.insert_answer says)."""
    connection = session.connection()
    class_id = connection.execute(
        SEEN_AND_LOCKED, {"learner_id": learner_id, "today": today()}
    ).scalar()
    if class_id is None:
        return None
    connection.execute(LOCK_CLASS, {"class_id": class_id})
    return ClassTally(class_id)


def answer_keys(choice: str, correct: bool, *, ordered: bool = False) -> list[str]:
    """What one stored answer adds to its question's totals; an `ordered` answer (an order
    item's) also adds BEFORE + "a>b" for each pair of its ids, a before b."""
    ids = [part for part in choice.split(",") if part]
    chose = [CHOSE + i for i in ids]
    placed = [f"{PLACED}{n}:{i}" for n, i in enumerate(ids, start=1)]
    before = (
        [f"{BEFORE}{a}>{b}" for n, a in enumerate(ids) for b in ids[n + 1 :]] if ordered else []
    )
    return [*chose, *placed, *before, *([CORRECT] if correct else [])]


def count_answer(
    tally: ClassTally | None,
    item_id: str,
    choice: str,
    correct: bool,
    *,
    session: Session,
    ordered: bool = False,
) -> None:
    """Count a first answer (as stored: its choice, and whether it was right) for the class."""
    if tally is not None:
        keys = answer_keys(choice, correct, ordered=ordered)
        add_respondent(tally.class_id, {item_id: keys}, session=session)


def count_chat(
    tally: ClassTally | None,
    item: BranchingItem,
    path: Iterable[str],
    ending_id: str,
    safe: bool,
    *,
    session: Session,
) -> None:
    """Count a chat's first ending for the class: the ending, and each decision on the way."""
    if tally is None:
        return
    questions = {item.id: [CHOSE + ending_id, *([CORRECT] if safe else [])]}
    for node_id, choice_id in decisions(item, path):
        questions.setdefault(decision_question(item.id, node_id), [CHOSE + choice_id])
    add_respondent(tally.class_id, questions, session=session)


def decision_question(item_id: str, node_id: str) -> str:
    """The question a decision in a chat is counted under."""
    return f"{item_id}/{node_id}"


def decisions(item: BranchingItem, path: Iterable[str]) -> list[tuple[str, str]]:
    """The (node, choice) of each decision along a path of choice ids, from the start."""
    taken = []
    node = item.node(item.start)
    for choice_id in path:
        choice = next((c for c in node.choices if c.id == choice_id), None)
        if choice is None:
            break
        taken.append((node.id, choice_id))
        node = item.node(choice.next)
    return taken


SNAPSHOT_ROWS = select(
    col(BreakdownSnapshot.question),
    col(BreakdownSnapshot.respondents),
    col(BreakdownSnapshot.counts),
    col(BreakdownSnapshot.live_respondents),
    col(BreakdownSnapshot.live_counts),
).where(
    col(BreakdownSnapshot.class_id) == bindparam("class_id"),
    col(BreakdownSnapshot.question).in_(bindparam("questions", expanding=True)),
)
CHANGED_FIELDS = ("respondents", "counts", "live_respondents", "live_counts")
UPDATE_SNAPSHOT = (
    update(BreakdownSnapshot)
    .where(
        col(BreakdownSnapshot.class_id) == bindparam("row_class"),
        col(BreakdownSnapshot.question) == bindparam("row_question"),
    )
    .values({name: bindparam(name) for name in CHANGED_FIELDS})
)


def add_respondent(class_id: int, questions: Mapping[str, list[str]], *, session: Session) -> None:
    """Add one respondent to each question's running totals; snapshot at each multiple of 5.

    Prebuilt statements on the session's connection: the ORM's unit of work cost more than the
    arithmetic."""
    connection = session.connection()
    found = connection.execute(SNAPSHOT_ROWS, {"class_id": class_id, "questions": list(questions)})
    rows = {row.question: row for row in found}
    new, changed = [], []
    for question, keys in questions.items():
        row = rows.get(question)
        respondents, counts = (row.respondents, row.counts) if row else (0, "{}")
        live = Counter(json.loads(row.live_counts) if row else {})
        live.update(set(keys))
        live_respondents = (row.live_respondents if row else 0) + 1
        kept = advance(shown_snapshot(respondents, counts), live_respondents, live)
        if kept is not None:
            respondents, counts = kept.respondents, dump(kept.counts)
        values = {
            "respondents": respondents,
            "counts": counts,
            "live_respondents": live_respondents,
            "live_counts": dump(live),
        }
        if row is None:
            new.append({"class_id": class_id, "question": question, **values})
        else:
            changed.append({"row_class": class_id, "row_question": question, **values})
    if new:
        connection.execute(insert(BreakdownSnapshot), new)
    for values in changed:
        connection.execute(UPDATE_SNAPSHOT, values)


def shown_snapshot(respondents: int, counts: str) -> Snapshot | None:
    """The snapshot a row holds (None before the first), from its stored columns."""
    if respondents <= 0:
        return None
    return Snapshot(respondents, {str(key): int(n) for key, n in json.loads(counts).items()})


def dump(counts: Mapping[str, int]) -> str:
    """Totals as stored: JSON with sorted keys, zeros left out."""
    return json.dumps({k: n for k, n in sorted(counts.items()) if n}, separators=(",", ":"))
