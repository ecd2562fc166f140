"""Settings: environment with the COURSE_ prefix, safe defaults, a secret in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from course.settings import REPO_ROOT, Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "DATABASE_URL", "EXIT_URL", "ENV", "SECRET_KEY"):
        monkeypatch.delenv(f"COURSE_{name}", raising=False)
    settings = Settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.database_url == "sqlite:///data/course.db"
    assert settings.exit_url == "https://www.bbc.co.uk/weather"
    assert settings.content_dir == REPO_ROOT


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_PORT", "9001")
    monkeypatch.setenv("COURSE_EXIT_URL", "https://example.org/")
    settings = Settings()
    assert settings.port == 9001
    assert settings.exit_url == "https://example.org/"


def test_production_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="COURSE_SECRET_KEY"):
        Settings(env="production")
    assert Settings(env="production", secret_key="x" * 40).secure_cookies


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="")
    first = settings.resolved_secret_key()
    assert len(first) >= 32
    assert settings.resolved_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_relative_sqlite_path_is_anchored_at_the_repository(tmp_path: Path) -> None:
    assert Settings().sqlalchemy_url() == f"sqlite:///{REPO_ROOT / 'data' / 'course.db'}"


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    missing = [name for name in Settings.model_fields if f"`COURSE_{name.upper()}`" not in readme]
    assert missing == [], f"document these settings in README.md: {missing}"
    assert all(field.description for field in Settings.model_fields.values())
