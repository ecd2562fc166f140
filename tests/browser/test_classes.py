"""A teacher's classes and a pupil's joining, with JavaScript off and by keyboard alone: every
form is a real POST, every page passes axe, the class pages and the pupil's join pages alike."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from course.db import write_session
from course.schools.accounts import add_teacher, create_school
from course.schools.sessions import start_session
from tests.browser.helpers import LiveServer, tab_to

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page, str], None]


def sign_in(context: BrowserContext, server: LiveServer) -> None:
    """A confirmed admin of a new school, signed in on this browser context."""
    with write_session(server.app.state.engine) as session:
        school = create_school("Brook School", session=session)
        email = f"teacher-{secrets.token_hex(4)}@example.org"
        teacher = add_teacher(
            school.id,
            "Mr Ade",
            email,
            "not-a-hash",
            session=session,
            is_admin=True,
            email_confirmed=True,
        )
        token = start_session(teacher.id, two_factor_done=True, session=session)
    name = server.app.state.cookie_names.teacher
    context.add_cookies([{"name": name, "value": token, "url": server.url}])


@pytest.fixture
def teacher_page(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> Page:
    context = new_context(java_script_enabled=False)
    sign_in(context, live_server)
    return context.new_page()


def test_a_class_is_run_without_javascript(
    teacher_page: Page, no_js_page: Page, live_server: LiveServer
) -> None:
    page, url = teacher_page, live_server.url
    page.goto(f"{url}/teachers/classes")
    page.get_by_role("button", name="Create the class").click()
    expect(page.locator("#class-name-error")).to_be_visible()
    page.get_by_label("Name of the class").fill("Year 10 Elm")
    page.get_by_label("14 to 18").check()
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Year 10 Elm")
    page.get_by_label("Most pupils who can join").fill("lots")
    page.get_by_role("button", name="Save the limits").click()
    expect(page.locator("#class-cap-error")).to_be_visible()
    page.get_by_label("Most pupils who can join").fill("30")
    page.get_by_role("button", name="Save the limits").click()
    code = page.locator(".join-code-line .code").inner_text()
    page.get_by_role("link", name="Show the join screen").click()

    pupil = no_js_page
    pupil.goto(f"{url}/join")
    pupil.get_by_role("button", name="Continue").click()
    pupil.get_by_label("Class code").fill(code)
    pupil.get_by_role("button", name="Continue").click()
    expect(pupil.get_by_role("heading", level=1)).to_have_text("Join Year 10 Elm")
    pupil.get_by_role("button", name="Join the class").click()
    expect(pupil.get_by_role("button", name="Finish and clear this device")).to_be_visible()
    pupil.get_by_role("button", name="Finish and clear this device").click()
    expect(pupil.get_by_role("heading", level=1)).to_have_text(
        "This device is clear for the next person"
    )

    page.goto(f"{url}/teachers/classes")
    page.get_by_role("link", name="Year 10 Elm").click()
    page.get_by_role("link", name="How the class is getting on").click()
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    page.get_by_role("link", name="Refresh").click()
    page.goto(f"{url}/teachers/classes")
    page.get_by_role("link", name="Year 10 Elm").click()
    page.get_by_role("link", name="Delete this class and all its pupils’ answers").click()
    page.get_by_role("button", name="Yes, delete the class").click()
    expect(page.get_by_text("You have no classes yet")).to_be_visible()


def test_a_class_is_created_by_keyboard_alone_and_every_page_passes_axe(
    new_context: Callable[..., BrowserContext],
    live_server: LiveServer,
    assert_accessible: AssertAccessible,
) -> None:
    context = new_context()
    sign_in(context, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/teachers/classes")
    assert_accessible(page, "classes")
    tab_to(page, "form[action='/teachers/classes'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#class-name-error")).to_be_visible()
    assert_accessible(page, "create a class, with errors")
    tab_to(page, "#class-name")
    page.keyboard.type("Year 7 Birch")
    tab_to(page, "#class-band-11-13")
    page.keyboard.press("Space")
    tab_to(page, "form[action='/teachers/classes'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Year 7 Birch")
    assert_accessible(page, "a class")
    code = page.locator(".join-code-line .code").inner_text()
    page.goto(page.url + "/delete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete Year 7 Birch?")
    assert_accessible(page, "delete a class?")
    page.go_back()
    tab_to(page, "a[href$='/join-screen']")
    page.keyboard.press("Enter")
    expect(page.locator(".join-screen__code")).to_be_visible()
    assert_accessible(page, "the join screen")
    pupil = new_context().new_page()
    pupil.goto(f"{live_server.url}/join")
    assert_accessible(pupil, "join: the code form")
    tab_to(pupil, "form[action='/join'] button[type=submit]")
    pupil.keyboard.press("Enter")
    expect(pupil.locator("#join-code-error")).to_be_visible()
    assert_accessible(pupil, "join: the code form with an error")
    tab_to(pupil, "#join-code")
    pupil.keyboard.type(code)
    pupil.keyboard.press("Enter")
    expect(pupil.get_by_role("heading", level=1)).to_have_text("Join Year 7 Birch")
    assert_accessible(pupil, "join: what the teacher sees")
    tab_to(pupil, "form[action^='/join/'] button[type=submit]")
    pupil.keyboard.press("Enter")
    expect(pupil.get_by_role("button", name="Finish and clear this device")).to_be_visible()
    assert_accessible(pupil, "a lesson in a class")
    tab_to(pupil, "form.finish-device button")
    pupil.keyboard.press("Enter")
    expect(pupil.get_by_role("heading", level=1)).to_have_text(
        "This device is clear for the next person"
    )
    assert_accessible(pupil, "join: finished")
