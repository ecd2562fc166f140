"""A teacher's account in real Chromium: sign up, confirm the address from the mail the test's
SMTP server received, turn on two-factor sign-in, sign out and in again with a code; by
keyboard, and with JavaScript off; axe finds nothing on any account page, errors included."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pyotp
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from course.content.schema import Catalogue
from tests.browser.helpers import LiveServer, fresh_settings, serve_fresh, tab_to
from tests.teacher_pages import PASSWORD, MailBox, next_code, path_of, smtp_server

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page, str], None]


@pytest.fixture(scope="module")
def mail() -> Iterator[MailBox]:
    with smtp_server() as box:
        yield box


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue, mail: MailBox
) -> Iterator[LiveServer]:
    """The app live on 127.0.0.1, sending its mail to the test's SMTP server."""
    folder = tmp_path_factory.mktemp("teachers")
    settings = fresh_settings(folder, mail.settings_for)
    with serve_fresh(settings, catalogue) as server:
        yield server


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def type_into(page: Page, selector: str, text: str) -> None:
    """Tab to a field and type, as a keyboard user would."""
    tab_to(page, selector)
    page.keyboard.type(text)


def sign_up_by_keyboard(
    page: Page, server: LiveServer, email: str, check: AssertAccessible
) -> None:
    page.goto(f"{server.url}/teachers/sign-up")
    check(page, "sign-up form")
    tab_to(page, "form[action='/teachers/sign-up'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary-title")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check(page, "sign-up form with errors")
    # The summary's links go to the fields.
    page.locator("#error-summary-title + ul a").first.click()
    expect(page.locator("#school")).to_be_focused()
    page.keyboard.type("Greenfield Academy")
    type_into(page, "#name", "Ada Lovelace")
    type_into(page, "#email", email)
    type_into(page, "#password", "Password123")
    page.keyboard.press("Enter")
    expect(page.locator("#password-error")).to_contain_text("harder to guess")
    check(page, "sign-up form with a common password")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Check your email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check(page, "sign-in page after sign-up")


def confirm_from_mail(page: Page, server: LiveServer, mail: MailBox, email: str) -> None:
    page.goto(server.url + path_of(mail.last_link(email)))
    expect(page.get_by_role("button", name="Confirm my email address")).to_be_visible()
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed")


def sign_in(page: Page, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{server.url}/teachers/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_confirm_two_factor_and_sign_in_with_a_code(
    page: Page,
    new_context: Callable[..., BrowserContext],
    server: LiveServer,
    mail: MailBox,
    assert_accessible: AssertAccessible,
) -> None:
    email = "ada@browser.example"
    sign_up_by_keyboard(page, server, email, assert_accessible)
    confirm_from_mail(page, server, mail, email)
    assert_accessible(page, "sign-in page after confirming")
    sign_in(page, server, email, "not the password")
    expect(page.locator("#email-error")).to_contain_text("not right")
    assert_accessible(page, "sign-in with a wrong password")
    sign_in(page, server, email)
    expect(page).to_have_url(f"{server.url}/teachers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ada Lovelace")
    assert_accessible(page, "teacher home")

    page.get_by_role("link", name="Two-factor sign-in", exact=True).click()
    expect(page.locator("svg.qr-code")).to_be_visible()
    assert_accessible(page, "two-factor set-up")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#code-error")).to_be_visible()
    assert_accessible(page, "two-factor set-up with errors")
    secret = page.locator("input[name=secret]").get_attribute("value") or ""
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Your password").first.fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="I have kept them: continue").click()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    sign_in(page, server, email)
    expect(page).to_have_url(f"{server.url}/teachers/sign-in/code")
    assert_accessible(page, "code step")
    page.get_by_label("Code from your app").fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#code-error")).to_be_visible()
    assert_accessible(page, "code step with an error")
    page.get_by_label("Code from your app").fill(next_code(secret))
    page.get_by_label("Code from your app").press("Enter")
    expect(page).to_have_url(f"{server.url}/teachers")

    for path, state in (
        ("/teachers/change-password", "change password"),
        ("/teachers/school", "school's teachers"),
        ("/teachers/two-factor", "two-factor, on"),
    ):
        page.goto(server.url + path)
        assert_accessible(page, state)
    page.goto(f"{server.url}/teachers/change-password")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#current-password-error")).to_be_visible()
    assert_accessible(page, "change password with errors")
    page.goto(f"{server.url}/teachers/school")
    page.get_by_label("Their email address").fill("grace@browser.example")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent")
    grace = new_context().new_page()
    grace.goto(server.url + path_of(mail.last_link("grace@browser.example")))
    expect(grace.get_by_role("heading", level=1)).to_have_text("Join Greenfield Academy")
    assert_accessible(grace, "invitation")
    grace.get_by_label("Your name").fill("Grace Hopper")
    grace.get_by_label("Choose a password").fill(PASSWORD)
    grace.get_by_role("button", name="Join and sign in").click()
    expect(grace.get_by_role("heading", level=1)).to_have_text("Hello, Grace Hopper")

    page.goto(f"{server.url}/teachers/two-factor")
    page.locator("input[name=codes_password]").fill(PASSWORD)
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page, "new recovery codes")

    page.goto(f"{server.url}/teachers/school")
    tab_to(page, "a[href^='/teachers/school/remove']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Grace Hopper?")
    assert_accessible(page, "removing a teacher, asked first")
    page.get_by_role("button", name="Yes, remove Grace Hopper").click()
    expect(page.get_by_role("status")).to_contain_text("has been removed")
    grace.reload()
    expect(grace).to_have_url(f"{server.url}/teachers/sign-in")


def test_the_pages_a_visitor_sees_are_accessible(
    page: Page, server: LiveServer, assert_accessible: AssertAccessible
) -> None:
    page.goto(f"{server.url}/teachers/forgotten-password")
    assert_accessible(page, "forgotten password")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#email-error")).to_be_visible()
    assert_accessible(page, "forgotten password with an error")
    for path, state in (
        ("/teachers/reset-password?token=nope", "reset link run out"),
        ("/teachers/confirm-email?token=nope", "confirm link run out"),
        ("/teachers/invitation?token=nope", "invitation run out"),
    ):
        page.goto(server.url + path)
        expect(page.locator("#link-expired")).to_be_visible()
        assert_accessible(page, state)


def test_the_whole_account_works_with_javascript_off(
    no_js_page: Page, server: LiveServer, mail: MailBox
) -> None:
    page, email = no_js_page, "noscript@browser.example"
    page.goto(f"{server.url}/teachers/sign-up")
    page.get_by_label("Name of your school").fill("Plain School")
    page.get_by_label("Your name").fill("Noor Script")
    page.get_by_label("Your email address").fill(email)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Check your email")
    confirm_from_mail(page, server, mail, email)
    sign_in(page, server, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Noor Script")
    page.get_by_role("link", name="Two-factor sign-in", exact=True).click()
    secret = page.locator("input[name=secret]").get_attribute("value") or ""
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Your password").first.fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    code = page.locator("#recovery-codes li").first.inner_text()
    page.get_by_role("link", name="I have kept them: continue").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, server, email)
    page.get_by_label("Recovery code").fill(code)
    page.get_by_role("button", name="Use recovery code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Noor Script")
    assert heading(page) == "Hello, Noor Script"
