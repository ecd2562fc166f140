"""`course migrate` says what it did: created for a new database, then up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.cli import main
from course.migrations.run import migrate, upgrade
from course.settings import get_settings


def test_migrate_says_created_for_a_new_database_then_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    monkeypatch.setenv("COURSE_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 0
        assert capsys.readouterr().out.strip() == f"database created: {url}"
        assert main(["migrate"]) == 0
        assert capsys.readouterr().out.strip() == f"database up to date: {url}"
    finally:
        get_settings.cache_clear()


def test_migrate_says_upgraded_for_a_database_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    assert migrate(url) == "upgraded"
    assert migrate(url) == "up to date"
