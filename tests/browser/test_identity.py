"""The course's own look in Chromium (issue 12, build 5): chats and profiles drawn as phones,
lesson drawings beside their titles, an icon for each step, from a 320 px phone to a 1920 px
projector, with nothing overflowing or covered and no axe violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from course.content.schema import BranchingItem, Item, RedFlagsItem
from tests.browser.helpers import LiveServer, start_course

pytestmark = pytest.mark.browser

BAND = "14-18"
WIDTHS = [320, 1280, 1920]
AssertAccessible = Callable[[Page, str], None]


@pytest.fixture(params=WIDTHS, ids=[f"{width}px" for width in WIDTHS])
def screen(
    request: pytest.FixtureRequest, new_context: Callable[..., BrowserContext]
) -> Iterator[Page]:
    """A phone (320 x 640, touch) or a desktop or projector screen, with the course started."""
    width: int = request.param
    phone = width < 500
    context = new_context(
        viewport={"width": width, "height": 640 if phone else 1000},
        has_touch=phone,
        is_mobile=phone,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()


def first_of(server: LiveServer, kind: type[Item], *having: str) -> tuple[str, Item]:
    """The first item of a type that has all the given parts, with its lesson's slug."""
    for lesson in server.lessons(BAND):
        for item in server.items(lesson, BAND):
            if isinstance(item, kind) and all(getattr(item, part) for part in having):
                return lesson.slug, item
    raise AssertionError(f"no {kind.__name__} item for {BAND}")


def open_item(page: Page, server: LiveServer, slug: str, item: Item) -> None:
    """The item's own page, or the whole quiz where items have no page of their own."""
    response = page.goto(f"{server.url}/lessons/{slug}/quiz/{item.id}")
    if response is None or response.status != 200:
        page.goto(f"{server.url}/lessons/{slug}/quiz")
    expect(page.locator(f"#item-{item.id}")).to_be_visible()


BOXES = """section => {
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  return {
    page: document.documentElement.scrollWidth, screen: window.innerWidth,
    phones: Array.from(section.querySelectorAll('.phone')).map(phone => ({
      phone: box(phone),
      bubbles: Array.from(phone.querySelectorAll('.bubble')).map(box),
      bar: phone.querySelector('.phone__bar').innerText,
    })),
  };
}"""


def assert_phones_fit(page: Page, item: Item) -> int:
    """Every phone and every bubble in it inside the screen's width; returns the bubbles."""
    found = page.locator(f"#item-{item.id}").evaluate(BOXES)
    assert found["page"] <= found["screen"], "the page scrolls sideways"
    assert found["phones"], "no phone drawn"
    bubbles = 0
    for phone in found["phones"]:
        frame = phone["phone"]
        assert frame["left"] >= 0 and frame["right"] <= found["screen"], frame
        assert phone["bar"].strip(), "the phone's top bar says whose chat or profile it is"
        for bubble in phone["bubbles"]:
            assert frame["left"] <= bubble["left"] and bubble["right"] <= frame["right"], bubble
            bubbles += 1
    return bubbles


def test_a_profile_and_its_chat_are_drawn_as_phones(screen: Page, live_server: LiveServer) -> None:
    slug, item = first_of(live_server, RedFlagsItem, "profile", "chat")
    assert isinstance(item, RedFlagsItem) and item.profile
    start_course(screen, live_server, BAND)
    open_item(screen, live_server, slug, item)
    section = screen.locator(f"#item-{item.id}")
    expect(section.locator(".phone.mock-profile .phone__bar")).to_contain_text(item.profile.name)
    expect(section.locator(".phone.mock-chat .phone__bar")).to_contain_text("made up")
    assert assert_phones_fit(screen, item) == len(item.chat)
    # Still real checkboxes with their words, in reading order, inside the phones.
    for part in item.parts():
        expect(section.locator(f"#item-{item.id}-{part.id}")).to_be_attached()


def test_a_branching_chat_is_drawn_as_a_phone_and_grows_in_it(
    screen: Page, live_server: LiveServer
) -> None:
    slug, item = first_of(live_server, BranchingItem)
    assert isinstance(item, BranchingItem)
    start_course(screen, live_server, BAND)
    open_item(screen, live_server, slug, item)
    section = screen.locator(f"#item-{item.id}")
    first = item.node(item.start)
    assert assert_phones_fit(screen, item) == len(first.messages)
    section.locator("button[name='choice']").first.click()
    expect(section.locator(".phone [aria-label='The chat so far']")).to_be_visible()
    assert assert_phones_fit(screen, item) > len(first.messages)


TITLE_LINES = """h1 => { const range = document.createRange(); range.selectNodeContents(h1);
  return Array.from(range.getClientRects()).map(r => ({left: r.left, right: r.right,
    top: r.top, bottom: r.bottom})); }"""


def test_each_lesson_drawing_sits_beside_its_title_and_covers_nothing(
    screen: Page, live_server: LiveServer
) -> None:
    start_course(screen, live_server, BAND)
    for lesson in live_server.lessons(BAND):
        screen.goto(f"{live_server.url}/lessons/{lesson.slug}")
        art = screen.locator("img.lesson__art")
        expect(art).to_be_visible()
        assert art.evaluate("img => img.complete && img.naturalWidth > 0"), lesson.slug
        box, viewport = art.bounding_box(), screen.viewport_size
        assert box is not None and viewport is not None
        assert box["x"] + box["width"] <= viewport["width"] + 0.5, lesson.slug
        left, bottom = box["x"], box["y"] + box["height"]
        assert bottom <= 640, f"{lesson.slug}: the drawing is not on the first screen"
        for line in screen.get_by_role("heading", level=1).evaluate(TITLE_LINES):
            beside = line["right"] <= left + 0.5 or line["top"] >= bottom - 0.5
            assert beside, f"{lesson.slug}: the drawing covers the title"


ICON_PLACES = """ol => Array.from(ol.querySelectorAll('li')).map(li => {
  const style = getComputedStyle(li, '::before');
  return {step: li.dataset.step, image: style.backgroundImage, x: style.backgroundPositionX,
          width: parseFloat(style.width)}; })"""


def test_every_step_shows_its_own_icon(screen: Page, live_server: LiveServer) -> None:
    steps = [step.id for step in live_server.catalogue.steps.steps]
    screen.goto(f"{live_server.url}/card")
    icons = screen.locator(".what-to-do__steps").evaluate(ICON_PLACES)
    assert [icon["step"] for icon in icons] == steps
    for number, icon in enumerate(icons):
        assert "/static/img/steps.svg?v=" in icon["image"], icon
        place = icon["x"].split(",")[0].strip()  # the first one's is 0px: the shorthand's 0
        assert float(place.rstrip("px%")) == number * 100 / (len(steps) - 1), icon
        assert place.endswith("%") or number == 0, icon
        assert icon["width"] >= 24, icon


@pytest.mark.parametrize("kind", ["red-flags", "branching"])
def test_no_axe_violations_in_the_phones_at_320px(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
    kind: str,
) -> None:
    context = new_context(viewport={"width": 320, "height": 640}, has_touch=True, is_mobile=True)
    page = context.new_page()
    start_course(page, live_server, BAND)
    slug, item = first_of(live_server, RedFlagsItem if kind == "red-flags" else BranchingItem)
    open_item(page, live_server, slug, item)
    assert_accessible(page, f"a {kind} item at 320 px")
    if isinstance(item, BranchingItem):
        page.locator(f"#item-{item.id} button[name='choice']").first.click()
        expect(page.locator(f"#item-{item.id} [aria-label='The chat so far']")).to_be_visible()
        assert_accessible(page, "a branching item, one step in, at 320 px")
