"""`course backup` and `course restore`: a consistent copy of the SQLite database taken while a
writer is busy, put back in place with everything in it; PostgreSQL and wrong files refused.
`course export`: a school's statistics as its dashboard's CSV, small groups held back."""

from __future__ import annotations

import csv
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.cli import main
from course.db import create_db_engine, read_session, write_session
from course.learning.models import Learner
from course.learning.progress import create_learner
from course.migrations.run import upgrade
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class
from course.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each `main` here reads the environment the test set (get_settings keeps what it read)."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("COURSE_DATABASE_URL", url)
    get_settings.cache_clear()


def learners(url: str) -> int:
    engine = create_db_engine(url)
    with read_session(engine) as session:
        found = int(session.scalar(select(func.count()).select_from(Learner)) or 0)
    engine.dispose()
    return found


def test_a_backup_taken_while_writing_restores_every_row_it_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'course.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    with write_session(engine) as session:
        for _ in range(50):
            create_learner("14-18", session=session)
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            with write_session(engine) as session:
                create_learner("adult", session=session)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    use(monkeypatch, url)
    try:
        assert main(["backup", str(tmp_path / "copy.db")]) == 0
    finally:
        stop.set()
        writer.join()
    assert "backed up to" in capsys.readouterr().out
    in_backup = learners(f"sqlite:///{tmp_path / 'copy.db'}")
    assert in_backup >= 50
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restored = tmp_path / "elsewhere" / "course.db"
    use(monkeypatch, f"sqlite:///{restored}")
    assert main(["restore", str(tmp_path / "copy.db")]) == 0
    assert learners(f"sqlite:///{restored}") == in_backup
    engine.dispose()


def test_backups_refuse_what_they_cannot_do_and_say_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'course.db'}"
    upgrade(url)
    use(monkeypatch, url)
    (tmp_path / "taken.db").write_bytes(b"")
    assert main(["backup", str(tmp_path / "taken.db")]) == 1
    assert "exists already" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("not a database")
    assert main(["restore", str(tmp_path / "notes.txt")]) == 1
    assert "not a backup of the course" in capsys.readouterr().err
    use(monkeypatch, "postgresql+psycopg://postgres@127.0.0.1/x")
    assert main(["backup", str(tmp_path / "pg.db")]) == 1
    assert "pg_dump" in capsys.readouterr().err


def test_a_schools_export_is_its_dashboards_csv_and_holds_back_small_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'course.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    with write_session(engine) as session:
        school = create_school("Hillside Academy", session=session)
        teacher = add_teacher(school.id, "Ms Khan", "k@example.org", "-", session=session)
        made = create_class(Viewer(teacher.id, school.id, True), "9B", "14-18", session=session)
        for _ in range(3):  # fewer than k
            create_learner("14-18", session=session, class_id=made.id)
    engine.dispose()
    use(monkeypatch, url)
    assert main(["export", "--school-id", str(school.id), str(tmp_path / "school.csv")]) == 0
    assert "1 classes, k = 10" in capsys.readouterr().out
    rows = list(csv.reader((tmp_path / "school.csv").open(encoding="utf-8")))
    text = "\n".join(",".join(row) for row in rows)
    assert "9B" in text and "Hillside Academy" in text
    assert "Shown when at least 10 pupils have answered" in text
    assert main(["export", "--school-id", "12345", str(tmp_path / "none.csv")]) == 1
    assert "no school has the id 12345" in capsys.readouterr().err
