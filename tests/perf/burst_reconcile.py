"""The burst's school, set up with the app's own functions, and its reconciliation: the client's
record of acknowledged answers against the rows the database holds, read directly with SQL.

A learner's database id never leaves the server, so the client's learners are found by their
cookie: its token (the app's own decode_cookie, with the run's secret) hashed as the app hashes
it. Then, for the learners of the burst's classes:

    acknowledged           answers the client saw acknowledged (one per learner and question)
    stored                 of those, the ones with a row
    lost                   acknowledged, and no row
    duplicated             rows beyond one per learner and question, and rows for a question the
                           learner never sent (the primary key should make the first impossible)
    wrong                  a row whose choice is not the one the learner sent first
    miscounted             for each class and question, |running total − rows|: an answer the
                           class's totals (course/stats/snapshots.py) count twice or never
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import BindParameter, bindparam, create_engine, text

from course.db import create_db_engine, write_session
from course.learning.identity import decode_cookie, hash_token
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class
from tests.perf.burst_learners import ItemForm, Record

UNHANDLED = "unhandled error on "  # what the app logs once per unhandled error
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Timeout)\b")


@dataclass(frozen=True)
class Reconciled:
    """The client's record against the database."""

    acknowledged: int
    stored: int
    lost: int
    duplicated: int
    wrong: int
    miscounted: int
    unacknowledged_stored: int  # sent, never acknowledged (the run ended first), but stored
    learners: int  # in the burst's classes
    questions: int  # class and question pairs whose totals were checked
    miscounts: tuple[str, ...] = ()  # the first few pairs whose totals are off, in words


def make_school(url: str, classes: int, band: str) -> list[tuple[int, str]]:
    """A school, its admin, and `classes` classes open for joining: their ids and join codes."""
    engine = create_db_engine(url)
    try:
        with write_session(engine) as session:
            school = create_school("Burst Academy", session=session)
            admin = add_teacher(
                school.id,
                "Ms Okafor",
                f"burst-{secrets.token_hex(4)}@example.org",
                "not-a-hash",
                session=session,
                is_admin=True,
                email_confirmed=True,
            )
            viewer = Viewer(admin.id, school.id, True)
            made = [
                create_class(viewer, f"Year 10 set {n + 1}", band, session=session)
                for n in range(classes)
            ]
            return [(made_class.id, made_class.join_code) for made_class in made]
    finally:
        engine.dispose()


def reconcile(
    url: str, record: Record, secret: str, class_ids: list[int], forms: list[ItemForm]
) -> Reconciled:
    """Read the burst's classes' learners, answers and totals, and hold them to the record."""
    engine = create_engine(url)
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    try:
        with engine.connect() as connection:
            learners = connection.execute(
                text(
                    "SELECT id, token_hash, class_id FROM learner WHERE class_id IN :ids"
                ).bindparams(ids),
                {"ids": class_ids},
            ).all()
            answers = connection.execute(
                text(
                    "SELECT a.learner_id, a.item_id, a.choice FROM answer a "
                    "JOIN learner l ON l.id = a.learner_id WHERE l.class_id IN :ids"
                ).bindparams(ids),
                {"ids": class_ids},
            ).all()
            totals = connection.execute(
                text(
                    "SELECT class_id, question, live_respondents FROM breakdown_snapshot "
                    "WHERE class_id IN :ids"
                ).bindparams(ids),
                {"ids": class_ids},
            ).all()
    finally:
        engine.dispose()
    by_hash = {row.token_hash: row.id for row in learners}
    class_of = {row.id: row.class_id for row in learners}
    index_of = {}
    for index, cookie in record.cookies.items():
        learner_id = by_hash.get(hash_token(decode_cookie(cookie, secret).token))
        if learner_id is not None:
            index_of[learner_id] = index
    rows = Counter((index_of.get(row.learner_id, -1), row.item_id) for row in answers)
    choices = {(index_of.get(row.learner_id, -1), row.item_id): row.choice for row in answers}
    stored = set(rows)
    nobody = sum(n for key, n in rows.items() if key not in record.sent)
    counted = Counter((class_of[row.learner_id], row.item_id) for row in answers)
    items = {form.item.id for form in forms}
    running = {(row.class_id, row.question): row.live_respondents for row in totals}
    pairs = {pair for pair in set(running) | set(counted) if pair[1] in items}
    return Reconciled(
        acknowledged=len(record.acked),
        stored=len(set(record.acked) & stored),
        lost=len(set(record.acked) - stored),
        duplicated=sum(n - 1 for n in rows.values()) + nobody,
        wrong=sum(choices[key] != choice for key, choice in record.sent.items() if key in choices),
        miscounted=sum(abs(running.get(pair, 0) - counted.get(pair, 0)) for pair in pairs),
        unacknowledged_stored=len((stored & set(record.sent)) - set(record.acked)),
        learners=len(learners),
        questions=len(pairs),
        miscounts=tuple(
            f"class {class_id} {item}: total {running.get((class_id, item), 0)}, "
            f"rows {counted.get((class_id, item), 0)}"
            for class_id, item in sorted(pairs)
            if running.get((class_id, item), 0) != counted.get((class_id, item), 0)
        )[:8],
    )


def server_errors_in_log(log: Path) -> Counter[str]:
    """The unhandled errors a server logged, by the exception each ended in (its first line)."""
    if not log.exists():
        return Counter()
    found: Counter[str] = Counter()
    for chunk in log.read_text(errors="replace").split(UNHANDLED)[1:]:
        raised = [line for line in chunk.splitlines() if EXCEPTION_LINE.match(line)]
        found[raised[-1][:120] if raised else "(no exception line)"] += 1
    return found
