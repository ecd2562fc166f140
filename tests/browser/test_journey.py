"""The learner's journey in Chromium: with JavaScript, without it, and by keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Response, expect

from course.content.schema import ChoiceItem
from tests.browser.helpers import (
    RIGHT,
    LiveServer,
    correct_options,
    finish_journey,
    record_requests,
    start_course,
    tab_to,
)

pytestmark = pytest.mark.browser


# Answering all of a band's 36 to 45 questions (a page each) takes 25 to 40 s a band. Every
# band sees every type of item, so one band (adult, the most questions) answers them all with
# JavaScript and 14-18 answers them all without it (below); the other bands still go through
# every lesson, answering the first question of each quiz and seeing its summary, for the
# requests and the CSP.
@pytest.mark.parametrize(
    ("age_band", "every_question"), [("adult", True), ("11-13", False), ("14-18", False)]
)
def test_journey_with_javascript(
    page: Page, live_server: LiveServer, age_band: str, every_question: bool
) -> None:
    """The band's whole course, items answered right (all of them, or the first of each
    quiz), each swapped in place by htmx, with focus on its feedback; not one request
    leaves the app (nothing loads from a third party), and nothing the pages do breaks the
    Content-Security-Policy (Chromium logs every refusal to the console)."""
    requests = record_requests(page.context)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Security Policy" in message.text else None,
    )
    start_course(page, live_server, age_band)
    finish_journey(page, live_server, age_band, every_question=every_question, javascript=True)
    page.get_by_role("link", name="See who can help", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get help now")
    page.get_by_role("link", name="What we store about you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we store about you")

    foreign = requests.foreign(live_server.netloc)
    print(f"\n{age_band}: {len(requests.urls)} requests, {len(foreign)} to other hosts")
    assert len(requests.urls) > 10
    assert foreign == [], f"requests left the app: {foreign}"
    assert refused == [], f"the CSP refused: {refused}"


def test_journey_without_javascript(no_js_page: Page, live_server: LiveServer) -> None:
    """The same journey as plain forms and links: each answer posts and the page reloads."""
    requests = record_requests(no_js_page.context)
    start_course(no_js_page, live_server, "14-18")
    finish_journey(no_js_page, live_server, "14-18", javascript=False)
    assert requests.foreign(live_server.netloc) == []


@pytest.mark.parametrize("path", ["/", "/start", "/help", "/no-such-page"])
def test_first_tab_focuses_the_skip_link_and_shows_it(
    page: Page, live_server: LiveServer, path: str
) -> None:
    page.goto(live_server.url + path)
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()  # hidden until focused
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport(ratio=1)


def test_keyboard_only_journey(page: Page, live_server: LiveServer) -> None:
    """Start, answer a question and go on to the next lesson with the keyboard: no clicks.

    Tab, Space and Enter, plus the arrow keys that choose within a radio group.
    """
    age_band = "14-18"
    first, second = live_server.lessons(age_band)[:2]
    page.goto(live_server.url + "/")

    # The skip link moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    tab_to(page, "main a[href='/start']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/start")

    # Tabbing into a radio group with nothing chosen lands on its first radio; arrows choose.
    tab_to(page, "input[name='age_band']")
    expect(page.locator("#age-band-11-13")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#age-band-11-13")).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#age-band-{age_band}")).to_be_checked()
    tab_to(page, "main button[type='submit']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lessons/{first.slug}")

    tab_to(page, f"a[href='/lessons/{first.slug}/quiz']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lessons/{first.slug}/quiz")

    # The quiz opens at its first question, a single choice: reach its right answer with Space
    # and the arrow keys.
    items = live_server.items(first, age_band)
    item = items[0]
    assert isinstance(item, ChoiceItem) and item.type == "choice", item.id
    expect(page.locator(f"#item-{item.id} .quiz-count")).to_have_text(f"Question 1 of {len(items)}")
    (right,) = correct_options(item)
    # Options are shown in this learner's own order (course/quizzes/items.py), so read it.
    shown = page.locator(f"#item-{item.id} input[name='choice']").evaluate_all(
        "inputs => inputs.map(input => input.value)"
    )
    position = shown.index(right)
    tab_to(page, f"#item-{item.id} input[name='choice']")
    page.keyboard.press("Space")
    for _ in range(position):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"#item-{item.id}-{right}")).to_be_checked()
    page.evaluate("() => { window.__marker = 'still here'; }")
    tab_to(page, f"#item-{item.id} button[type='submit']")
    page.keyboard.press("Enter")
    feedback = page.locator(f"#item-{item.id}-feedback")
    expect(feedback).to_be_focused()
    expect(feedback.locator(".feedback__verdict")).to_have_text(RIGHT)
    assert page.evaluate("() => window.__marker") == "still here"

    # From the feedback, Tab goes to "Why the other answers are wrong" (a <details>, folded),
    # then to "Next question", which Enter follows to the second question's page.
    page.keyboard.press("Tab")
    summary = page.locator(f"#item-{item.id}-feedback summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_text("Why the other answers are wrong")
    page.keyboard.press("Tab")
    onward = page.locator(f"#item-{item.id} .quiz-move a.button")
    expect(onward).to_be_focused()
    expect(onward).to_have_text("Next question")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lessons/{first.slug}/quiz/{items[1].id}")

    # Skip the rest by keyboard to the summary, where "Next lesson" goes on.
    for following in items[1:]:
        expect(page.locator(f"#item-{following.id} .quiz-count")).to_be_visible()
        tab_to(page, f"#item-{following.id} .quiz-move a.button", limit=200)
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lessons/{first.slug}/quiz/summary")
    expect(page.locator(".quiz-summary__score")).to_have_text(
        f"1 of {len(items)} right first time."
    )
    tab_to(page, ".lesson-actions button[type='submit']", limit=200)
    expect(page.locator(".lesson-actions button[type='submit']")).to_have_text("Next lesson")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/lessons/{second.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)


def test_lesson_page_weighs_under_60_kb(
    page: Page, new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    """A lesson, loaded fresh (nothing cached), transfers under 60 kB in all."""
    start_course(page, live_server, "14-18")
    lesson_url = page.url
    fresh = new_context(storage_state=page.context.storage_state())
    fresh_page = fresh.new_page()
    responses: list[Response] = []

    def keep(response: Response) -> None:
        responses.append(response)

    fresh_page.on("response", keep)
    fresh_page.goto(lesson_url, wait_until="networkidle")
    expect(fresh_page).to_have_url(lesson_url)

    rows = []
    for response in responses:
        sizes = response.request.sizes()
        rows.append(
            (
                response.url,
                response.status,
                len(response.body()),  # as decoded
                sizes["responseBodySize"],  # as sent (compressed, when it is)
                sizes["responseHeadersSize"],
            )
        )
    transferred = sum(sent + headers for _url, _status, _body, sent, headers in rows)
    print(f"\nlesson page, fresh load: {len(rows)} responses")
    for url, status, body, sent, headers in rows:
        print(f"  {status} {sent:>7} B sent ({body:>7} B decoded) + {headers:>4} B headers  {url}")
    print(f"  total transferred: {transferred} B (budget 60000 B)")
    assert {urlsplit(url).netloc for url, *_ in rows} == {live_server.netloc}
    assert transferred < 60_000, f"the lesson page transfers {transferred} B, over 60 kB"
