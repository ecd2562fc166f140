"""The quick exit (GOV.UK "Exit this page"): the button, the skip link, Shift three times, no JS.

Every way out goes through /exit, which forgets the learner on this device, and lands on the
neutral site; before that, no request leaves the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from course.learning.identity import LEARNER_COOKIE
from tests.browser.helpers import (
    LiveServer,
    NeutralSite,
    RequestLog,
    cookie_names,
    record_requests,
    start_course,
)

pytestmark = pytest.mark.browser

BAND = "14-18"


def on_a_lesson(page: Page, server: LiveServer) -> RequestLog:
    """A learner part-way through the course; the log records every request from now on."""
    requests = record_requests(page.context)
    start_course(page, server, BAND)
    assert LEARNER_COOKIE in cookie_names(page.context)
    return requests


@pytest.fixture
def exited(live_server: LiveServer, neutral_site: NeutralSite) -> Callable[..., None]:
    """Check the exit went as it should (the neutral site's visits are counted from here)."""
    neutral_site.visits.clear()

    def check(page: Page, requests: RequestLog, exited_from: str) -> None:
        assert_exited(page, live_server, neutral_site, requests, exited_from)

    return check


def assert_exited(
    page: Page, server: LiveServer, site: NeutralSite, requests: RequestLog, exited_from: str
) -> None:
    """The browser left for the neutral site, forgot the learner, and leaked nothing first."""
    page.wait_for_url(site.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Weather")
    assert LEARNER_COOKIE not in cookie_names(page.context)
    exit_at = requests.urls.index(f"{server.url}/exit")
    assert exit_at > 0, "no requests were recorded before the exit"
    assert not RequestLog(requests.urls[:exit_at]).foreign(server.netloc)
    assert set(requests.foreign(server.netloc)) <= {site.url, f"http://{site.netloc}/favicon.ico"}
    # The neutral site is not told where the learner came from.
    (visit,) = [v for v in site.visits if v["path"] == "/weather"]
    assert "referer" not in visit, f"the neutral site was sent a Referer: {visit['referer']}"

    # (d) The learner is forgotten on this device: a lesson now asks for an age group again.
    page.goto(exited_from)
    # (After choosing one, the learner goes on to the lesson asked for: ?next=.)
    expect(page).to_have_url(re.compile(rf"^{re.escape(server.url)}/start(\?next=[^&]+)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your age group")


def test_exit_button(
    page: Page, live_server: LiveServer, neutral_site: NeutralSite, exited: Callable[..., None]
) -> None:
    requests = on_a_lesson(page, live_server)
    lesson_url = page.url
    history = page.evaluate("() => history.length")
    page.get_by_role("link", name="Exit this page", exact=True).click()
    page.wait_for_url(neutral_site.url)
    # location.replace(): the lesson's history entry was replaced, not added to.
    assert page.evaluate("() => history.length") == history
    exited(page, requests, lesson_url)


def test_exit_skip_link_by_keyboard(
    page: Page, live_server: LiveServer, exited: Callable[..., None]
) -> None:
    """The second skip link, for keyboard and screen reader users."""
    requests = on_a_lesson(page, live_server)
    lesson_url = page.url
    page.goto(lesson_url)  # focus starts at the top of a fresh load
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    link = page.get_by_role("link", name="Exit this page quickly")
    expect(link).to_be_focused()
    expect(link).to_be_in_viewport(ratio=1)
    page.keyboard.press("Enter")
    exited(page, requests, lesson_url)


def test_shift_three_times(
    page: Page, live_server: LiveServer, exited: Callable[..., None]
) -> None:
    requests = on_a_lesson(page, live_server)
    lesson_url = page.url
    status = page.locator(".exit-status")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 2 more times to exit.")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 1 more time to exit.")
    page.keyboard.press("Shift")
    exited(page, requests, lesson_url)


@pytest.mark.parametrize("other_key", ["a", "Tab", "Control"])
def test_another_key_between_shifts_does_not_exit(
    page: Page, live_server: LiveServer, other_key: str
) -> None:
    on_a_lesson(page, live_server)
    lesson_url = page.url
    page.evaluate("() => { window.__marker = 'still here'; }")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press(other_key)
    page.keyboard.press("Shift")
    expect(page.locator(".exit-status")).to_have_text("Shift, press 2 more times to exit.")
    page.wait_for_timeout(300)  # time enough for a navigation to start, were one coming
    assert page.url == lesson_url
    assert page.evaluate("() => window.__marker") == "still here"
    expect(page.locator(".exit-overlay")).to_be_hidden()
    assert LEARNER_COOKIE in cookie_names(page.context)


def test_shift_as_part_of_a_shortcut_does_not_count(page: Page, live_server: LiveServer) -> None:
    """Shift+Tab ×3 (moving focus backwards) is not three presses of Shift on its own."""
    on_a_lesson(page, live_server)
    lesson_url = page.url
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    page.wait_for_timeout(300)
    assert page.url == lesson_url
    assert LEARNER_COOKIE in cookie_names(page.context)


@pytest.mark.parametrize("name", ["Exit this page", "Exit this page quickly"])
def test_exit_without_javascript(
    no_js_context: BrowserContext, live_server: LiveServer, exited: Callable[..., None], name: str
) -> None:
    """A plain link: /exit clears the cookie and redirects (303) to the neutral site."""
    page = no_js_context.new_page()
    requests = on_a_lesson(page, live_server)
    lesson_url = page.url
    link = page.get_by_role("link", name=name, exact=True)
    if name.endswith("quickly"):
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        expect(link).to_be_focused()
        page.keyboard.press("Enter")
    else:
        link.click()
    exited(page, requests, lesson_url)


def test_exit_from_the_quiz_after_answering(
    page: Page, live_server: LiveServer, exited: Callable[..., None]
) -> None:
    """Leaving mid-quiz, after htmx swaps, works the same (the script still listens)."""
    requests = on_a_lesson(page, live_server)
    page.get_by_role("link", name="Continue to the questions").click()
    quiz_url = page.url
    first = page.locator(".quiz-item input[type='radio']").first
    first.check()
    page.locator(".quiz-item").first.get_by_role("button", name="Check").click()
    expect(page.locator(".feedback").first).to_be_focused()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    exited(page, requests, quiz_url)
