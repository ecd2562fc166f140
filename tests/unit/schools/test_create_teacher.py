"""`course create-teacher`: an operator's confirmed admin, with the password from stdin."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from course.cli import main
from course.migrations.run import upgrade
from course.settings import get_settings

PASSWORD = "violet tractor umbrella sandwich\n"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'course.db'}"
    upgrade(url)
    monkeypatch.setenv("COURSE_DATABASE_URL", url)
    monkeypatch.setenv("COURSE_SECRET_KEY", "k" * 40)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = PASSWORD) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["create-teacher", *args, "--password-stdin"])


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = [tuple(row) for row in connection.exec_driver_sql(sql)]
    engine.dispose()
    return found


def test_creates_a_confirmed_admin_of_a_new_school(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--school", "Greenfield Academy", "--name", "Ada Lovelace", "--email", "Ada@X.example")
    assert run(monkeypatch, *args) == 0
    assert "created admin ada@x.example" in capsys.readouterr().out
    [(email, admin, confirmed, hashed)] = rows(
        database, "SELECT email, is_admin, email_confirmed, password_hash FROM teacher"
    )
    assert email == "ada@x.example" and admin and confirmed
    assert str(hashed).startswith("$argon2id$")
    [(school_id,)] = rows(database, "SELECT id FROM school")
    more = ("--school-id", str(school_id), "--name", "Grace", "--email", "grace@x.example")
    assert run(monkeypatch, *more) == 0
    assert rows(database, "SELECT count(*) FROM teacher WHERE is_admin") == [(2,)]


def test_refuses_a_weak_password_a_taken_address_and_an_unknown_school(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--school", "Greenfield", "--name", "Ada", "--email", "ada@x.example")
    assert run(monkeypatch, *args, stdin="Password123\n") == 1
    assert "harder to guess" in capsys.readouterr().err
    assert run(monkeypatch, *args) == 0
    assert run(monkeypatch, *args) == 1
    assert "already has an account" in capsys.readouterr().err
    unknown = ("--school-id", "12345", "--name", "Bob", "--email", "bob@x.example")
    assert run(monkeypatch, *unknown) == 1
    assert "no school with id 12345" in capsys.readouterr().err
    assert rows(database, "SELECT count(*) FROM teacher") == [(1,)]
