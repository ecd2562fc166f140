"""axe-core finds no WCAG 2.2 A/AA violation in any state of any page.

Automated checks find only part of the problems (SECURITY.md §3): zero here is necessary, not
sufficient. Keyboard and focus checks are in test_journey.py, the exit's own in test_quick_exit.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from course.content.schema import Item, Lesson
from tests.browser.helpers import (
    LiveServer,
    answer_item,
    axe_violations,
    block_scripts,
    hold_the_page_on_exit,
    start_course,
)

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page, str], None]
BAND = "14-18"
ITEM_TYPES = ("choice", "multi", "red-flags", "order", "branching")


def lesson_with(server: LiveServer, item_type: str) -> tuple[Lesson, Item]:
    """The first lesson whose questions include this type of item, and that item."""
    for lesson in server.lessons(BAND):
        for item in server.items(lesson, BAND):
            if item.type == item_type:
                return lesson, item
    pytest.skip(f"no {item_type} item in the course for {BAND}")


def open_quiz(page: Page, server: LiveServer, lesson: Lesson, item: Item) -> None:
    """A new learner, on the page of one of the lesson's questions."""
    start_course(page, server, BAND)
    page.goto(f"{server.url}/lessons/{lesson.slug}/quiz/{item.id}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


# --- Page states ------------------------------------------------------------------------------


def home(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/")


def start(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/start")


def start_with_error(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/start")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#age-band-error")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))


def lesson(page: Page, server: LiveServer) -> None:
    start_course(page, server, BAND)


def quiz_unanswered(item_type: str) -> Callable[[Page, LiveServer], None]:
    def state(page: Page, server: LiveServer) -> None:
        quiz_lesson, item = lesson_with(server, item_type)
        open_quiz(page, server, quiz_lesson, item)
        expect(page.locator(f"#item-{item.id} form").first).to_be_visible()

    return state


def quiz_with_error(item_type: str) -> Callable[[Page, LiveServer], None]:
    """Press Check with nothing chosen: the item shows its error (swapped by htmx with JS)."""

    def state(page: Page, server: LiveServer) -> None:
        quiz_lesson, item = lesson_with(server, item_type)
        open_quiz(page, server, quiz_lesson, item)
        page.locator(f"#item-{item.id}").get_by_role("button", name="Check").click()
        error = page.locator(f"#item-{item.id}-error")
        expect(error).to_be_visible()
        expect(page.locator(f"#item-{item.id} fieldset").first).to_have_attribute(
            "aria-describedby", f"item-{item.id}-error"
        )

    return state


def quiz_answered(item_type: str) -> Callable[[Page, LiveServer], None]:
    """The question answered right: its feedback, and the link on (htmx swaps with JS)."""

    def state(page: Page, server: LiveServer) -> None:
        quiz_lesson, item = lesson_with(server, item_type)
        open_quiz(page, server, quiz_lesson, item)
        javascript = page.evaluate("() => typeof window.htmx !== 'undefined'")
        answer_item(page, item, javascript=javascript)
        expect(page.locator(f"#item-{item.id} .quiz-move a.button")).to_be_visible()

    return state


def quiz_summary(answered: bool) -> Callable[[Page, LiveServer], None]:
    """The summary of the first quiz: with every question answered right, or none."""

    def state(page: Page, server: LiveServer) -> None:
        quiz_lesson = next(each for each in server.lessons(BAND) if each.quiz)
        items = server.items(quiz_lesson, BAND)
        open_quiz(page, server, quiz_lesson, items[0])
        javascript = page.evaluate("() => typeof window.htmx !== 'undefined'")
        for item in items if answered else ():
            page.goto(f"{server.url}/lessons/{quiz_lesson.slug}/quiz/{item.id}")
            answer_item(page, item, javascript=javascript)
        page.goto(f"{server.url}/lessons/{quiz_lesson.slug}/quiz/summary")
        expect(page.locator(".quiz-summary__score")).to_have_text(
            f"{len(items) if answered else 0} of {len(items)} right first time."
        )

    return state


def completion(page: Page, server: LiveServer) -> None:
    """The end, with lessons both skipped and done."""
    start_course(page, server, BAND)
    lessons = server.lessons(BAND)
    for number, each in enumerate(lessons, start=1):
        expect(page).to_have_url(f"{server.url}/lessons/{each.slug}")
        if number % 2:
            page.get_by_role("button", name="Skip this lesson").click()
            continue
        page.get_by_role("link", name="Continue to the questions").click()
        page.goto(f"{server.url}/lessons/{each.slug}/quiz/summary")  # nothing answered
        last = number == len(lessons)
        page.get_by_role("button", name="Finish the course" if last else "Next lesson").click()
    # Skipped, or left with nothing answered: the page says so (tests/web/test_completion.py)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You have reached the end of the course"
    )


def goto(path: str, status: int = 200) -> Callable[[Page, LiveServer], None]:
    def state(page: Page, server: LiveServer) -> None:
        response = page.goto(server.url + path)
        assert response is not None and response.status == status

    return state


def help_for_another_country(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/help")
    choices = page.locator("#country option").evaluate_all("os => os.map(o => o.value)")
    page.locator("#country").select_option(choices[-1])
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/help#services$"))


STATES: dict[str, Callable[[Page, LiveServer], None]] = {
    "home": home,
    "start": start,
    "start with error": start_with_error,
    "lesson": lesson,
    **{f"quiz with a {kind} item unanswered": quiz_unanswered(kind) for kind in ITEM_TYPES},
    **{
        f"quiz with a {kind} item's error": quiz_with_error(kind)
        for kind in ("choice", "multi", "red-flags", "order")
    },
    **{
        f"quiz with {kind} feedback": quiz_answered(kind)
        for kind in ("choice", "multi", "red-flags", "order", "branching")
    },
    "quiz summary, nothing answered": quiz_summary(answered=False),
    "quiz summary, all answered": quiz_summary(answered=True),
    "completion": completion,
    "help": goto("/help"),
    "help for another country": help_for_another_country,
    "privacy": goto("/privacy"),
    "card to keep": goto("/card"),
    "teacher's guide": goto("/teachers/guide"),
    "accessibility statement": goto("/accessibility"),
    "404": goto("/no-such-page", 404),
}
NO_JS_STATES = (
    "start with error",
    "lesson",
    "quiz with a choice item's error",
    "quiz with a order item's error",
    "quiz with order feedback",
    "quiz summary, all answered",
)


@pytest.mark.parametrize("state", list(STATES))
def test_no_axe_violations(
    page: Page, live_server: LiveServer, assert_accessible: AssertAccessible, state: str
) -> None:
    STATES[state](page, live_server)
    assert_accessible(page, state)


@pytest.mark.parametrize("state", NO_JS_STATES)
def test_no_axe_violations_without_javascript(
    context: BrowserContext,
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
    state: str,
) -> None:
    """The no-JS pages, with the app's scripts refused (axe itself needs JavaScript to run,
    and it never finishes in a context with JavaScript switched off)."""
    block_scripts(context, live_server)
    page = context.new_page()
    STATES[state](page, live_server)
    assert page.evaluate("() => typeof window.htmx") == "undefined"
    assert_accessible(page, f"{state} (JavaScript off)")


def test_no_axe_violations_with_the_exit_overlay_showing(
    page: Page,
    context: BrowserContext,
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
) -> None:
    """The exit overlay, held on screen by an /exit that answers 204 No Content."""
    hold_the_page_on_exit(context, live_server)
    lesson(page, live_server)
    page.get_by_role("link", name="Exit this page", exact=True).click()
    overlay = page.locator(".exit-overlay")
    expect(overlay).to_be_visible()
    expect(overlay.get_by_role("alert")).to_have_text("Loading.")
    expect(page.locator("main")).to_be_hidden()
    assert_accessible(page, "the quick-exit overlay")


@pytest.mark.parametrize(
    "state", ["lesson", "quiz with a red-flags item unanswered", "quiz with order feedback"]
)
def test_no_axe_violations_at_320px_wide(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
    state: str,
) -> None:
    """A small phone (WCAG 1.4.10 Reflow): no violations and no sideways scrolling."""
    context = new_context(viewport={"width": 320, "height": 640})
    context.set_default_timeout(10_000)
    page = context.new_page()
    STATES[state](page, live_server)
    assert_accessible(page, f"{state} at 320 px wide")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{state} scrolls sideways at 320 px: the page is {width} px wide"


def test_the_axe_check_itself_finds_a_planted_violation(
    page: Page, live_server: LiveServer, axe_source: str
) -> None:
    """Guard against a harness that silently checks nothing: plant an unlabelled input."""
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend', "
        '\'<input type="text" id="planted">\')'
    )
    violations = axe_violations(page, axe_source)
    assert "label" in {violation["id"] for violation in violations}
