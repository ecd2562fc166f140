"""The learner's journey in Chromium: with JavaScript, without it, and by keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import (
    RIGHT,
    LiveServer,
    correct_options,
    finish_journey,
    path_of,
    record_requests,
    start_course,
    tab_to,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("age_band", ["11-13", "14-18", "adult"])
def test_journey_with_javascript(page: Page, live_server: LiveServer, age_band: str) -> None:
    requests = record_requests(page.context)
    start_course(page, live_server, age_band)
    finish_journey(page, live_server, age_band, javascript=True)
    assert requests.foreign(live_server.netloc) == []


def test_journey_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        requests = record_requests(context)
        start_course(page, live_server, "14-18")
        finish_journey(page, live_server, "14-18", javascript=False)
        assert requests.foreign(live_server.netloc) == []
    finally:
        context.close()


def test_the_js_on_journey_asks_nothing_of_any_other_host(
    page: Page, live_server: LiveServer
) -> None:
    """Nothing loads from a third party: every request of the journey goes to the app."""
    requests = record_requests(page.context)
    start_course(page, live_server, "14-18")
    finish_journey(page, live_server, "14-18", javascript=True)
    page.get_by_role("link", name="Get help now").first.click()
    page.get_by_role("link", name="What we store about you").click()
    assert requests.urls, "no requests were recorded"
    foreign = requests.foreign(live_server.netloc)
    print(f"\n{len(requests.urls)} requests, all to {live_server.netloc}; foreign: {foreign}")
    assert foreign == []


def test_first_tab_focuses_the_visible_skip_link(page: Page, live_server: LiveServer) -> None:
    for path in ("/", "/start", "/help"):
        page.goto(live_server.url + path)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to main content")
        expect(skip).to_be_focused()
        expect(skip).to_be_visible()
        expect(skip).to_be_in_viewport()
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, box


def test_keyboard_only_journey(page: Page, live_server: LiveServer) -> None:
    """Start, answer a question and move on with Tab, Space, Enter and arrows: no clicks."""
    age_band = "14-18"
    first, second = live_server.lessons(age_band)[:2]
    page.goto(live_server.url + "/")

    # The skip link moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    tab_to(page, "a[href='/start']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/start")

    # Tabbing into a radio group with nothing chosen lands on its first radio; arrows choose.
    tab_to(page, "input[name='age_band']")
    expect(page.locator("#age-band-11-13")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#age-band-{age_band}")).to_be_checked()
    tab_to(page, "button[type='submit']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lessons/{first.slug}")

    tab_to(page, f"a[href='/lessons/{first.slug}/quiz']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lessons/{first.slug}/quiz")

    # The first item is a single choice; reach its right answer with the arrow keys.
    item = live_server.items(first, age_band)[0]
    assert item.type == "choice"
    (right,) = correct_options(item)
    index = [option.id for option in item.options].index(right)
    tab_to(page, f"#item-{item.id} input[name='choice']")
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"#item-{item.id}-{right}")).to_be_checked()
    page.evaluate("() => { window.__marker = 'still here'; }")
    tab_to(page, f"#item-{item.id} button[type='submit']")
    page.keyboard.press("Enter")
    feedback = page.locator(f"#item-{item.id}-feedback")
    expect(feedback).to_be_focused()
    expect(feedback.locator(".feedback__verdict")).to_have_text(RIGHT)
    assert page.evaluate("() => window.__marker") == "still here"

    # Tab goes on from the feedback to the next question, then down to "Next lesson".
    following = live_server.items(first, age_band)[1]
    tab_to(page, f"#item-{following.id} input[name='choice']", limit=1)
    tab_to(page, ".lesson-actions button[type='submit']")
    expect(page.locator(":focus")).to_have_text("Next lesson")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lessons/{second.slug}")
    assert path_of(page) == f"/lessons/{second.slug}"
