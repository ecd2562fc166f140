"""Data that is deleted is gone: a purge leaves no copy in the database files, and nothing stored
numbers learners or their answers in the order they came."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, inspect, text, update
from sqlmodel import SQLModel, col

import course.models  # noqa: F401 - registers every table
from course.db import create_db_engine, write_session
from course.learning.identity import hash_token
from course.learning.models import Learner
from course.learning.progress import KnownLearner, create_learner, record_lesson
from course.learning.retention import purge_expired
from course.migrations.run import upgrade
from course.quizzes.queries import insert_answer, record_step

LEARNER_TABLES = ("answer", "scenario_step", "lesson_progress", "film_event")
LONG_AGO = dt.date.today() - dt.timedelta(days=400)


def learner_with_rows(engine: Engine, age_band: str = "14-18") -> tuple[str, KnownLearner]:
    """A learner who finished a lesson, answered an item and took a step in a chat; returns
    their token hash (as stored) and the learner."""
    with write_session(engine) as session:
        token, learner = create_learner(age_band, session=session)
        record_lesson(learner.id, "what-is-sextortion", "completed", session=session)
        insert_answer(learner.id, "quiz", "item-1", "a", True, "v1", session=session)
        record_step(learner.id, "quiz", "chat-1", 0, "start", "ask", "v1", session=session)
    return hash_token(token), learner


def last_seen_long_ago(engine: Engine, learner: KnownLearner) -> None:
    with write_session(engine) as session:
        session.execute(
            update(Learner).where(col(Learner.id) == learner.id).values(last_seen_on=LONG_AGO)
        )


def checkpoint(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def file_bytes(database: Path) -> dict[str, bytes]:
    """The database file and, if present, its write-ahead log and shared-memory index."""
    files = [database, *(database.with_name(database.name + end) for end in ("-wal", "-shm"))]
    return {path.name: path.read_bytes() for path in files if path.exists()}


def test_a_purged_learner_leaves_no_trace_in_the_database_file_or_its_log(
    database_url: str,
) -> None:
    if not database_url.startswith("sqlite"):
        return
    database = Path(database_url.removeprefix("sqlite:///"))
    engine = create_db_engine(database_url)
    purged_hash, purged = learner_with_rows(engine)
    kept_hash, _kept = learner_with_rows(engine, "adult")
    last_seen_long_ago(engine, purged)
    # Both are in the database file itself before the purge, not only in the log.
    checkpoint(engine)
    assert purged_hash.encode() in file_bytes(database)["course.db"]
    # Pages that held the purged learner also go through the log on their way.
    with write_session(engine) as session:
        session.execute(text("UPDATE learner SET age_band = age_band"))

    assert purge_expired(engine, retention_days=395) == 1

    # The engine's connections are still open: SQLite has not tidied anything up on closing.
    files = file_bytes(database)
    assert {"course.db", "course.db-wal"} <= set(files)
    assert [name for name, content in files.items() if purged_hash.encode() in content] == []
    assert kept_hash.encode() in files["course.db"]
    assert len(purged_hash) == 64
    engine.dispose()


def test_sqlite_overwrites_what_it_deletes(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        return
    engine = create_db_engine(database_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    engine.dispose()


def test_purge_deletes_a_learners_rows_in_every_table(database_url: str) -> None:
    engine = create_db_engine(database_url)
    _, purged = learner_with_rows(engine)
    _, kept = learner_with_rows(engine)
    last_seen_long_ago(engine, purged)
    assert purge_expired(engine, retention_days=395) == 1
    assert purge_expired(engine, retention_days=395) == 0  # a second run finds nothing
    with engine.connect() as connection:
        for table in ("learner", *LEARNER_TABLES[:3]):
            column = "id" if table == "learner" else "learner_id"
            owners = connection.execute(text(f"SELECT {column} FROM {table}")).scalars().all()
            assert owners == [kept.id], table
    engine.dispose()


def test_learner_ids_are_random_63_bit_numbers(database_url: str) -> None:
    engine = create_db_engine(database_url)
    with write_session(engine) as session:
        ids = [create_learner("adult", session=session)[1].id for _ in range(20)]
    assert len(set(ids)) == 20
    assert ids != sorted(ids)  # created in one order, numbered in none (odds: 1 in 20!)
    assert all(0 < i < 2**63 for i in ids)
    assert max(ids) > 2**40
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT id FROM learner")).scalars().all()
    assert sorted(stored) == sorted(ids)
    engine.dispose()


def test_no_table_numbers_its_rows(database_url: str) -> None:
    """No autoincrement column anywhere; on SQLite no hidden rowid counter either: the learner's
    id is the rowid itself, and a learner's rows live in tables without a rowid."""
    engine = create_db_engine(database_url)
    learner_with_rows(engine)
    columns = inspect(engine).get_columns
    for table in LEARNER_TABLES:
        assert "id" not in {column["name"] for column in columns(table)}, table
    if database_url.startswith("sqlite"):
        with engine.connect() as connection:
            rowid, learner_id = connection.execute(text("SELECT rowid, id FROM learner")).one()
            assert rowid == learner_id
            for table in LEARNER_TABLES:
                sql = connection.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": table}
                ).scalar_one()
                assert sql.rstrip().endswith("WITHOUT ROWID"), table
    else:
        with engine.connect() as connection:
            sequences = (
                connection.execute(
                    text(
                        "SELECT relname FROM pg_class WHERE relkind = 'S' AND relnamespace = "
                        "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
                    )
                )
                .scalars()
                .all()
            )
        assert sequences == []
    engine.dispose()


def test_migrated_primary_keys_are_the_models(database_url: str) -> None:
    """compare_metadata does not look at primary keys; this does."""
    engine = create_db_engine(database_url)
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        stored = inspector.get_pk_constraint(table.name)
        assert stored["name"] == table.primary_key.name, table.name
        assert stored["constrained_columns"] == [c.name for c in table.primary_key.columns]
    engine.dispose()


def test_migrations_from_0003_keep_existing_rows_and_learner_ids(database_url: str) -> None:
    engine = create_db_engine(database_url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    upgrade(database_url, "0003")
    engine = create_db_engine(database_url)
    day = dt.date(2026, 11, 30)
    with engine.begin() as connection:
        for learner_id, token_hash in ((1, "a" * 64), (2, "b" * 64)):
            connection.execute(
                text(
                    "INSERT INTO learner (id, token_hash, age_band, created_on, last_seen_on) "
                    "VALUES (:id, :hash, 'adult', :day, :day)"
                ),
                {"id": learner_id, "hash": token_hash, "day": day},
            )
        connection.execute(
            text(
                "INSERT INTO answer (learner_id, quiz_slug, item_id, choice, correct, "
                "content_version, answered_on) VALUES (1, 'q', 'i', 'a', true, 'v', :day), "
                "(2, 'q', 'i', 'b', false, 'v', :day)"
            ),
            {"day": day},
        )
        connection.execute(
            text(
                "INSERT INTO scenario_step (learner_id, quiz_slug, item_id, step, node_id, "
                "choice_id, content_version, made_on) VALUES (1, 'q', 'c', 0, 'n', 'x', 'v', "
                ":day), (1, 'q', 'c', 1, 'm', 'y', 'v', :day)"
            ),
            {"day": day},
        )
        connection.execute(
            text(
                "INSERT INTO lesson_progress (learner_id, lesson_slug, status, recorded_on) "
                "VALUES (2, 'l', 'completed', :day)"
            ),
            {"day": day},
        )
        connection.execute(
            text(
                "INSERT INTO film_event (learner_id, event, recorded_on) "
                "VALUES (1, 'started', :day), (1, 'finished', :day)"
            ),
            {"day": day},
        )
    engine.dispose()

    upgrade(database_url)  # 0004 and every later one: 0005 rebuilds `learner` on SQLite

    engine = create_db_engine(database_url)

    def rows(query: str) -> list[tuple[object, ...]]:
        with engine.connect() as connection:
            return sorted(tuple(row) for row in connection.execute(text(query)))

    assert rows("SELECT id, token_hash FROM learner") == [(1, "a" * 64), (2, "b" * 64)]
    assert rows("SELECT learner_id, item_id, choice, correct FROM answer") == [
        (1, "i", "a", True),
        (2, "i", "b", False),
    ]
    assert rows("SELECT learner_id, step, choice_id FROM scenario_step") == [
        (1, 0, "x"),
        (1, 1, "y"),
    ]
    assert rows("SELECT learner_id, lesson_slug FROM lesson_progress") == [(2, "l")]
    assert rows("SELECT learner_id, event FROM film_event") == [
        (1, "finished"),
        (1, "started"),
    ]
    # The old learners' rows still go with them; the learner's id is given, never counted.
    with write_session(engine) as session:
        session.execute(text("DELETE FROM learner WHERE id = 1"))
        session.execute(
            text(
                "INSERT INTO learner (id, token_hash, age_band, created_on, last_seen_on) "
                "VALUES (:id, 'c', 'adult', :day, :day)"
            ),
            {"id": 2**62 + 7, "day": day},
        )
    assert rows("SELECT learner_id FROM answer") == [(2,)]
    assert rows("SELECT learner_id FROM scenario_step") == []
    assert rows("SELECT learner_id FROM film_event") == []
    assert rows("SELECT id FROM learner") == [(2,), (2**62 + 7,)]
    engine.dispose()
