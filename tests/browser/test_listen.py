"""Listen: a lesson or a question read aloud by the browser's own speech synthesis.

Headless Chromium has no voices (speak() fails at once with "synthesis-failed"), so an init
script stands in for speechSynthesis.speak and .cancel: it records each utterance and each
cancel, and speaks nothing. add_init_script runs under the app's CSP, as a page script could not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from course.content.schema import BranchingItem, Item, Lesson
from tests.browser.helpers import (
    LiveServer,
    answer_item,
    hold_the_page_on_exit,
    start_course,
)

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page, str], None]
BAND = "14-18"
MAX_CHARS = 180  # course.js speaks at most this much at once (Chromium cuts long ones off)

# Headless Chromium has no voices: give it one English voice "on the device" (and utterances
# that take a plain object as their voice), and record what would be spoken.
RECORD_SPEECH = """(() => {
  const heard = {spoken: [], utterances: [], cancels: 0};
  window.__listen = heard;
  if (!window.speechSynthesis) { return; }
  const local = window.__voices || [{name: "Local English", lang: "en-GB", localService: true}];
  window.speechSynthesis.getVoices = () => local;
  window.SpeechSynthesisUtterance = class extends EventTarget {
    constructor(text) { super(); this.text = text; }
    dispatchEvent(event) {  // as a real utterance does, call its on<event> handler too
      const handler = this["on" + event.type];
      if (typeof handler === "function") { handler.call(this, event); }
      return super.dispatchEvent(event);
    }
  };
  window.speechSynthesis.speak = (utterance) => {
    heard.spoken.push({text: utterance.text, lang: utterance.lang});
    heard.utterances.push(utterance);
  };
  window.speechSynthesis.cancel = () => { heard.cancels += 1; };
})();"""


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A page whose speech is recorded, not spoken."""
    context.add_init_script(RECORD_SPEECH)
    return context.new_page()


def spoken(page: Page) -> list[dict[str, str]]:
    return list(page.evaluate("() => window.__listen.spoken"))


def spoken_text(page: Page) -> str:
    return " ".join(utterance["text"] for utterance in spoken(page))


def cancels(page: Page) -> int:
    return int(page.evaluate("() => window.__listen.cancels"))


def listen_button(scope: Page | Locator) -> Locator:
    """The control, whatever it says now (its name changes to "Stop ..." while reading)."""
    return scope.locator("button[data-listen]")


def label(button: Locator) -> Locator:
    """The words on the button (its name adds words for screen readers)."""
    return button.locator(".listen__label")


def listen_buttons_by_role(page: Page) -> Locator:
    """What a screen reader, or a sighted user, could find: hidden buttons are not there."""
    return page.get_by_role("button", name="Listen", exact=False)


def lesson_with_note(server: LiveServer) -> Lesson:
    lessons = server.lessons(BAND)
    return next((lesson for lesson in lessons if lesson.content_note), lessons[0])


def open_lesson(page: Page, server: LiveServer) -> Lesson:
    lesson = lesson_with_note(server)
    start_course(page, server, BAND)
    page.goto(f"{server.url}/lessons/{lesson.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    return lesson


def lesson_with_answerable_first_item(server: LiveServer) -> tuple[Lesson, Item]:
    """A lesson whose first question has feedback to read (not a chat, which has endings)."""
    for lesson in server.lessons(BAND):
        items = server.items(lesson, BAND)
        if items and not isinstance(items[0], BranchingItem):
            return lesson, items[0]
    pytest.skip(f"no lesson for {BAND} starts its questions with an answerable item")


def open_quiz(page: Page, server: LiveServer, lesson: Lesson) -> Locator:
    """The quiz's first page (one question or all of them): its first item."""
    start_course(page, server, BAND)
    page.goto(f"{server.url}/lessons/{lesson.slug}/quiz")
    return page.locator(".quiz-item").first


def test_listen_reads_the_lesson_aloud_by_keyboard_and_stops(
    page: Page, live_server: LiveServer
) -> None:
    lesson = open_lesson(page, live_server)
    button = listen_button(page)
    expect(button).to_have_count(1)
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Listen to this lesson")
    box = button.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24, box

    button.focus()
    assert button.evaluate("b => getComputedStyle(b).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(button).to_have_accessible_name("Stop reading this lesson aloud")
    expect(label(button)).to_have_text("Stop")
    expect(page.locator(".exit-status")).to_have_text("Reading aloud.")

    utterances = spoken(page)
    assert utterances[0]["text"] == words(lesson.title)
    assert {utterance["lang"] for utterance in utterances} == {"en-GB"}
    assert all(len(utterance["text"]) <= MAX_CHARS for utterance in utterances), utterances
    text = spoken_text(page)
    assert lesson.content_note is None or words(lesson.content_note) in text
    for paragraph in page.locator("article.lesson .prose > p").all()[:3]:
        assert words(paragraph.inner_text()) in text
    # Not the navigation, the content note's controls, or the Listen button itself.
    unread_words = ("Skip this lesson", "Get help now", "Skip the film", "Lesson 1 of", "Listen")
    for unread in unread_words:
        assert unread not in text, f"{unread!r} was read aloud: {text}"

    before = cancels(page)
    page.keyboard.press("Space")
    expect(label(button)).to_have_text("Listen")
    expect(button).to_have_accessible_name("Listen to this lesson")
    expect(page.locator(".exit-status")).to_have_text("Stopped reading aloud.")
    assert cancels(page) > before


def test_listen_goes_back_to_listen_when_the_reading_ends(
    page: Page, live_server: LiveServer
) -> None:
    open_lesson(page, live_server)
    button = listen_button(page)
    button.click()
    expect(label(button)).to_have_text("Stop")
    page.evaluate("() => window.__listen.utterances.at(-1).dispatchEvent(new Event('end'))")
    expect(label(button)).to_have_text("Listen")
    expect(page.locator(".exit-status")).to_have_text("Finished reading aloud.")


def test_escape_stops_the_reading(page: Page, live_server: LiveServer) -> None:
    open_lesson(page, live_server)
    button = listen_button(page)
    button.click()
    expect(label(button)).to_have_text("Stop")
    page.keyboard.press("Escape")
    expect(label(button)).to_have_text("Listen")
    assert cancels(page) >= 1


def test_listen_reads_a_question_and_after_an_answer_its_feedback(
    page: Page, live_server: LiveServer
) -> None:
    lesson, item = lesson_with_answerable_first_item(live_server)
    section = open_quiz(page, live_server, lesson)
    expect(section).to_have_id(f"item-{item.id}")
    button = listen_button(section)
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Listen to this question")
    button.click()
    expect(label(button)).to_have_text("Stop")
    text = spoken_text(page)
    prompt = words(section.locator(".quiz-item__prompt").inner_text())
    assert text.startswith(prompt) or f" {prompt}" in text
    for option in section.locator("label").all():
        assert words(option.text_content() or "") in text
    assert "Check" not in text

    # Answering swaps the item: the reading stops, and the new item's button works.
    before = cancels(page)
    answer_item(page, item, javascript=True)
    assert cancels(page) > before
    swapped = page.locator(f"#item-{item.id}")
    again = listen_button(swapped)
    expect(again).to_be_visible()
    expect(label(again)).to_have_text("Listen")
    heard = len(spoken(page))
    again.click()
    expect(label(again)).to_have_text("Stop")
    verdict = words(swapped.locator(".feedback__verdict").inner_text())
    assert verdict in " ".join(u["text"] for u in spoken(page)[heard:])


def test_quick_exit_silences_the_reading_at_once(page: Page, live_server: LiveServer) -> None:
    """Cancelled by the exit itself, before the page unloads (here it never does)."""
    open_lesson(page, live_server)
    hold_the_page_on_exit(page.context, live_server)
    listen_button(page).click()
    expect(label(listen_button(page))).to_have_text("Stop")
    before = cancels(page)
    page.get_by_role("link", name="Exit this page", exact=True).click()
    expect(page.locator(".exit-overlay")).to_be_visible()
    assert cancels(page) > before


def test_quick_exit_by_shift_silences_the_reading(page: Page, live_server: LiveServer) -> None:
    open_lesson(page, live_server)
    hold_the_page_on_exit(page.context, live_server)
    listen_button(page).click()
    before = cancels(page)
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page.locator(".exit-overlay")).to_be_visible()
    assert cancels(page) > before


def test_no_listen_without_javascript(
    no_js_context: BrowserContext, live_server: LiveServer
) -> None:
    page = no_js_context.new_page()
    lesson, _item = lesson_with_answerable_first_item(live_server)
    start_course(page, live_server, BAND)
    for path in (f"/lessons/{lesson.slug}", f"/lessons/{lesson.slug}/quiz"):
        page.goto(live_server.url + path)
        expect(page.locator(".listen").first).to_be_attached()
        expect(page.locator(".listen").first).to_be_hidden()
        expect(listen_buttons_by_role(page)).to_have_count(0)


def test_no_listen_where_the_browser_cannot_speak(
    context: BrowserContext, live_server: LiveServer
) -> None:
    context.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined});")
    page = context.new_page()
    open_lesson(page, live_server)
    expect(page.locator(".listen")).to_be_hidden()
    expect(listen_buttons_by_role(page)).to_have_count(0)


@pytest.mark.parametrize("where", ["lesson", "question"])
def test_listen_has_no_axe_violations_shown_and_speaking(
    page: Page, live_server: LiveServer, assert_accessible: AssertAccessible, where: str
) -> None:
    scope: Any
    if where == "lesson":
        open_lesson(page, live_server)
        scope = page
    else:
        lesson, _item = lesson_with_answerable_first_item(live_server)
        scope = open_quiz(page, live_server, lesson)
    button = listen_button(scope)
    expect(button).to_be_visible()
    assert_accessible(page, f"a {where} with Listen shown")
    button.click()
    expect(label(button)).to_have_text("Stop")
    assert_accessible(page, f"a {where} being read aloud")


def test_the_button_appearing_moves_nothing(
    page: Page, no_js_context: BrowserContext, live_server: LiveServer
) -> None:
    """The Listen button shares a line as tall as itself, so revealing it shifts no content
    (Lighthouse's layout shift): what follows sits where it does without JavaScript."""
    lesson, _item = lesson_with_answerable_first_item(live_server)
    plain = no_js_context.new_page()
    for each in (page, plain):
        start_course(each, live_server, BAND)
    for path, after in (
        (f"/lessons/{lesson.slug}", ".listen-row + *"),
        (f"/lessons/{lesson.slug}/quiz", ".quiz-item .listen-row + *"),
    ):
        tops = []
        for each in (page, plain):
            each.goto(live_server.url + path)
            tops.append(each.locator(after).first.evaluate("el => el.getBoundingClientRect().top"))
        expect(listen_button(page).first).to_be_visible()
        assert tops[0] == tops[1], f"{path}: content moved from {tops[1]} to {tops[0]}"


def test_no_listen_with_only_network_voices(
    context: BrowserContext, live_server: LiveServer
) -> None:
    """A voice that is not on the device would send the lesson's words to a third party."""
    remote = '{name: "Google UK English Female", lang: "en-GB", localService: false}'
    context.add_init_script(f"window.__voices = [{remote}];")
    context.add_init_script(RECORD_SPEECH)
    page = context.new_page()
    start_course(page, live_server, BAND)
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_load_state("load")
    expect(page.locator(".listen").first).to_be_hidden()
    expect(listen_buttons_by_role(page)).to_have_count(0)
