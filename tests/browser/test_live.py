"""Live sessions in real browsers: the teacher's projector leads and every pupil's device follows
without reloading (one stream per browser, however many tabs), catches up after being offline,
shows the class's answers only once k (here 5) have answered, and works by keyboard alone, with
JavaScript off, and without an axe violation.

One server for the module (k = 5); each test makes its own school, teacher and class, and its
own browser contexts, so tests do not depend on each other. Where moving the class to a question
is set-up rather than the point, the test moves it as the projector's Go would, through the use
case and the broker (so every stream hears of it), to keep the module fast.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session

from course.content.schema import Catalogue
from course.db import write_session
from course.learning.progress import create_learner
from course.live import state
from course.live.broker import COUNTS, STATE, Change
from course.live.steps import Step, running_order
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class, shown_code
from course.schools.sessions import start_session
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.helpers import (
    LiveServer,
    NeutralSite,
    assert_not_navigated,
    block_scripts,
    fresh_settings,
    mark_page,
    serve_fresh,
    tab_to,
)

BAND = "14-18"
K = 5
WAITING_FOR_TEACHER = "Waiting for your teacher"
SHOWN = "How the class answered"
Check = Callable[[Page, str], None]
# Keeps each page's EventSource in window.__streams, so a test can drop one as a browser would.
KEEP_STREAMS = """(() => {
    const Native = window.EventSource;
    window.__streams = [];
    function Kept(url, options) {
        const stream = new Native(url, options);
        window.__streams.push(stream);
        return stream;
    }
    Kept.prototype = Native.prototype;
    Object.assign(Kept, {CONNECTING: 0, OPEN: 1, CLOSED: 2});
    window.EventSource = Kept;
})();"""


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, neutral_site: NeutralSite, catalogue: Catalogue
) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 (as conftest's live_server), with k = 5."""
    folder = tmp_path_factory.mktemp("live-sessions")
    settings = fresh_settings(folder, exit_url=neutral_site.url, stats_min_group=K)
    with serve_fresh(settings, catalogue) as server:
        yield server


@dataclass(frozen=True)
class Room:
    """A teacher's class, and the teacher's session token."""

    server: LiveServer
    class_id: int
    code: str
    token: str

    @property
    def projector_url(self) -> str:
        return f"{self.server.url}/teachers/live/{self.class_id}"


@pytest.fixture
def room(server: LiveServer) -> Room:
    """A new school, its teacher (signed in) and a class of 14 to 18 year olds."""
    app = server.app
    with write_session(app.state.engine) as session:
        school_id = create_school("Hillside Academy", session=session).id
        email = f"teacher-{secrets.token_hex(4)}@example.org"
        teacher = add_teacher(
            school_id, "Ms Khan", email, "not-a-hash", session=session, is_admin=True,
            email_confirmed=True,
        )  # fmt: skip
        token = start_session(teacher.id, two_factor_done=True, session=session)
        viewer = Viewer(teacher.id, school_id, True)
        found = create_class(viewer, "Year 10 Green", BAND, session=session)
        class_id, code = int(found.id or 0), shown_code(found.join_code)
    return Room(server, class_id, code, token)


def browser(
    new_context: Callable[..., BrowserContext],
    server: LiveServer,
    *,
    javascript: bool = True,
    for_axe: bool = False,
) -> BrowserContext:
    """A browser context. For axe (which needs JavaScript itself), "without JavaScript" is a
    context that refuses the app's scripts, so its pages behave as with JavaScript off."""
    context = new_context(java_script_enabled=javascript or for_axe)
    context.set_default_timeout(TIMEOUT_MS)
    if for_axe and not javascript:
        block_scripts(context, server)
    return context


def teacher_context(
    new_context: Callable[..., BrowserContext],
    room: Room,
    *,
    javascript: bool = True,
    for_axe: bool = False,
) -> BrowserContext:
    """A browser with the teacher signed in (their session cookie, as signing in sets it)."""
    context = browser(new_context, room.server, javascript=javascript, for_axe=for_axe)
    name = room.server.app.state.cookie_names.teacher
    context.add_cookies([{"name": name, "value": room.token, "url": room.server.url}])
    return context


def open_projector(context: BrowserContext, room: Room) -> Page:
    page = context.new_page()
    page.goto(room.projector_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Live: Year 10 Green")
    return page


def start(projector: Page) -> None:
    projector.get_by_role("button", name="Start the live session").click()
    expect(projector.locator("#live-step")).to_contain_text("Step 1 of")
    projector.wait_for_load_state("domcontentloaded")


def join(context: BrowserContext, room: Room) -> Page:
    """Join with the class's code, then open /live."""
    page = context.new_page()
    page.goto(f"{room.server.url}/join/{room.code}")
    page.get_by_role("button", name="Join the class").click()
    expect(page).not_to_have_url(re.compile(r"/join/"))
    page.goto(f"{room.server.url}/live")
    expect(page.get_by_role("heading", level=1)).to_have_text("Live with your class")
    return page


def step_text(room: Room, index: int) -> str:
    return f"Step {index + 1} of {len(order(room))}"


def order(room: Room) -> tuple[Step, ...]:
    return running_order(room.server.catalogue, BAND)


def first_question(room: Room) -> int:
    return next(i for i, step in enumerate(order(room)) if step.kind == "question")


def teacher_key(projector: Page, key: str, room: Room, to: int) -> None:
    """Press a shortcut on the projector and wait for it to show step `to`."""
    projector.keyboard.press(key)
    expect(projector.locator(".live-step__where")).to_contain_text(step_text(room, to))
    projector.wait_for_load_state("domcontentloaded")


def move_class(room: Room, to: int) -> None:
    """Set-up: the class's session moves to step `to`, as the projector's Go does."""
    app = room.server.app

    def work(session: Session) -> tuple[int | None, list[Change]]:
        live = state.live_of_class(room.class_id, session=session)
        assert live is not None
        moved = state.move(live, to, seen=live.version, session=session)
        return moved, [Change(room.class_id, STATE)]

    assert app.state.live_broker.change(work) is not None


def others_answer(room: Room, how_many: int, choice: str) -> None:
    """Set-up: other pupils of the class (made here, not in a browser) answer this step."""
    app = room.server.app

    def work(session: Session) -> tuple[int, list[Change]]:
        live = state.live_of_class(room.class_id, session=session)
        assert live is not None
        step = order(room)[live.step]
        shown = None
        for _ in range(how_many):
            _, learner = create_learner(BAND, session=session, class_id=room.class_id)
            shown = state.answer(live, step, learner.id, (choice,), K, session=session) or shown
        changes = [Change(room.class_id, COUNTS)]
        return live.id, [*changes, Change(room.class_id, STATE)] if shown else changes

    assert app.state.live_broker.change(work)


def right_choice(room: Room, index: int) -> str:
    poll = order(room)[index].poll
    assert poll is not None and not poll.multiple
    return str(next(option.id for option in poll.options if option.right))


def send_answer(pupil: Page, choice: str) -> None:
    pupil.locator(f"#live-{choice}").check()
    pupil.get_by_role("button", name="Send my answer").click()
    expect(pupil.locator("[data-live-status]")).to_contain_text("Your answer is in")


def show_visibility(page: Page, visibility: str) -> None:
    """Say the tab is hidden or shown again, as the browser does when one switches tabs."""
    page.evaluate(
        """(visibility) => {
            const define = (name, value) =>
                Object.defineProperty(document, name, {configurable: true, get: () => value});
            define("visibilityState", visibility);
            define("hidden", visibility === "hidden");
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        visibility,
    )


def streams(room: Room) -> int:
    """How many pupils' streams the server holds open for the class now."""
    return len(room.server.app.state.live_broker.pupils.get(room.class_id, ()))


# --- 1. The class follows the teacher ------------------------------------------------------------


def test_every_pupil_follows_the_teacher_and_sees_the_answers_once_five_have_answered(
    new_context: Callable[..., BrowserContext], room: Room
) -> None:
    projector = open_projector(teacher_context(new_context, room), room)
    contexts = [browser(new_context, room.server) for _ in range(K)]
    contexts[1].add_init_script(KEEP_STREAMS)
    pupils = [join(context, room) for context in contexts]
    for pupil in pupils:
        expect(pupil.locator("#live-step")).to_contain_text(WAITING_FOR_TEACHER)
        mark_page(pupil)

    start(projector)
    for pupil in pupils:
        expect(pupil.locator("#live-step")).to_contain_text(step_text(room, 0))
    projector.get_by_role("button", name="Next").click()
    expect(projector.locator(".live-step__where")).to_contain_text(step_text(room, 1))
    projector.wait_for_load_state("domcontentloaded")
    teacher_key(projector, "ArrowRight", room, 2)
    for pupil in pupils:
        expect(pupil.locator("#live-step")).to_contain_text(step_text(room, 2))
    teacher_key(projector, "ArrowLeft", room, 1)
    for pupil in pupils:
        expect(pupil.locator("#live-step")).to_contain_text(step_text(room, 1))
        expect(pupil.locator("#live-heading")).to_contain_text(order(room)[1].heading_html)
        assert_not_navigated(pupil)

    pupils[0].reload()
    expect(pupils[0].locator("#live-step")).to_contain_text(step_text(room, 1))
    mark_page(pupils[0])

    # A hidden tab that lost its stream (as a phone's browser drops it, without a word) and then
    # its network: once shown again, it catches up from /live/step, the only way it can.
    away = pupils[1]
    show_visibility(away, "hidden")
    away.evaluate("() => window.__streams.forEach((stream) => stream.close())")
    contexts[1].set_offline(True)
    teacher_key(projector, "ArrowRight", room, 2)
    teacher_key(projector, "ArrowRight", room, 3)
    expect(pupils[2].locator("#live-step")).to_contain_text(step_text(room, 3))
    expect(away.locator("#live-step")).to_contain_text(step_text(room, 1))
    contexts[1].set_offline(False)
    show_visibility(away, "visible")
    expect(away.locator("#live-step")).to_contain_text(step_text(room, 3))
    assert_not_navigated(away)
    away.reload()  # its stream was closed behind live.js's back; the page opens a new one
    expect(away.locator("#live-step")).to_contain_text(step_text(room, 3))
    mark_page(away)

    question = first_question(room)
    for index in range(4, question + 1):
        teacher_key(projector, "ArrowRight", room, index)
    expect(projector.locator("#live-heading")).to_contain_text("Question")
    choice = right_choice(room, question)
    for pupil in pupils:
        expect(pupil.locator("#live-heading")).to_contain_text("Question")
    for pupil in pupils[:4]:
        send_answer(pupil, choice)
    expect(projector.locator("#live-counts")).to_contain_text("4 answered")

    projector.get_by_role("button", name="Show the class’s answers").click()
    expect(projector.locator("#live-step")).to_contain_text("Waiting for more answers")
    expect(projector.locator("#live-step")).not_to_contain_text(SHOWN)
    for pupil in pupils:
        expect(pupil.locator("[data-live-status]")).to_contain_text("waiting for more answers")
        expect(pupil.locator("#live-step")).not_to_contain_text(SHOWN)
    for pupil in pupils[:4]:
        expect(pupil.locator("#live-step [name=choice]:checked")).to_have_count(1)  # still theirs

    send_answer_last = pupils[4]
    send_answer_last.locator(f"#live-{choice}").check()
    send_answer_last.get_by_role("button", name="Send my answer").click()
    expect(projector.locator("#live-step")).to_contain_text(SHOWN)
    for pupil in pupils:
        expect(pupil.locator("#live-step")).to_contain_text(SHOWN)
        assert_not_navigated(pupil)

    # The private button: help at once; the projector counts it only at the next step, and
    # never says who.
    asking = pupils[0]
    press = asking.locator("input[name=press]").input_value()
    asking.get_by_role("button", name="I’d like to talk to someone").click()
    expect(asking.get_by_role("heading", level=1)).to_have_text("Someone to talk to")
    help_count = projector.locator(".live-count", has_text="would like to talk to someone")
    expect(help_count).to_have_text(re.compile(r"^\s*0 would like"))
    projector.reload()
    expect(help_count).to_have_text(re.compile(r"^\s*0 would like"))
    teacher_key(projector, "ArrowRight", room, question + 1)
    expect(help_count).to_have_text(re.compile(r"^\s*1 would like"))
    html = projector.content()
    learner_cookie = room.server.app.state.cookie_names.learner
    asker = next(c["value"] for c in contexts[0].cookies() if c["name"] == learner_cookie)
    assert press not in html and asker not in html


# --- 2. Many tabs, one stream ------------------------------------------------------------------


def test_seven_tabs_of_one_browser_follow_over_one_stream(
    new_context: Callable[..., BrowserContext], room: Room
) -> None:
    projector = open_projector(teacher_context(new_context, room), room)
    start(projector)
    pupil_context = browser(new_context, room.server)
    opened: list[str] = []
    pupil_context.on(
        "request",
        lambda request: opened.append(request.url) if "/live/events" in request.url else None,
    )
    tabs = [join(pupil_context, room)]
    for _ in range(6):
        tab = pupil_context.new_page()
        tab.goto(f"{room.server.url}/live")
        tabs.append(tab)
    for tab in tabs:
        expect(tab.locator("#live-step")).to_contain_text(step_text(room, 0))
        mark_page(tab)

    projector.get_by_role("button", name="Next").click()
    for tab in tabs:
        expect(tab.locator("#live-step")).to_contain_text(step_text(room, 1))
        assert_not_navigated(tab)
    assert streams(room) < 6, f"{streams(room)} streams open for one browser"
    assert len(opened) < 6, f"{len(opened)} requests to /live/events: {opened}"


# --- 3. No axe violation, with JavaScript on and off ---------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_live_page_passes_axe(
    new_context: Callable[..., BrowserContext],
    room: Room,
    assert_accessible: Check,
    javascript: bool,
) -> None:
    teacher = teacher_context(new_context, room, javascript=javascript, for_axe=True)
    projector = open_projector(teacher, room)
    assert_accessible(projector, "the projector before the start")
    start(projector)
    assert_accessible(projector, "the projector at a section")
    pupil = join(browser(new_context, room.server, javascript=javascript, for_axe=True), room)
    expect(pupil.locator("#live-step")).to_contain_text(step_text(room, 0))
    assert_accessible(pupil, "the pupil at a section")

    question = first_question(room)
    move_class(room, question)
    for page in (projector, pupil):
        page.reload()
        expect(page.locator("#live-heading")).to_contain_text("Question")
    assert_accessible(projector, "the projector at a question")
    assert_accessible(pupil, "the pupil at a question")
    choice = right_choice(room, question)
    send_answer(pupil, choice)
    assert_accessible(pupil, "the pupil, answered")

    projector.get_by_role("button", name="Show the class’s answers").click()
    expect(projector.locator("#live-step")).to_contain_text("Waiting for more answers")
    pupil.reload()
    expect(pupil.locator("[data-live-status]")).to_contain_text("waiting for more answers")
    assert_accessible(pupil, "the pupil, waiting for more answers")
    others_answer(room, K - 1, choice)
    for page in (projector, pupil):
        page.reload()
        expect(page.locator("#live-step")).to_contain_text(SHOWN)
    assert_accessible(projector, "the projector, the answers shown")
    assert_accessible(pupil, "the pupil, the answers shown")

    pupil.get_by_role("button", name="I’d like to talk to someone").click()
    expect(pupil.get_by_role("heading", level=1)).to_have_text("Someone to talk to")
    assert_accessible(pupil, "the live help page")
    projector.get_by_role("link", name="End the session").click()
    expect(projector.get_by_role("heading", level=1)).to_have_text("End the live session?")
    assert_accessible(projector, "the end's confirmation")


# --- 4. Keyboard alone --------------------------------------------------------------------------


def test_the_teacher_and_a_pupil_need_only_the_keyboard(
    new_context: Callable[..., BrowserContext], room: Room
) -> None:
    projector = open_projector(teacher_context(new_context, room), room)
    tab_to(projector, "form[action$='/start'] button")
    projector.keyboard.press("Enter")
    expect(projector.locator(".live-step__where")).to_contain_text(step_text(room, 0))
    projector.wait_for_load_state("domcontentloaded")
    pupil = join(browser(new_context, room.server), room)
    expect(pupil.locator("#live-step")).to_contain_text(step_text(room, 0))

    tab_to(projector, "form[data-live-key=next] button")
    projector.keyboard.press("Enter")
    expect(projector.locator(".live-step__where")).to_contain_text(step_text(room, 1))
    projector.wait_for_load_state("domcontentloaded")
    expect(pupil.locator("#live-step")).to_contain_text(step_text(room, 1))
    tab_to(projector, "form[data-live-key=previous] button")
    projector.keyboard.press("Enter")
    expect(projector.locator(".live-step__where")).to_contain_text(step_text(room, 0))
    projector.wait_for_load_state("domcontentloaded")
    teacher_key(projector, "PageDown", room, 1)
    teacher_key(projector, "PageUp", room, 0)
    expect(pupil.locator("#live-step")).to_contain_text(step_text(room, 0))

    question = first_question(room)
    move_class(room, question - 1)
    projector.reload()
    teacher_key(projector, "ArrowRight", room, question)
    expect(pupil.locator("#live-heading")).to_contain_text("Question")
    choice = right_choice(room, question)
    mark_page(pupil)
    tab_to(pupil, "#live-step [name=choice]")
    for _ in range(5):
        if pupil.evaluate("(c) => document.activeElement.id === 'live-' + c", choice):
            break
        pupil.keyboard.press("ArrowDown")  # within a group of radios, arrows move
    pupil.keyboard.press("Space")
    expect(pupil.locator(f"#live-{choice}")).to_be_checked()
    tab_to(pupil, "#live-step button[type=submit]")
    pupil.keyboard.press("Enter")
    expect(pupil.locator("[data-live-status]")).to_contain_text("Your answer is in")
    assert_not_navigated(pupil)

    tab_to(projector, "form[data-live-key=reveal] button")
    projector.keyboard.press("Enter")
    expect(projector.locator("#live-step")).to_contain_text("Waiting for more answers")
    projector.wait_for_load_state("domcontentloaded")
    expect(pupil.locator("[data-live-status]")).to_contain_text("waiting for more answers")
    others_answer(room, K - 1, choice)
    expect(projector.locator("#live-step")).to_contain_text(SHOWN)
    expect(pupil.locator("#live-step")).to_contain_text(SHOWN)
    projector.wait_for_load_state("domcontentloaded")

    projector.keyboard.press("e")
    expect(projector.get_by_role("heading", level=1)).to_have_text("End the live session?")
    tab_to(projector, "form[action$='/end'] button")
    projector.keyboard.press("Enter")
    expect(projector.locator("main")).to_contain_text("has ended")
    expect(pupil.locator("#live-step")).to_contain_text(WAITING_FOR_TEACHER)
    assert_not_navigated(pupil)


def test_the_shortcut_s_shows_the_answers(
    new_context: Callable[..., BrowserContext], room: Room
) -> None:
    projector = open_projector(teacher_context(new_context, room), room)
    start(projector)
    question = first_question(room)
    move_class(room, question)
    projector.reload()
    expect(projector.locator("#live-heading")).to_contain_text("Question")
    projector.wait_for_load_state("domcontentloaded")
    projector.keyboard.press("s")
    expect(projector.locator("#live-step")).to_contain_text("Waiting for more answers")


# --- 5. Without JavaScript ----------------------------------------------------------------------


def test_without_javascript_a_pupil_follows_by_the_link_and_answers_by_the_form(
    new_context: Callable[..., BrowserContext], room: Room
) -> None:
    pupil = join(browser(new_context, room.server, javascript=False), room)
    expect(pupil.locator("#live-step")).to_contain_text(WAITING_FOR_TEACHER)
    projector = open_projector(teacher_context(new_context, room, javascript=False), room)
    start(projector)
    pupil.get_by_role("link", name="Show my teacher’s step now").click()
    expect(pupil.locator("#live-step")).to_contain_text(step_text(room, 0))

    question = first_question(room)
    move_class(room, question)
    pupil.get_by_role("link", name="Show my teacher’s step now").click()
    expect(pupil.locator("#live-heading")).to_contain_text("Question")
    pupil.locator(f"#live-{right_choice(room, question)}").check()
    pupil.get_by_role("button", name="Send my answer").click()
    expect(pupil).to_have_url(f"{room.server.url}/live#live-step")
    expect(pupil.locator("[data-live-status]")).to_contain_text("Your answer is in")
    expect(pupil.get_by_role("button", name="Change my answer")).to_be_visible()
