"""A teacher's preview in Chromium: a quiz walked by keyboard alone, with JavaScript on (htmx
swaps the item) and off (each form answers with the whole page), axe-core in every state, and
not one row stored."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import inspect, text

from course.content.schema import AUDIENCE_LABELS, BranchingItem, ChoiceItem, Item, Lesson
from course.db import write_session
from course.quizzes import scenarios
from course.schools.accounts import add_teacher, create_school
from course.schools.sessions import start_session
from tests.browser.helpers import LiveServer, block_scripts, mark_page, safe_path, tab_to

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page, str], None]
BAND = "14-18"
BANNER = "Preview: nothing you do here is saved."
JS_MODES = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def sign_in(context: BrowserContext, server: LiveServer) -> None:
    """A new teacher, signed in on this browser context (as tests/schools.py signs one in)."""
    with write_session(server.app.state.engine) as session:
        school = create_school("Hillside Academy", session=session)
        email = f"teacher-{secrets.token_hex(4)}@example.org"
        teacher = add_teacher(
            school.id, "Ms Khan", email, "not-a-hash", session=session, email_confirmed=True
        )
        token = start_session(teacher.id, two_factor_done=True, session=session)
    name = server.app.state.cookie_names.teacher
    context.add_cookies([{"name": name, "value": token, "url": server.url}])


def chat_lesson(server: LiveServer) -> tuple[Lesson, ChoiceItem, BranchingItem]:
    """The band's first lesson with both a single-answer question and a branching chat."""
    for lesson in server.lessons(BAND):
        items = server.items(lesson, BAND)
        choice = next((i for i in items if isinstance(i, ChoiceItem) and i.type == "choice"), None)
        chat = next((i for i in items if isinstance(i, BranchingItem)), None)
        if choice and chat:
            return lesson, choice, chat
    pytest.skip(f"no lesson for {BAND} with a question and a chat")


def row_counts(server: LiveServer) -> dict[str, int]:
    """Rows per table, but the rate limits' counts (every post is counted, a preview's too)."""
    engine = server.app.state.engine
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in inspect(engine).get_table_names()
            if table != "rate_count"
        }


def submit(page: Page, item: Item, *, javascript: bool) -> None:
    """Press Enter on the focused button: htmx swaps the item, or the whole page comes back
    from the POST itself (nothing stored, so no redirect), scrolled to the item."""
    if javascript:
        mark_page(page)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.keyboard.press("Enter")
        body = posted.value.text()
        assert "<html" not in body and f'id="item-{item.id}"' in body
        assert page.evaluate("() => window.__marker") == "still here", "the page navigated"
        return
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert response is not None and response.status == 200
    assert response.request.method == "POST" and response.request.redirected_from is None
    assert urlsplit(page.url).fragment == f"item-{item.id}"
    expect(page.locator("#preview-banner")).to_contain_text(BANNER)


def chat_is_at(page: Page, item: BranchingItem, state: scenarios.ScenarioState) -> None:
    """The chat shows this state, and its forms carry its path."""
    section = page.locator(f"#item-{item.id}")
    if state.node.ending:
        expect(section.locator(f".ending--{state.node.ending} h3")).to_contain_text(
            state.node.title
        )
    else:
        offered = scenarios.available_choices(item, state)
        expect(section.locator("button[name='choice']")).to_have_count(len(offered))
    paths = section.locator("form").first.locator("input[name='path']")
    expect(paths).to_have_count(len(state.choices))
    for index, choice_id in enumerate(state.choices):
        expect(paths.nth(index)).to_have_value(choice_id)


def walk_by_keyboard(
    page: Page, server: LiveServer, check: AssertAccessible, *, javascript: bool
) -> None:
    """Tab, Space, the arrow keys and Enter only: a question answered wrongly then rightly, a
    chat to its safe ending, back a step, on again, and started again; `check` in each state.
    The database has the same rows at the end as at the start."""
    mode = "JavaScript on" if javascript else "JavaScript off"
    lesson, choice, chat = chat_lesson(server)
    before = row_counts(server)

    quiz = f"{server.url}/teachers/preview/{BAND}/lessons/{lesson.slug}/quiz"
    page.goto(quiz)
    expect(page.locator("#preview-banner")).to_contain_text(BANNER)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page, f"the preview quiz ({mode})")

    # A single-answer question: Tab into its radios, arrow to an option, Enter on Check.
    options = [option.id for option in choice.options]
    right = next(i for i, option in enumerate(choice.options) if option.correct)
    wrong = next(i for i, option in enumerate(choice.options) if not option.correct)
    for index, verdict in ((wrong, "Your answer, not right"), (right, "Your answer, right")):
        tab_to(page, f"#item-{choice.id}-{options[0]}", limit=200)
        page.keyboard.press("Space")
        for _ in range(index):
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"#item-{choice.id}-{options[index]}")).to_be_checked()
        tab_to(page, f"#item-{choice.id} button[type='submit']", limit=5)
        submit(page, choice, javascript=javascript)
        feedback = page.locator(f"#item-{choice.id}-feedback")
        expect(feedback).to_contain_text(verdict)
        if javascript:
            expect(feedback).to_be_focused()
        check(page, f"a question's feedback ({mode})")
        if index == wrong:  # to answer again, open the page again: nothing was kept
            page.goto(quiz)
            expect(page.locator(f"#item-{choice.id}-feedback")).to_have_count(0)

    # The chat, by Tab and Enter, to its safe ending.
    state = scenarios.start(chat)
    for choice_id in safe_path(chat):
        tab_to(page, f"#item-{chat.id} button[name='choice'][value='{choice_id}']", limit=200)
        submit(page, chat, javascript=javascript)
        state = scenarios.choose(chat, state, choice_id)
        chat_is_at(page, chat, state)
        if javascript:
            expect(page.locator(f"#item-{chat.id}-now")).to_be_focused()
    assert state.node.ending == "safe"
    check(page, f"a chat's ending ({mode})")

    # Back a step, then the last choice again, then start the chat again.
    tab_to(page, f"#item-{chat.id} .scenario-controls button", limit=200)
    expect(page.locator(":focus")).to_have_text("Go back a step")
    submit(page, chat, javascript=javascript)
    last, state = state.choices[-1], scenarios.replay(chat, state.choices[:-1])
    chat_is_at(page, chat, state)
    check(page, f"a chat a step back ({mode})")
    tab_to(page, f"#item-{chat.id} button[name='choice'][value='{last}']", limit=200)
    submit(page, chat, javascript=javascript)
    state = scenarios.choose(chat, state, last)
    chat_is_at(page, chat, state)
    tab_to(page, f"#item-{chat.id} .scenario-controls button", limit=200)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Start the chat again")
    submit(page, chat, javascript=javascript)
    chat_is_at(page, chat, scenarios.start(chat))
    check(page, f"a chat started again ({mode})")

    assert row_counts(server) == before


@JS_MODES
def test_a_preview_quiz_walked_by_keyboard_has_no_axe_violations(
    context: BrowserContext,
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
    javascript: bool,
) -> None:
    """With JavaScript, or with the app's scripts refused (pages as without JavaScript, while
    axe-core, which needs JavaScript, can still run)."""
    if not javascript:
        block_scripts(context, live_server)
    sign_in(context, live_server)
    walk_by_keyboard(context.new_page(), live_server, assert_accessible, javascript=javascript)


def test_a_preview_quiz_is_walked_by_keyboard_with_javascript_off(
    no_js_context: BrowserContext, no_js_page: Page, live_server: LiveServer
) -> None:
    sign_in(no_js_context, live_server)
    walk_by_keyboard(no_js_page, live_server, lambda page, state: None, javascript=False)


def test_the_preview_pages_have_no_axe_violations(
    context: BrowserContext, live_server: LiveServer, assert_accessible: AssertAccessible
) -> None:
    sign_in(context, live_server)
    page = context.new_page()
    lesson, _, _ = chat_lesson(live_server)
    page.goto(f"{live_server.url}/teachers/preview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview the course")
    assert_accessible(page, "the preview's lessons")
    band = page.get_by_role("region", name=f"Age group: {AUDIENCE_LABELS[BAND]}")
    band.get_by_role("link", name=lesson.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    expect(page.locator("#preview-banner")).to_contain_text(BANNER)
    assert_accessible(page, "a lesson in the preview")
    page.get_by_role("link", name="Continue to the questions").click()
    expect(page).to_have_url(
        f"{live_server.url}/teachers/preview/{BAND}/lessons/{lesson.slug}/quiz"
    )
