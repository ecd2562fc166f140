"""Browser fixtures: Chromium, the app served live on 127.0.0.1, and axe-core."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page

from course.migrations.run import upgrade
from tests.browser.helpers import VENDOR, LiveServer, axe_violations, describe_violations, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium when installed (else Playwright's own), headless and quiet offline."""
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if CHROMIUM.exists():
        args["executable_path"] = str(CHROMIUM)
    return args


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: browser tests drive the pages; the web tests cover PostgreSQL."""
    url = f"sqlite:///{tmp_path / 'course.db'}"
    upgrade(url)
    return url


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    """The test's app (fresh database) served on a free port of 127.0.0.1."""
    with serve(app) as server:
        yield server


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, vendored (see vendor/VERSION), read once per session."""
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture
def assert_accessible(axe_source: str) -> Callable[[Page, str], None]:
    """Assert that axe-core finds no WCAG 2.2 A/AA violation on the page as it is now."""

    def check(page: Page, state: str) -> None:
        violations = axe_violations(page, axe_source)
        report = describe_violations(violations)
        if violations:
            print(f"\naxe violations on {state} ({page.url}):\n{report}")
        assert not violations, f"axe found violations on {state} ({page.url}):\n{report}"

    return check
