"""Writers queue on SQLite (course/db.py): many threads and processes writing at once all
succeed, a failed write rolls back and gives up its turn, other databases are not held up.

Real SQLite files and real threads; nothing here asserts how fast anything is (the crowd
benchmark, tests/perf/crowd.py, measures that).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from course import db
from course.db import create_db_engine, read_session, write_session
from course.settings import REPO_ROOT
from course.writer_turns import writer_turn

THREADS = 40  # as many as the request threadpool
WRITES = 10
JOIN_SECONDS = 120  # only so that a deadlock fails the test instead of hanging it


def tally_engine(path: Path) -> Engine:
    """An engine on a fresh SQLite file holding one table of numbers."""
    engine = create_db_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE tally (n INTEGER NOT NULL UNIQUE)"))
    return engine


def add_next(engine: Engine) -> None:
    """One write that reads, then writes: the next number after the largest so far."""
    with write_session(engine) as session:
        largest = session.execute(text("SELECT max(n) FROM tally")).scalar() or 0
        session.execute(text("INSERT INTO tally (n) VALUES (:n)"), {"n": largest + 1})


def numbers(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT n FROM tally ORDER BY n")).scalars())


def run_at_once(work: Callable[[], None], threads: int) -> list[Exception]:
    """Start `threads` threads together on `work`; return what any of them raised."""
    gate = threading.Barrier(threads)
    problems: list[Exception] = []

    def worker() -> None:
        gate.wait()
        try:
            work()
        except Exception as problem:
            problems.append(problem)

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in running), "a writer never finished"
    return problems


def test_many_threads_writing_at_once_all_succeed_one_after_another(tmp_path: Path) -> None:
    engine = tally_engine(tmp_path / "course.db")

    def writes() -> None:
        for _ in range(WRITES):
            add_next(engine)

    assert run_at_once(writes, THREADS) == []
    # Each read-then-write saw the one before it: no number is missing or repeated.
    assert numbers(engine) == list(range(1, THREADS * WRITES + 1))
    engine.dispose()


def test_writers_queue_in_the_process_not_on_sqlites_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite alone would refuse a writer that waited longer than its busy timeout; here the
    # timeout is far shorter than the queue, and still no writer is refused.
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.01)
    monkeypatch.setattr(db, "BEGIN_ATTEMPTS", 1)
    engine = tally_engine(tmp_path / "course.db")

    def slow_writes() -> None:
        for _ in range(WRITES):
            with write_session(engine) as session:
                largest = session.execute(text("SELECT max(n) FROM tally")).scalar() or 0
                time.sleep(0.002)  # a transaction that takes a while, with the GIL let go
                session.execute(text("INSERT INTO tally (n) VALUES (:n)"), {"n": largest + 1})

    assert run_at_once(slow_writes, THREADS) == []
    assert numbers(engine) == list(range(1, THREADS * WRITES + 1))
    engine.dispose()


def test_writers_on_two_engines_of_one_file_share_the_queue(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "data")  # one file, spelt two ways
    first = tally_engine(tmp_path / "data" / "course.db")
    second = create_db_engine(f"sqlite:///{tmp_path / 'alias' / 'course.db'}")
    engines = iter([first, second] * THREADS)
    lock = threading.Lock()

    def writes() -> None:
        with lock:
            engine = next(engines)
        for _ in range(WRITES):
            add_next(engine)

    assert run_at_once(writes, THREADS) == []
    assert numbers(first) == list(range(1, THREADS * WRITES + 1))
    first.dispose()
    second.dispose()


WORKER = """
import sys, threading
from course.db import create_db_engine
from tests.unit.test_db_queue import add_next
engine = create_db_engine(sys.argv[1])
threads = [threading.Thread(target=lambda: [add_next(engine) for _ in range(20)]) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
"""


def run_processes(script: str, path: Path, count: int = 3) -> None:
    """Run the script in `count` processes at once on the SQLite file; all must succeed."""
    url = f"sqlite:///{path}"
    workers = [
        subprocess.Popen([sys.executable, "-c", script, url], cwd=REPO_ROOT, stderr=subprocess.PIPE)
        for _ in range(count)
    ]
    failures = [worker.communicate(timeout=JOIN_SECONDS)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * count, failures


def test_writers_in_several_processes_all_succeed(tmp_path: Path) -> None:
    engine = tally_engine(tmp_path / "course.db")
    run_processes(WORKER, tmp_path / "course.db")
    assert numbers(engine) == list(range(1, 3 * 8 * 20 + 1))
    engine.dispose()


IMPATIENT_WORKER = """
import sys, threading, time
from sqlalchemy import text
from course import db
db.BUSY_TIMEOUT_SECONDS, db.BEGIN_ATTEMPTS = 0.01, 1  # SQLite alone would refuse at once
engine = db.create_db_engine(sys.argv[1])
def slow_writes():
    for _ in range(10):
        with db.write_session(engine) as session:
            largest = session.execute(text("SELECT max(n) FROM tally")).scalar() or 0
            time.sleep(0.002)
            session.execute(text("INSERT INTO tally (n) VALUES (:n)"), {"n": largest + 1})
threads = [threading.Thread(target=slow_writes) for _ in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
"""


def test_processes_take_turns_on_the_writers_file_not_on_sqlites_busy_timeout(
    tmp_path: Path,
) -> None:
    # Each process's busy timeout is far shorter than another's transactions: only the turn
    # the processes take on <file>-writers keeps every writer from being refused.
    engine = tally_engine(tmp_path / "course.db")
    run_processes(IMPATIENT_WORKER, tmp_path / "course.db")
    assert numbers(engine) == list(range(1, 3 * 4 * 10 + 1))
    engine.dispose()


def test_writes_go_on_when_the_turn_file_cannot_be_opened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = tally_engine(tmp_path / "course.db")
    (tmp_path / "course.db-writers").mkdir()  # in the way: the file cannot be opened
    for _ in range(3):
        add_next(engine)
    assert numbers(engine) == [1, 2, 3]
    warnings = [r.getMessage() for r in caplog.records if "no turns between" in r.getMessage()]
    assert len(warnings) == 1, warnings  # said once, not at every write
    engine.dispose()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_a_turn_file_made_by_root_belongs_to_the_databases_owner(tmp_path: Path) -> None:
    # A command run as root on a server's files must not leave a file the server cannot open.
    engine = tally_engine(tmp_path / "course.db")
    os.chown(tmp_path / "course.db", 65534, 65534)  # the server's own user, say
    add_next(engine)
    turn_file = (tmp_path / "course.db-writers").stat()
    assert (turn_file.st_uid, turn_file.st_gid) == (65534, 65534)
    engine.dispose()


TRY_THE_TURN = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("free")
except BlockingIOError:
    print("held")
"""


def test_a_write_holds_the_turn_among_processes_until_it_ends(tmp_path: Path) -> None:
    engine = tally_engine(tmp_path / "course.db")
    writers = f"{tmp_path / 'course.db'}-writers"

    def other_process_sees() -> str:
        command = [sys.executable, "-c", TRY_THE_TURN, writers]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    with write_session(engine) as session:
        session.execute(text("INSERT INTO tally (n) VALUES (1)"))
        assert other_process_sees() == "held"
    assert other_process_sees() == "free"
    engine.dispose()


def test_a_write_that_raises_keeps_nothing_and_gives_up_its_turn(tmp_path: Path) -> None:
    engine = tally_engine(tmp_path / "course.db")
    with pytest.raises(ValueError, match="half-way"), write_session(engine) as session:
        session.execute(text("INSERT INTO tally (n) VALUES (1)"))
        raise ValueError("failed half-way")
    assert numbers(engine) == []
    add_next(engine)  # this thread can write again
    assert run_at_once(lambda: add_next(engine), 2) == []  # and so can others
    assert numbers(engine) == [1, 2, 3]
    engine.dispose()


def test_failing_writers_among_many_never_block_the_others(tmp_path: Path) -> None:
    engine = tally_engine(tmp_path / "course.db")
    counter = iter(range(THREADS * WRITES))
    lock = threading.Lock()

    def writes() -> None:
        for _ in range(WRITES):
            with lock:
                fail = next(counter) % 2 == 0
            try:
                with write_session(engine) as session:
                    largest = session.execute(text("SELECT max(n) FROM tally")).scalar() or 0
                    session.execute(text("INSERT INTO tally (n) VALUES (:n)"), {"n": largest + 1})
                    if fail:
                        raise KeyError("rolled back")
            except KeyError:
                pass

    assert run_at_once(writes, THREADS) == []
    assert numbers(engine) == list(range(1, THREADS * WRITES // 2 + 1))
    engine.dispose()


def test_a_write_to_another_database_inside_a_write_works(tmp_path: Path) -> None:
    first = tally_engine(tmp_path / "first.db")
    second = tally_engine(tmp_path / "second.db")
    with write_session(first) as outer:
        outer.execute(text("INSERT INTO tally (n) VALUES (1)"))
        add_next(second)
        with read_session(first) as reader:  # a read sees only what is committed
            assert reader.execute(text("SELECT count(*) FROM tally")).scalar() == 0
    assert numbers(first) == [1]
    assert numbers(second) == [1]
    first.dispose()
    second.dispose()


def test_a_second_write_to_the_same_file_in_one_thread_fails_at_once(tmp_path: Path) -> None:
    # It could never start (the first holds SQLite's lock until it ends): an error, not a hang.
    engine = tally_engine(tmp_path / "course.db")
    with write_session(engine) as outer:
        outer.execute(text("INSERT INTO tally (n) VALUES (1)"))
        with pytest.raises(RuntimeError, match="already writing"), write_session(engine):
            pass
    assert numbers(engine) == [1]
    engine.dispose()


def test_begin_waits_for_a_writer_outside_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another program (the sqlite3 shell, a backup) holds the write lock longer than SQLite's
    # busy timeout: BEGIN is tried again until it lets go.
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.05)
    monkeypatch.setattr(db, "BEGIN_ATTEMPTS", 1000)
    engine = tally_engine(tmp_path / "course.db")
    outsider = sqlite3.connect(tmp_path / "course.db", isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    refused = threading.Event()
    is_busy = db.is_busy

    def noticing(error: OperationalError) -> bool:
        busy = is_busy(error)
        if busy and not refused.is_set():
            refused.set()
            outsider.execute("COMMIT")  # let go only once BEGIN has been refused
        return busy

    monkeypatch.setattr(db, "is_busy", noticing)
    add_next(engine)
    assert refused.is_set()
    assert numbers(engine) == [1]
    outsider.close()
    engine.dispose()


def test_begin_gives_up_after_its_attempts_and_the_next_write_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.01)
    monkeypatch.setattr(db, "BEGIN_ATTEMPTS", 2)
    engine = tally_engine(tmp_path / "course.db")
    outsider = sqlite3.connect(tmp_path / "course.db", isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    with pytest.raises(OperationalError, match="database is locked"):
        add_next(engine)
    outsider.execute("COMMIT")
    outsider.close()
    add_next(engine)
    assert numbers(engine) == [1]
    engine.dispose()


def test_postgresql_writers_do_not_take_turns() -> None:
    # No connection is made: only the turn is taken, by two threads at the same time.
    engine = create_db_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    inside = threading.Barrier(2)

    def hold_a_turn() -> None:
        with writer_turn(engine):
            inside.wait(JOIN_SECONDS)  # both threads are in their turn at once

    assert run_at_once(hold_a_turn, 2) == []
    engine.dispose()


def test_in_memory_databases_need_no_turn() -> None:
    engine = create_db_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE tally (n INTEGER NOT NULL UNIQUE)"))
    add_next(engine)
    assert numbers(engine) == [1]
    engine.dispose()
