"""Scenario items (red flags, order, branching chats) in Chromium.

Each type completed by keyboard alone, and with JavaScript off; axe-core in every state (and at
every ending of every branching chat); a chat resumed after a reload; target sizes; no timers.
Items come from the live server's catalogue, never by id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from course.content.schema import AUDIENCES, BranchingItem, Item, Lesson, OrderItem, RedFlagsItem
from course.quizzes import scenarios
from course.quizzes.scenarios import ScenarioState
from tests.browser.helpers import (
    RIGHT_ORDER,
    LiveServer,
    assert_not_navigated,
    axe_violations,
    block_scripts,
    describe_violations,
    fill_in_right_answer,
    mark_page,
    record_requests,
    safe_path,
    start_course,
    tab_to,
)
from tests.scenario_helpers import back, ended, reachable_states

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page, str], None]
BAND = "14-18"
SCENARIO_TYPES = ("red-flags", "order", "branching")
JS_MODES = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
COUNTDOWN = re.compile(
    r"\b\d+\s*(?:seconds?|secs?|minutes?|mins?)\s+(?:left|remaining|to go)\b"
    r"|\btime (?:left|remaining)\b|\bcount\s?down\b|\bhurry\b",
    re.IGNORECASE,
)
# Every target a learner can press, tick or choose (hidden inputs excluded).
TARGETS_SCRIPT = """(roots) => roots.flatMap(root => Array.from(root.querySelectorAll(
    'a[href], button, select, textarea, input:not([type=hidden]), [tabindex]:not([tabindex="-1"])'
)).map(el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const parentText = (el.parentElement.textContent || '').replace(/\\s+/g, ' ').trim();
    const ownText = (el.textContent || '').replace(/\\s+/g, ' ').trim();
    return {
        tag: el.tagName.toLowerCase(), type: el.type || '', html: el.outerHTML.slice(0, 100),
        width: box.width, height: box.height, visible: box.width > 0 && box.height > 0,
        inline: el.tagName === 'A' && style.display === 'inline' && parentText !== ownText,
    };
}))"""


# --- Finding items in the catalogue -----------------------------------------------------------


def first_item(server: LiveServer, item_type: str, band: str = BAND) -> tuple[Lesson, Item]:
    """The first item of this type on the band's path, and its lesson."""
    for lesson in server.lessons(band):
        for item in server.items(lesson, band):
            if item.type == item_type:
                return lesson, item
    pytest.skip(f"no {item_type} item in the course for {band}")


def every_branching_item(server: LiveServer) -> list[tuple[str, Lesson, BranchingItem]]:
    """Every branching item in the course, with the first band (and its lesson) that sees it."""
    found: dict[str, tuple[str, Lesson, BranchingItem]] = {}
    for band in AUDIENCES:
        for lesson in server.lessons(band):
            for item in server.items(lesson, band):
                if isinstance(item, BranchingItem) and item.id not in found:
                    found[item.id] = (band, lesson, item)
    return list(found.values())


def endings(item: BranchingItem) -> list[ScenarioState]:
    """The shortest way to each ending node of the chat."""
    first: dict[str, ScenarioState] = {}
    for state in reachable_states(item):
        if ended(state):
            first.setdefault(state.node.id, state)
    return list(first.values())


def long_ending(server: LiveServer) -> tuple[Lesson, BranchingItem, ScenarioState]:
    """A branching item and a way to an ending that passes at least two choices first."""
    for lesson in server.lessons(BAND):
        for item in server.items(lesson, BAND):
            if isinstance(item, BranchingItem):
                for state in reachable_states(item):
                    if ended(state) and len(state.choices) >= 3:
                        return lesson, item, state
    pytest.skip(f"no branching chat for {BAND} with three choices before an ending")


def quiz_url(server: LiveServer, lesson: Lesson, item: Item | None = None) -> str:
    """The lesson's questions (at the first not yet answered), or one question's own page."""
    quiz = f"{server.url}/lessons/{lesson.slug}/quiz"
    return f"{quiz}/{item.id}" if item else quiz


def open_quiz(page: Page, server: LiveServer, lesson: Lesson, item: Item, band: str = BAND) -> None:
    """Choose the band (a new learner) and open the item's page."""
    start_course(page, server, band)
    page.goto(quiz_url(server, lesson, item))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def scripted_page(context: BrowserContext, server: LiveServer, javascript: bool) -> Page:
    """A page with the app's scripts, or with them refused (no-JS pages that axe can check)."""
    if not javascript:
        block_scripts(context, server)
    return context.new_page()


# --- Driving an item --------------------------------------------------------------------------


def section_of(page: Page, item: Item) -> Locator:
    return page.locator(f"#item-{item.id}")


def expect_step(page: Page, item: Item, step: int) -> None:
    """The chat shows the node after `step` choices (every form in it carries the step)."""
    expect(section_of(page, item).locator("input[name='step']").first).to_have_value(str(step))


def shown_choices(page: Page, item: Item) -> list[str]:
    buttons = section_of(page, item).locator("button[name='choice']")
    return [str(button.get_attribute("value")) for button in buttons.all()]


def expect_node(page: Page, item: BranchingItem, state: ScenarioState) -> None:
    """The chat is at this state: its step, its choices or its ending."""
    expect_step(page, item, len(state.choices))
    section = section_of(page, item)
    if ended(state):
        kind = "A safe ending" if state.node.ending == "safe" else "A risky ending"
        heading = section.locator(f".ending--{state.node.ending} h3")
        expect(heading).to_have_text(f"{kind}: {state.node.title}")
        expect(section.locator("button[name='choice']")).to_have_count(0)
    else:
        offered = [choice.id for choice in scenarios.available_choices(item, state)]
        expect(section.locator("button[name='choice']")).to_have_count(len(offered))
        assert shown_choices(page, item) == offered


@contextmanager
def full_page_post(page: Page, item: Item) -> Iterator[None]:
    """The action inside posts a plain form: the POST answers 303 and the browser loads the
    quiz page again, scrolled to the item (`#item-<id>`)."""
    with page.expect_navigation() as navigation:
        yield
    response = navigation.value
    assert response is not None and response.status == 200
    posted = response.request.redirected_from
    assert posted is not None and posted.method == "POST", "not a full-page POST and redirect"
    answer = posted.response()
    assert answer is not None and answer.status == 303
    assert urlsplit(page.url).fragment == f"item-{item.id}"


@contextmanager
def fragment_swap(page: Page, item: Item) -> Iterator[None]:
    """The action inside posts through htmx: a fragment comes back, and the page stays."""
    mark_page(page)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        yield
    response = posted.value
    assert response.request.header_value("hx-request") == "true"
    body = response.text()
    assert "<html" not in body and f'id="item-{item.id}"' in body, "not the item's fragment"
    assert_not_navigated(page)


def choose(page: Page, item: BranchingItem, state: ScenarioState, choice_id: str) -> ScenarioState:
    """Click a choice; return the state it leads to, once the page shows it."""
    after = scenarios.choose(item, state, choice_id)
    section_of(page, item).locator(f"button[name='choice'][value='{choice_id}']").click()
    expect_node(page, item, after)
    return after


def play(page: Page, item: BranchingItem, choices: tuple[str, ...]) -> ScenarioState:
    state = scenarios.start(item)
    for choice_id in choices:
        state = choose(page, item, state, choice_id)
    return state


def restart(page: Page, item: BranchingItem) -> None:
    section_of(page, item).get_by_role("button", name="Start the chat again").click()
    expect_node(page, item, scenarios.start(item))


def press_enter_and_swap(page: Page, item: Item) -> None:
    with fragment_swap(page, item):
        page.keyboard.press("Enter")


def keyboard_to_main(page: Page, url: str) -> None:
    """Open the page and take the skip link, so tabbing starts at the main content."""
    page.goto(url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


# --- 1. By keyboard alone, with JavaScript ------------------------------------------------------


def test_keyboard_alone_completes_each_scenario_type(page: Page, live_server: LiveServer) -> None:
    """Tab, Shift+Tab, Space, Enter and the arrow keys only: a red-flags item, an order item and
    a branching chat to its safe ending. Each step swaps the item, and focus lands on its
    feedback (or on the chat's new part), WCAG 4.1.3."""
    start_course(page, live_server, BAND)

    # Red flags: tick each warning sign with Space, leave the rest, press Enter on Check.
    lesson, red_flags = first_item(live_server, "red-flags")
    assert isinstance(red_flags, RedFlagsItem)
    keyboard_to_main(page, quiz_url(live_server, lesson, red_flags))
    parts = red_flags.parts()
    tab_to(page, f"#item-{red_flags.id}-{parts[0].id}", limit=200)
    for part in parts:
        box = page.locator(f"#item-{red_flags.id}-{part.id}")
        expect(box).to_be_focused()
        if part.flag:
            page.keyboard.press("Space")
        expect(box).to_be_checked(checked=part.flag)
        page.keyboard.press("Tab")
    check = section_of(page, red_flags).get_by_role("button", name="Check")
    expect(check).to_be_focused()
    # Shift+Tab goes back to the last part, unchanged; Tab returns to Check.
    page.keyboard.press("Shift+Tab")
    expect(page.locator(f"#item-{red_flags.id}-{parts[-1].id}")).to_be_focused()
    page.keyboard.press("Tab")
    expect(check).to_be_focused()
    press_enter_and_swap(page, red_flags)
    feedback = page.locator(f"#item-{red_flags.id}-feedback")
    expect(feedback).to_be_focused()
    flags = len(red_flags.flags())
    expect(feedback.locator(".feedback__verdict")).to_have_text(
        f"You found {flags} of {flags} warning signs."
    )

    # Order: each select set from the keyboard (a digit, or ArrowDown from "Position").
    lesson, order = first_item(live_server, "order")
    assert isinstance(order, OrderItem)
    keyboard_to_main(page, quiz_url(live_server, lesson, order))
    shown = order.shuffled()
    right = {step.id: position for position, step in enumerate(order.steps, start=1)}
    tab_to(page, f"#item-{order.id}-{shown[0].id}", limit=200)
    for index, step in enumerate(shown):
        select = page.locator(f"#item-{order.id}-{step.id}")
        expect(select).to_be_focused()
        if index % 2:
            for _ in range(right[step.id]):
                page.keyboard.press("ArrowDown")
        else:
            page.keyboard.press(str(right[step.id]))
        expect(select).to_have_value(str(right[step.id]))
        page.keyboard.press("Tab")
    expect(section_of(page, order).get_by_role("button", name="Check")).to_be_focused()
    press_enter_and_swap(page, order)
    feedback = page.locator(f"#item-{order.id}-feedback")
    expect(feedback).to_be_focused()
    expect(feedback.locator(".feedback__verdict")).to_have_text(RIGHT_ORDER)

    # Branching: Tab to each choice, Enter; focus moves to the chat's new part each time.
    lesson, branching = first_item(live_server, "branching")
    assert isinstance(branching, BranchingItem)
    keyboard_to_main(page, quiz_url(live_server, lesson, branching))
    now = page.locator(f"#item-{branching.id}-now")
    state = scenarios.start(branching)
    for number, choice_id in enumerate(safe_path(branching)):
        target = f"#item-{branching.id} button[name='choice'][value='{choice_id}']"
        # From the chat's new part, the choices are the next stops.
        limit = 200 if number == 0 else len(scenarios.available_choices(branching, state))
        tab_to(page, target, limit=limit)
        press_enter_and_swap(page, branching)
        state = scenarios.choose(branching, state, choice_id)
        expect(now).to_be_focused()
        expect_node(page, branching, state)
    assert state.node.ending == "safe"

    # "Go back a step" by keyboard, then the last choice again.
    last = state.choices[-1]
    tab_to(page, f"#item-{branching.id} .scenario-controls button", limit=3)
    expect(page.locator(":focus")).to_have_text("Go back a step")
    press_enter_and_swap(page, branching)
    state = back(branching, state)
    expect(now).to_be_focused()
    expect_node(page, branching, state)
    tab_to(page, f"#item-{branching.id} button[name='choice'][value='{last}']", limit=10)
    press_enter_and_swap(page, branching)
    state = scenarios.choose(branching, state, last)
    expect(now).to_be_focused()
    expect_node(page, branching, state)


# --- 2. With JavaScript off: every step is a full-page form ------------------------------------


def test_each_scenario_type_completes_without_javascript(
    no_js_page: Page, live_server: LiveServer
) -> None:
    page = no_js_page
    start_course(page, live_server, BAND)

    lesson, red_flags = first_item(live_server, "red-flags")
    page.goto(quiz_url(live_server, lesson, red_flags))
    fill_in_right_answer(page, red_flags)
    with full_page_post(page, red_flags):
        section_of(page, red_flags).get_by_role("button", name="Check").click()
    expect(page.locator(f"#item-{red_flags.id}-feedback")).to_be_visible()
    expect(page.locator(f"#item-{red_flags.id}-feedback .feedback__verdict")).to_have_class(
        re.compile(r"feedback__verdict--right")
    )

    lesson, order = first_item(live_server, "order")
    assert isinstance(order, OrderItem)
    page.goto(quiz_url(live_server, lesson, order))
    # Two steps in the same position: the page comes back with an error, choices kept.
    for step in order.steps:
        page.locator(f"#item-{order.id}-{step.id}").select_option("1")
    with page.expect_navigation() as navigation:
        section_of(page, order).get_by_role("button", name="Check").click()
    response = navigation.value
    assert response is not None and response.status == 422
    assert response.request.method == "POST"
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(f"#item-{order.id}-error")).to_be_visible()
    for step in order.steps:
        expect(page.locator(f"#item-{order.id}-{step.id}")).to_have_value("1")
    fill_in_right_answer(page, order)
    with full_page_post(page, order):
        section_of(page, order).get_by_role("button", name="Check").click()
    expect(page.locator(f"#item-{order.id}-feedback .feedback__verdict")).to_have_text(RIGHT_ORDER)

    lesson, branching = first_item(live_server, "branching")
    assert isinstance(branching, BranchingItem)
    page.goto(quiz_url(live_server, lesson, branching))
    state = scenarios.start(branching)
    expect_node(page, branching, state)
    for choice_id in safe_path(branching):
        with full_page_post(page, branching):
            section_of(page, branching).locator(f"button[value='{choice_id}']").click()
        state = scenarios.choose(branching, state, choice_id)
        expect_node(page, branching, state)
    assert state.node.ending == "safe"
    with full_page_post(page, branching):
        section_of(page, branching).get_by_role("button", name="Go back a step").click()
    expect_node(page, branching, back(branching, state))
    with full_page_post(page, branching):
        section_of(page, branching).locator(f"button[value='{state.choices[-1]}']").click()
    expect_node(page, branching, state)
    with full_page_post(page, branching):
        section_of(page, branching).get_by_role("button", name="Start the chat again").click()
    expect_node(page, branching, scenarios.start(branching))


# --- 3. axe-core: no WCAG 2.2 A/AA violation in any state --------------------------------------


@JS_MODES
def test_no_axe_violations_in_a_red_flags_item(
    context: BrowserContext,
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
    javascript: bool,
) -> None:
    page = scripted_page(context, live_server, javascript)
    mode = "JavaScript on" if javascript else "JavaScript off"
    lesson, item = first_item(live_server, "red-flags")
    assert isinstance(item, RedFlagsItem)
    open_quiz(page, live_server, lesson, item)
    assert_accessible(page, f"red flags unanswered ({mode})")

    # Partly answered: one warning sign and one harmless part ticked, not yet checked.
    flag = next(part for part in item.parts() if part.flag)
    harmless = next(part for part in item.parts() if not part.flag)
    page.locator(f"#item-{item.id}-{flag.id}").check()
    page.locator(f"#item-{item.id}-{harmless.id}").check()
    assert_accessible(page, f"red flags partly answered ({mode})")

    # Feedback with every kind of mark: found, missed, marked wrongly, left alone.
    section_of(page, item).get_by_role("button", name="Check").click()
    feedback = page.locator(f"#item-{item.id}-feedback")
    expect(feedback).to_be_visible()
    expect(feedback.locator(".option-result--wrong")).not_to_have_count(0)
    if javascript:
        expect(feedback).to_be_focused()
    assert_accessible(page, f"red flags feedback ({mode})")


@JS_MODES
def test_no_axe_violations_in_an_order_item(
    context: BrowserContext,
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
    javascript: bool,
) -> None:
    page = scripted_page(context, live_server, javascript)
    mode = "JavaScript on" if javascript else "JavaScript off"
    lesson, item = first_item(live_server, "order")
    assert isinstance(item, OrderItem)
    open_quiz(page, live_server, lesson, item)
    assert_accessible(page, f"order unanswered ({mode})")

    # Partly answered: every step in position 1, checked; the error shows, choices kept.
    for step in item.steps:
        page.locator(f"#item-{item.id}-{step.id}").select_option("1")
    section_of(page, item).get_by_role("button", name="Check").click()
    error = page.locator(f"#item-{item.id}-error")
    expect(error).to_be_visible()
    for step in item.steps:
        expect(page.locator(f"#item-{item.id}-{step.id}")).to_have_value("1")
    if javascript:
        expect(error).to_be_focused()
    assert_accessible(page, f"order with duplicate positions ({mode})")

    # Feedback, partly right: the first two steps swapped, a pair that matters the wrong way.
    positions = list(range(1, len(item.steps) + 1))
    positions[0], positions[1] = positions[1], positions[0]
    for step, position in zip(item.steps, positions, strict=True):
        page.locator(f"#item-{item.id}-{step.id}").select_option(str(position))
    section_of(page, item).get_by_role("button", name="Check").click()
    feedback = page.locator(f"#item-{item.id}-feedback")
    expect(feedback.locator(".option-result--wrong")).to_have_count(1)
    if javascript:
        expect(feedback).to_be_focused()
    assert_accessible(page, f"order feedback ({mode})")


@JS_MODES
def test_no_axe_violations_in_a_branching_chat(
    context: BrowserContext,
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
    javascript: bool,
) -> None:
    page = scripted_page(context, live_server, javascript)
    mode = "JavaScript on" if javascript else "JavaScript off"
    lesson, item, ending = long_ending(live_server)
    open_quiz(page, live_server, lesson, item)
    assert_accessible(page, f"branching chat at its start ({mode})")
    state = scenarios.start(item)
    for number, choice_id in enumerate(ending.choices, start=1):
        state = choose(page, item, state, choice_id)
        if javascript:
            expect(page.locator(f"#item-{item.id}-now")).to_be_focused()
        where = "at its ending" if ended(state) else f"after {number} choice(s)"
        assert_accessible(page, f"branching chat {where} ({mode})")


def test_no_axe_violations_at_any_ending_of_any_branching_chat(
    context: BrowserContext, live_server: LiveServer, axe_source: str
) -> None:
    """Every ending of every branching item, reached by its shortest path (one band each),
    with the chat started again after each."""
    page = context.new_page()
    chats = every_branching_item(live_server)
    problems: list[str] = []
    checked = 0
    for band, lesson, item in chats:
        context.clear_cookies()  # a new learner, in the band that sees this chat
        open_quiz(page, live_server, lesson, item, band)
        for ending in endings(item):
            play(page, item, ending.choices)
            violations = axe_violations(page, axe_source)
            checked += 1
            if violations:
                problems.append(
                    f"{item.id} ({band}), ending {ending.node.id} after {ending.choices}:\n"
                    + describe_violations(violations)
                )
            restart(page, item)
    print(f"\naxe checked {checked} endings of {len(chats)} branching chats")
    assert checked > 0
    assert not problems, "axe found violations:\n" + "\n".join(problems)


# --- 4. Reloading in the middle of a chat resumes at the same node -----------------------------


def chat_snapshot(page: Page, item: Item) -> dict[str, Any]:
    """What the learner sees of the chat: every message, the choices, and the step."""
    section = section_of(page, item)
    return {
        "messages": [text.strip() for text in section.locator(".bubble").all_inner_texts()],
        "choices": shown_choices(page, item),
        "step": section.locator("input[name='step']").first.get_attribute("value"),
    }


@JS_MODES
def test_reloading_mid_chat_resumes_at_the_same_node(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, javascript: bool
) -> None:
    context = new_context(java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    lesson, item, ending = long_ending(live_server)
    open_quiz(page, live_server, lesson, item)
    first_two = ending.choices[:2]
    state = play(page, item, first_two)
    assert not ended(state)
    before = chat_snapshot(page, item)
    assert before["step"] == "2"
    assert before["choices"] == [c.id for c in scenarios.available_choices(item, state)]

    page.reload()
    expect_node(page, item, state)
    assert chat_snapshot(page, item) == before

    # "Go back a step" after the reload returns to the node after one choice, and stays there.
    section_of(page, item).get_by_role("button", name="Go back a step").click()
    previous = scenarios.replay(item, first_two[:1])
    expect_node(page, item, previous)
    after_back = chat_snapshot(page, item)
    assert after_back["step"] == "1"
    page.reload()
    expect_node(page, item, previous)
    assert chat_snapshot(page, item) == after_back


# --- Focus when the chat goes back to its start --------------------------------------------------


ACTIVE = "() => document.activeElement ? document.activeElement.tagName.toLowerCase() : null"


def focus_is_in(page: Page, item: Item) -> bool:
    """Whether focus is on the item or inside it (waiting up to a second for the swap)."""
    try:
        page.wait_for_function(
            "(id) => document.getElementById(id).contains(document.activeElement)",
            arg=f"item-{item.id}",
            timeout=1000,
        )
    except PlaywrightTimeoutError:
        return False
    return True


def test_focus_stays_in_the_chat_when_it_goes_back_to_its_start(
    page: Page, live_server: LiveServer
) -> None:
    lesson, item = first_item(live_server, "branching")
    assert isinstance(item, BranchingItem)
    open_quiz(page, live_server, lesson, item)
    path = safe_path(item)
    play(page, item, path[:1])
    section_of(page, item).get_by_role("button", name="Go back a step").click()
    expect_node(page, item, scenarios.start(item))
    lost = [] if focus_is_in(page, item) else ["after going back to its start"]
    play(page, item, path)
    restart(page, item)
    lost += [] if focus_is_in(page, item) else ["after starting it again"]
    assert not lost, f"focus left the chat (to {page.evaluate(ACTIVE)}): {', '.join(lost)}"


# --- 5. Targets are at least 24 by 24 CSS pixels -----------------------------------------------


def undersized_targets(page: Page, state: str, kinds: dict[str, int]) -> list[str]:
    """Every target in the page's quiz items below 24×24 (inline links in text excepted);
    counts each kind of target seen in `kinds`."""
    roots = page.locator(".quiz-item, .lesson-actions").element_handles()
    targets = page.evaluate(TARGETS_SCRIPT, roots)
    small = []
    for target in targets:
        if not target["visible"]:
            continue
        if target["inline"]:  # WCAG 2.5.8's exception for a link in a sentence
            kinds["inline link"] = kinds.get("inline link", 0) + 1
            continue
        kind = target["type"] if target["tag"] == "input" else target["tag"]
        kinds[kind] = kinds.get(kind, 0) + 1
        if target["width"] < 24 or target["height"] < 24:
            small.append(f"{state}: {target['width']:.0f}×{target['height']:.0f} {target['html']}")
    return small


def test_targets_are_at_least_24_css_pixels(page: Page, live_server: LiveServer) -> None:
    """Checkboxes, radios, selects, buttons and links in the quiz items, in each state."""
    kinds: dict[str, int] = {}
    small: list[str] = []
    start_course(page, live_server, BAND)

    for kind in ("choice", "multi"):  # radios and checkboxes, and the links between questions
        lesson, item = first_item(live_server, kind)
        page.goto(quiz_url(live_server, lesson, item))
        small += undersized_targets(page, f"{kind} unanswered", kinds)

    lesson, red_flags = first_item(live_server, "red-flags")
    page.goto(quiz_url(live_server, lesson, red_flags))
    small += undersized_targets(page, "red flags unanswered", kinds)
    fill_in_right_answer(page, red_flags)
    section_of(page, red_flags).get_by_role("button", name="Check").click()
    expect(page.locator(f"#item-{red_flags.id}-feedback")).to_be_focused()
    small += undersized_targets(page, "red flags feedback", kinds)

    lesson, order = first_item(live_server, "order")
    page.goto(quiz_url(live_server, lesson, order))
    small += undersized_targets(page, "order unanswered", kinds)
    section_of(page, order).get_by_role("button", name="Check").click()
    expect(page.locator(f"#item-{order.id}-error")).to_be_focused()
    small += undersized_targets(page, "order with an error", kinds)

    lesson, branching = first_item(live_server, "branching")
    assert isinstance(branching, BranchingItem)
    page.goto(quiz_url(live_server, lesson, branching))
    small += undersized_targets(page, "branching at its start", kinds)
    path = safe_path(branching)
    play(page, branching, path[:1])
    small += undersized_targets(page, "branching mid-chat", kinds)
    play_on = scenarios.replay(branching, path[:1])
    for choice_id in path[1:]:
        play_on = choose(page, branching, play_on, choice_id)
    small += undersized_targets(page, "branching at its ending", kinds)

    print(f"\ntargets measured: {kinds}")
    for kind in ("checkbox", "radio", "select", "button", "a"):
        assert kinds.get(kind), f"no {kind} was measured"
    assert not small, "targets under 24×24 CSS px:\n" + "\n".join(small)


# --- 6. No timers -------------------------------------------------------------------------------

RECORD_TIMERS = """(() => {
    window.__timers = [];
    const interval = window.setInterval;
    window.setInterval = function (fn, delay, ...rest) {
        window.__timers.push("setInterval " + delay);
        return interval.call(window, fn, delay, ...rest);
    };
    const timeout = window.setTimeout;
    window.setTimeout = function (fn, delay, ...rest) {
        if (delay >= 1000) { window.__timers.push("setTimeout " + delay); }
        return timeout.call(window, fn, delay, ...rest);
    };
})();"""


def assert_no_timers(page: Page, where: str) -> None:
    assert page.locator("meta[http-equiv='refresh' i]").count() == 0, f"{where}: meta refresh"
    assert page.locator("[role='timer'], [role='marquee']").count() == 0, f"{where}: a timer"
    triggers = page.locator("[hx-trigger], [data-hx-trigger]").evaluate_all(
        "els => els.map(el => el.getAttribute('hx-trigger') || el.getAttribute('data-hx-trigger'))"
    )
    auto = [t for t in triggers if re.search(r"\b(every|load|revealed|intersect)\b", t)]
    assert not auto, f"{where}: htmx requests that fire by themselves: {auto}"
    # Countdowns in the page's own words (the made-up chats may quote a criminal's deadline).
    own_words = page.evaluate(
        """() => {
            const main = document.querySelector('main').cloneNode(true);
            main.querySelectorAll('.mock, .mock-chat, .feedback').forEach(el => el.remove());
            return main.innerText;
        }"""
    )
    assert not COUNTDOWN.search(own_words), f"{where}: countdown text {COUNTDOWN.search(own_words)}"
    # htmx's own request timeout (it aborts a stalled request) is no time limit on the learner.
    request_timeout = page.evaluate("() => window.htmx ? htmx.config.defaultTimeout : null")
    timers = [
        t for t in page.evaluate("() => window.__timers") if t != f"setTimeout {request_timeout}"
    ]
    assert timers == [], f"{where}: timers were set: {timers}"


def test_no_timers_on_quiz_pages(context: BrowserContext, live_server: LiveServer) -> None:
    """No refresh, no countdown, no polling: nothing happens until the learner acts."""
    context.add_init_script(RECORD_TIMERS)
    page = context.new_page()
    start_course(page, live_server, BAND)
    lessons = {first_item(live_server, kind)[0].slug: kind for kind in SCENARIO_TYPES}
    for lesson in live_server.lessons(BAND):
        if lesson.slug not in lessons:
            continue
        page.goto(quiz_url(live_server, lesson))
        expect(page.locator("main .lead")).to_contain_text("There is no time limit")
        assert_no_timers(page, f"quiz for {lesson.slug}")
        kind = lessons[lesson.slug]
        page.goto(quiz_url(live_server, lesson, first_item(live_server, kind)[1]))
        assert_no_timers(page, f"the {kind} question of {lesson.slug}")
        page.goto(f"{quiz_url(live_server, lesson)}/summary")
        assert_no_timers(page, f"the summary of {lesson.slug}")

    # Left alone after a swap, the page asks the server for nothing.
    lesson, item = first_item(live_server, "branching")
    assert isinstance(item, BranchingItem)
    page.goto(quiz_url(live_server, lesson, item))
    play(page, item, safe_path(item)[:1])
    requests = record_requests(context)
    page.wait_for_timeout(1500)
    assert requests.urls == [], f"requests fired by themselves: {requests.urls}"
    assert_no_timers(page, "branching chat after a choice")
