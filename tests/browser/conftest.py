"""Browser fixtures: Chromium, the app served live on 127.0.0.1, and axe-core."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from course.content.schema import Catalogue
from course.film.production.build import CHROMIUM, CHROMIUM_ARGS  # the flags the film is drawn with
from course.migrations.run import upgrade
from course.settings import Settings
from tests.browser.helpers import (
    VENDOR,
    LiveServer,
    NeutralSite,
    axe_violations,
    describe_violations,
    fresh_settings,
    serve_fresh,
    serve_neutral_site,
)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium when installed (else Playwright's own), headless and quiet offline."""
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if CHROMIUM.exists():
        args["executable_path"] = str(CHROMIUM)
    return args


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """pytest-playwright's own fallback is a class method that pytest 9 warns about."""
    value = pytestconfig.getoption("--base-url", default=None) or None
    return str(value) if value else None


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only, should a browser test use the shared `settings` or `app` fixtures: the
    browser tests drive pages, and the web tests already cover PostgreSQL."""
    url = f"sqlite:///{tmp_path / 'course.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def neutral_site() -> Iterator[NeutralSite]:
    """The quick exit's destination, on this machine."""
    with serve_neutral_site() as site:
        yield site


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, neutral_site: NeutralSite, catalogue: Catalogue
) -> Iterator[LiveServer]:
    """The app on a free port of 127.0.0.1, one per test module, on a fresh SQLite database.

    Built as the shared `settings` fixture builds its settings (that fixture is per test, and
    a server per test cost about 0.7 s each). Tests stay independent all the same: each has
    its own browser context, so its own anonymous learner. The quick exit goes to the local
    neutral site.
    """
    folder = tmp_path_factory.mktemp("live")
    settings = fresh_settings(folder, exit_url=neutral_site.url)
    with serve_fresh(settings, catalogue) as server:
        yield server


TIMEOUT_MS = 10_000


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A fresh browser context (JavaScript on) that gives up on a step after 10 s, not 30."""
    browser_context = new_context()
    browser_context.set_default_timeout(TIMEOUT_MS)
    return browser_context


@pytest.fixture
def no_js_context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    """A fresh browser context with JavaScript off."""
    browser_context = new_context(java_script_enabled=False)
    browser_context.set_default_timeout(TIMEOUT_MS)
    return browser_context


@pytest.fixture
def no_js_page(no_js_context: BrowserContext) -> Page:
    return no_js_context.new_page()


@pytest.fixture
def settings(settings: Settings, neutral_site: NeutralSite) -> Settings:
    """The shared test settings (for a browser test that uses `app`), exiting locally."""
    return settings.model_copy(update={"exit_url": neutral_site.url})


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, vendored (see vendor/VERSION), read once per session."""
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture
def assert_accessible(axe_source: str) -> Callable[[Page, str], None]:
    """Assert that axe-core finds no WCAG 2.2 A/AA violation on the page as it is now."""

    def check(page: Page, state: str) -> None:
        # After a click that navigates, the new page's heading can be there before its
        # stylesheet is applied: axe would then measure the page unstyled (and find its links
        # too small). The load event comes after the stylesheet.
        page.wait_for_load_state("load")
        violations = axe_violations(page, axe_source)
        report = describe_violations(violations)
        if violations:
            print(f"\naxe violations on {state} ({page.url}):\n{report}")
        assert not violations, f"axe found violations on {state} ({page.url}):\n{report}"

    return check
