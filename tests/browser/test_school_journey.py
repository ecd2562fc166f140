"""A school's whole journey in real Chromium: a teacher signs up, confirms the address from the
mail the test's SMTP server received, turns on two-factor sign-in, creates a class and opens
its join screen; 6 pupils in their own browsers join by code (some by the QR code's link) and
finish the first lesson's questions; the dashboard shows 6 joined and the breakdowns; a class
of 4 shows its counts but no breakdown; the CSV holds the same figures as the page.

k is set to 5, the smallest the course allows, so that one class is just over it and the other
just under with as few pupils as that takes: each pupil costs seconds of real Chromium."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

import pyotp
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from course.content.schema import Catalogue
from tests.browser.helpers import LiveServer, fresh_settings, serve_fresh, take_lesson
from tests.teacher_pages import PASSWORD, MailBox, path_of, smtp_server

pytestmark = pytest.mark.browser

AssertAccessible = Callable[[Page, str], None]
BAND = "11-13"
K = 5  # COURSE_STATS_MIN_GROUP for this server: the smallest allowed
HELD_BACK = f"Shown when at least {K} pupils have answered"


@pytest.fixture(scope="module")
def mail() -> Iterator[MailBox]:
    with smtp_server() as box:
        yield box


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue, mail: MailBox
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("school")
    settings = fresh_settings(folder, mail.settings_for, stats_min_group=K)
    with serve_fresh(settings, catalogue) as server:
        yield server


def sign_up_with_two_factor(page: Page, server: LiveServer, mail: MailBox, email: str) -> None:
    page.goto(f"{server.url}/teachers/sign-up")
    page.get_by_label("Name of your school").fill("Riverside School")
    page.get_by_label("Your name").fill("Sam Okafor")
    page.get_by_label("Your email address").fill(email)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Check your email")
    page.goto(server.url + path_of(mail.last_link(email)))
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("status")).to_contain_text("Your email address is confirmed")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server.url}/teachers")
    page.get_by_role("link", name="Two-factor sign-in", exact=True).click()
    secret = page.locator("input[name=secret]").get_attribute("value") or ""
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Your password").first.fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()


def create_class(page: Page, server: LiveServer, name: str, check: AssertAccessible) -> str:
    """Create a class from the teacher's pages; returns its join code (without the dash)."""
    page.goto(f"{server.url}/teachers")
    page.get_by_role("link", name="Classes in your school").click()
    check(page, "classes, none yet" if "no classes yet" in page.content() else "classes")
    page.get_by_label("Name of the class").fill(name)
    page.get_by_label(re.compile("^11 to 13")).check()
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    check(page, "a class")
    code = page.locator(".join-code-line .code").inner_text()
    return code.replace("-", "")


def join_and_answer(context: BrowserContext, server: LiveServer, code: str, by_link: bool) -> None:
    page = context.new_page()
    if by_link:
        page.goto(f"{server.url}/join/{code}")  # what the QR code holds
    else:
        page.goto(f"{server.url}/join")
        page.get_by_label("Class code").fill(f"{code[:4].lower()} {code[4:]}")
        page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Join the class").click()
    first = server.lessons(BAND)[0]
    expect(page).to_have_url(f"{server.url}/lessons/{first.slug}")
    take_lesson(page, server, first, BAND, javascript=True)
    # The whole context, not the page: Chromium 156 can leave `page.close()` waiting forever
    # when the page has just navigated (seen in CI), while closing the context always ends.
    context.close()


def dashboard_figures(page: Page) -> dict[str, str]:
    """Every figure in the dashboard's tables: (table caption and row) -> cell."""
    figures = {}
    for table in page.locator("table.stats-table").all():
        caption = table.locator("caption").inner_text().strip()
        for row in table.locator("tbody tr").all():
            cells = [cell.inner_text().strip() for cell in row.locator("th, td").all()]
            figures[f"{caption} / {cells[0]}"] = " | ".join(cells[1:])
    return figures


def test_a_teacher_runs_the_course_with_a_class_of_6_and_a_class_of_4(
    page: Page,
    new_context: Callable[..., BrowserContext],
    server: LiveServer,
    mail: MailBox,
    assert_accessible: AssertAccessible,
) -> None:
    sign_up_with_two_factor(page, server, mail, "sam@school.example")
    big = create_class(page, server, "Year 8 Oak", assert_accessible)
    page.get_by_role("link", name="Show the join screen").click()
    expect(page.locator(".join-screen__code")).to_contain_text(f"{big[:4]}-{big[4:]}")
    expect(page.locator("svg.join-qr")).to_be_visible()
    assert_accessible(page, "the join screen")
    small = create_class(page, server, "Year 8 Ash", assert_accessible)

    for number in range(K + 1):
        join_and_answer(new_context(), server, big, by_link=number % 3 == 0)
    for number in range(4):
        join_and_answer(new_context(), server, small, by_link=number % 2 == 0)

    page.goto(f"{server.url}/teachers/classes")
    page.get_by_role("link", name="Year 8 Oak").click()
    page.get_by_role("link", name="How the class is getting on").click()
    figures = dashboard_figures(page)
    assert figures["Year 8 Oak / Pupils joined"] == str(K + 1)
    first_items = server.items(server.lessons(BAND)[0], BAND)
    for item in first_items:  # the questions all 6 answered: their breakdowns are shown
        section = page.locator(f"#stats-{item.id}-question")
        expect(section.locator(".stats-figure__basis").first).to_contain_text(
            f"From the first {K} answers"
        )
        expect(section.locator(".stats-held-back")).to_have_count(0)
    expect(page.locator("svg").first).to_be_visible()
    assert_accessible(page, "the dashboard of a class of 6")

    csv_url = page.get_by_role("link", name="Download as CSV").get_attribute("href") or ""
    exported = page.request.get(server.url + csv_url)
    assert exported.ok and "attachment" in exported.headers["content-disposition"]
    cells = {
        cell.strip()
        for row in csv.reader(io.StringIO(exported.text().lstrip("\ufeff")))
        for cell in row
    }
    figure_value = re.compile(r"^(\d+|\d+%|all or nearly all|none or almost none)$")
    values = [
        v for figure in figures.values() for v in figure.split(" | ") if figure_value.match(v)
    ]
    assert len(values) > 20
    for value in values:  # every count and share on the page is in the CSV
        assert value in cells, (value, sorted(cells))

    page.goto(f"{server.url}/teachers/classes")
    page.get_by_role("link", name="Year 8 Ash").click()
    page.get_by_role("link", name="How the class is getting on").click()
    assert dashboard_figures(page)["Year 8 Ash / Pupils joined"] == "4"
    for item in first_items:  # answered by 4: the counts, but no breakdown
        section = page.locator(f"#stats-{item.id}-question")
        expect(section.locator(".stats-held-back").first).to_contain_text(HELD_BACK)
    expect(page.locator(".stats-figure__basis")).to_have_count(0)
    assert_accessible(page, "the dashboard of a class of 4")

    page.goto(f"{server.url}/teachers/school/dashboard")
    assert_accessible(page, "the school's figures")
