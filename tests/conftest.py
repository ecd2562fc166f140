"""Fixtures shared by every test: an app per test on its own fresh database."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.app import create_app
from course.content.schema import Catalogue
from course.settings import REPO_ROOT, Settings
from tests.live_servers import postgres_schema
from tests.migrated import migrated_sqlite

POSTGRES_URL = os.environ.get("COURSE_TEST_DATABASE_URL", "")
DATABASES = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: SQLite always, PostgreSQL too when configured."""
    if request.param == "sqlite":
        yield migrated_sqlite(tmp_path / "course.db")
        return
    with postgres_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for one test: its own database, secret and data folder; the real content."""
    return Settings(
        database_url=database_url,
        secret_key=secrets.token_urlsafe(32),
        data_dir=tmp_path / "data",
        content_dir=REPO_ROOT,
    )


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The shipped content, loaded and checked once for the whole run: it is immutable, so
    every test's app shares it (each still has its own database)."""
    folder = tmp_path_factory.mktemp("catalogue")
    loader = create_app(
        Settings(
            database_url=f"sqlite:///{folder / 'unused.db'}",
            secret_key=secrets.token_urlsafe(32),
            data_dir=folder / "data",
            content_dir=REPO_ROOT,
        )
    )
    loader.state.engine.dispose()
    shipped: Catalogue = loader.state.catalogue
    return shipped


@pytest.fixture
def app(settings: Settings, catalogue: Catalogue) -> Iterator[FastAPI]:
    """The app, built from the test's settings, on the shared catalogue."""
    application = create_app(settings, catalogue=catalogue)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser-like client that keeps cookies and does not follow redirects."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client
