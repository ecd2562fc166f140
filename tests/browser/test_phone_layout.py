"""A phone-first layout: the exit always within reach, the lesson on the first screen, and a
progress list whose entries never overlap, from a 320 px phone to a 1920 px projector."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.helpers import LiveServer, NeutralSite, start_course

pytestmark = pytest.mark.browser

BAND = "14-18"
PHONE = {"width": 320, "height": 640}
AssertAccessible = Callable[[Page, str], None]


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext]) -> Iterator[Page]:
    """A small touch-screen phone."""
    context = new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(10_000)
    yield context.new_page()


def learner_pages(server: LiveServer) -> list[str]:
    """One page of each kind a learner sees, as paths: each page with its own template; of
    the lessons (one template) the first, the last and any without questions; one question of
    each type (each is laid out its own way); one quiz summary."""
    lessons = server.lessons(BAND)
    chosen = [lessons[0], *(lesson for lesson in lessons if not lesson.quiz), lessons[-1]]
    paths = ["/", "/start", *dict.fromkeys(f"/lessons/{lesson.slug}" for lesson in chosen)]
    questions: dict[str, str] = {}
    for lesson in lessons:
        for item in server.items(lesson, BAND):
            questions.setdefault(item.type, f"/lessons/{lesson.slug}/quiz/{item.id}")
    assert len(questions) >= 4, questions  # choice, multi, red flags, order, branching
    quizzed = next(lesson for lesson in lessons if lesson.quiz)
    paths += [*questions.values(), f"/lessons/{quizzed.slug}/quiz/summary"]
    return [*paths, "/help", "/card", "/film", "/privacy", "/accessibility", "/complete"]


def scroll_to_bottom(page: Page) -> None:
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(
        "() => Math.ceil(window.scrollY + window.innerHeight)"
        " >= document.documentElement.scrollHeight - 1"
    )


def test_exit_is_on_screen_at_the_bottom_of_each_kind_of_page_and_leaves(
    phone: Page, live_server: LiveServer, neutral_site: NeutralSite
) -> None:
    """On a 320 px phone, scrolled to the very bottom of each kind of page (learner_pages:
    every page took 54 s and proved nothing more), the exit is wholly on screen, and
    pressing it leaves for the neutral site."""
    page = phone
    for path in learner_pages(live_server):
        start_course(page, live_server, BAND)
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        tall = page.evaluate("() => document.documentElement.scrollHeight")
        scroll_to_bottom(page)
        exit_link = page.get_by_role("link", name="Exit this page", exact=True)
        expect(exit_link).to_be_in_viewport(ratio=1)
        if tall > PHONE["height"] * 1.5:  # a page that scrolls: the exit really moved with it
            assert page.evaluate("() => window.scrollY") > PHONE["height"] / 2, path
        exit_link.click()
        page.wait_for_url(neutral_site.url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Weather")


def test_focus_is_never_hidden_under_the_header(phone: Page, live_server: LiveServer) -> None:
    """WCAG 2.4.11: tabbing down a long quiz, every focused element is clear of the header."""
    page = phone
    start_course(page, live_server, BAND)
    quiz_lesson = next(lesson for lesson in live_server.lessons(BAND) if lesson.quiz)
    page.goto(f"{live_server.url}/lessons/{quiz_lesson.slug}/quiz")
    header = page.locator(".site-header")
    seen = 0
    for key in ["Tab"] * 40 + ["Shift+Tab"] * 40:  # down the page, then back up it
        page.keyboard.press(key)
        box: Any = page.evaluate(
            "() => { const el = document.activeElement;"
            " if (el === document.body || el.closest('.site-header, .skip-links')) return null;"
            " const r = el.getBoundingClientRect();"
            " return {top: r.top, bottom: r.bottom, el: el.outerHTML.slice(0, 80)}; }"
        )
        if box is None:
            continue
        seen += 1
        header_box = header.bounding_box()
        assert header_box is not None
        assert box["top"] >= header_box["y"] + header_box["height"] - 0.5, box
        assert box["bottom"] <= PHONE["height"] + 0.5, box
    assert seen > 40


def test_lesson_title_and_first_paragraph_on_the_first_screen(
    phone: Page, live_server: LiveServer
) -> None:
    page = phone
    start_course(page, live_server, BAND)
    for lesson in live_server.lessons(BAND):
        page.goto(f"{live_server.url}/lessons/{lesson.slug}")
        title = page.get_by_role("heading", level=1)
        expect(title).to_have_text(lesson.title)
        box = title.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], lesson.slug
        first = page.locator("article.lesson p").first.bounding_box()
        assert first is not None and first["y"] < PHONE["height"] - 40, lesson.slug


def test_the_lesson_list_folds_on_a_phone_and_opens_without_javascript(
    new_context: Callable[..., BrowserContext], live_server: LiveServer
) -> None:
    context = new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    start_course(page, live_server, BAND)
    lessons = live_server.lessons(BAND)
    nav = page.get_by_role("navigation", name="Course progress")
    expect(nav.get_by_role("link", name=lessons[1].title)).to_be_hidden()
    summary = nav.locator("summary")
    expect(summary).to_have_text(f"Lesson 1 of {len(lessons)} All lessons")
    summary.click()
    expect(nav.get_by_role("link", name=lessons[1].title)).to_be_visible()
    nav.get_by_role("link", name=lessons[1].title).click()
    expect(page).to_have_url(f"{live_server.url}/lessons/{lessons[1].slug}")


def test_the_shift_hint_only_where_there_is_a_keyboard(
    phone: Page, page: Page, live_server: LiveServer
) -> None:
    hint = "press Shift 3 times"
    phone.goto(live_server.url + "/")
    expect(phone.get_by_text(hint)).to_be_hidden()
    page.goto(live_server.url + "/")
    expect(page.get_by_text(hint)).to_be_visible()


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"] - 0.5
        and b["left"] < a["right"] - 0.5
        and a["top"] < b["bottom"] - 0.5
        and b["top"] < a["bottom"] - 0.5
    )


ENTRY_BOXES = """nav => Array.from(nav.querySelectorAll('.course-progress__wide li')).map(li => {
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const parts = [li.querySelector('.course-progress__number'), li.querySelector('a')];
  return {
    entry: box(li.getBoundingClientRect()),
    parts: parts.flatMap(el => Array.from(el.getClientRects()).map(box)),
  };
})"""


@pytest.mark.parametrize("width", [1280, 1024, 1920, 768])
def test_no_two_progress_entries_overlap(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, width: int
) -> None:
    context = new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    start_course(page, live_server, BAND)
    lessons = live_server.lessons(BAND)
    for lesson in (lessons[0], lessons[-1]):
        page.goto(f"{live_server.url}/lessons/{lesson.slug}")
        nav = page.get_by_role("navigation", name="Course progress")
        expect(nav.locator(".course-progress__wide li").first).to_be_visible()
        entries = nav.evaluate(ENTRY_BOXES)
        assert len(entries) == len(lessons)
        for number, entry in enumerate(entries):
            e = entry["entry"]
            for part in entry["parts"]:  # the number and the title are inside their entry
                assert e["left"] - 0.5 <= part["left"] and part["right"] <= e["right"] + 0.5
            for other in entries[number + 1 :]:
                for part in entry["parts"]:
                    for other_part in other["parts"]:
                        assert not overlaps(part, other_part), (width, number, part, other_part)


@pytest.mark.parametrize("path", ["/", "/help", "lesson", "quiz"])
def test_no_axe_violations_at_320px(
    phone: Page, live_server: LiveServer, assert_accessible: AssertAccessible, path: str
) -> None:
    page = phone
    start_course(page, live_server, BAND)
    lesson = next(lesson for lesson in live_server.lessons(BAND) if lesson.quiz)
    target = {"lesson": f"/lessons/{lesson.slug}", "quiz": f"/lessons/{lesson.slug}/quiz"}
    page.goto(live_server.url + target.get(path, path))
    if path == "lesson":
        page.locator(".course-progress summary").click()  # the lesson list open, too
    assert_accessible(page, f"{path} at 320 px")


def test_exit_says_what_it_does_and_help_says_how_to_cover_tracks(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/")
    expect(page.locator(".facts")).to_contain_text("clears your progress on this device")
    page.goto(live_server.url + "/help")
    note = page.get_by_role("region", name="Keep your visit private")
    expect(note).to_contain_text("private or incognito window")
    expect(note).to_contain_text("does not remove this site from your browser history")
    expect(note).to_contain_text("clear your browsing history")
