"""Feedback in Chromium: wrong and partly right answers, with "Why the other answers are wrong"
folded and opened, by keyboard, with JavaScript on and off; axe-core in each state."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from course.content.schema import ChoiceItem, Lesson, OrderItem
from tests.browser.helpers import LiveServer, block_scripts, start_course, tab_to

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page, str], None]
BAND = "14-18"
JS_MODES = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def first_of(server: LiveServer, item_type: str) -> tuple[Lesson, ChoiceItem | OrderItem]:
    for lesson in server.lessons(BAND):
        for item in server.items(lesson, BAND):
            if item.type == item_type and isinstance(item, ChoiceItem | OrderItem):
                return lesson, item
    pytest.skip(f"no {item_type} item for {BAND}")


def scripted_page(context: BrowserContext, server: LiveServer, javascript: bool) -> Page:
    if not javascript:
        block_scripts(context, server)  # axe needs JavaScript, so refuse only the app's own
    return context.new_page()


@JS_MODES
def test_a_wrong_answer_folds_the_other_options_and_opens_by_keyboard(
    context: BrowserContext,
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
    javascript: bool,
) -> None:
    mode = "JavaScript on" if javascript else "JavaScript off"
    page = scripted_page(context, live_server, javascript)
    lesson, item = first_of(live_server, "choice")
    assert isinstance(item, ChoiceItem)
    start_course(page, live_server, BAND)
    page.goto(f"{live_server.url}/lessons/{lesson.slug}/quiz/{item.id}")
    wrong = next(option for option in item.options if not option.correct)
    page.locator(f"#item-{item.id}-{wrong.id}").check()
    page.locator(f"#item-{item.id}").get_by_role("button", name="Check").click()
    feedback = page.locator(f"#item-{item.id}-feedback")
    verdict = feedback.locator(".feedback__verdict")
    expect(verdict).to_have_text("Not quite.")
    expect(verdict.locator("svg.icon--cross")).to_be_visible()
    if javascript:
        expect(feedback).to_be_focused()
    others = feedback.locator("details.feedback__others")
    expect(others).not_to_have_attribute("open", "")
    assert_accessible(page, f"a wrong answer's feedback ({mode})")

    # The summary is reached by Tab from the feedback and opens with Enter.
    feedback.focus()
    tab_to(page, f"#item-{item.id}-feedback summary", limit=5)
    page.keyboard.press("Enter")
    expect(others).to_have_attribute("open", "")
    for option in item.options:
        if not option.correct and option.id != wrong.id:
            expect(others.get_by_text(option.text_html, exact=False).first).to_be_visible()
    assert_accessible(page, f"a wrong answer's feedback, others open ({mode})")


def test_a_misplaced_order_step_is_not_green(
    context: BrowserContext, live_server: LiveServer, assert_accessible: AssertAccessible
) -> None:
    page = context.new_page()
    lesson, item = first_of(live_server, "order")
    assert isinstance(item, OrderItem)
    start_course(page, live_server, BAND)
    page.goto(f"{live_server.url}/lessons/{lesson.slug}/quiz/{item.id}")
    rule = item.constraints[0]
    ids = [step.id for step in item.steps]
    turned = [rule.then if s == rule.first else rule.first if s == rule.then else s for s in ids]
    for position, step_id in enumerate(turned, start=1):
        page.locator(f"#item-{item.id}-{step_id}").select_option(str(position))
    page.locator(f"#item-{item.id}").get_by_role("button", name="Check").click()
    feedback = page.locator(f"#item-{item.id}-feedback")
    expect(feedback).to_be_focused()
    expect(feedback.locator(".feedback__swaps")).to_contain_text("Swap these two:")
    green = "rgb(0, 112, 60)"  # --right
    for step_id in (rule.first, rule.then):
        row = feedback.locator(f"[data-step='{step_id}']")
        expect(row).to_contain_text("Not in a good place yet:")
        colours = row.evaluate(
            "el => [getComputedStyle(el).borderLeftColor,"
            " getComputedStyle(el.querySelector('svg')).color]"
        )
        assert green not in colours, f"{step_id} is painted green: {colours}"
    assert_accessible(page, "order feedback with a pair the wrong way round")
