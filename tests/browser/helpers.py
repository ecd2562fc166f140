"""Driving the course in a real browser: the live server, request logs, axe-core, the journey."""

from __future__ import annotations

import re
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Page, Request, Route, expect

from course.app import create_app
from course.content.schema import (
    BranchingItem,
    Catalogue,
    ChoiceItem,
    Item,
    Lesson,
    OrderItem,
    RedFlagsItem,
)
from course.migrations.run import upgrade
from course.settings import REPO_ROOT, Settings
from tests.scenario_helpers import reachable_states

VENDOR = Path(__file__).parent / "vendor"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NEUTRAL_PAGE = "<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"
RIGHT = "That’s right."
RIGHT_ORDER = "That’s right. Your steps are in a good order."

# --- The app, served live ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """The app, listening on 127.0.0.1:port."""

    app: FastAPI
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def catalogue(self) -> Catalogue:
        catalogue: Catalogue = self.app.state.catalogue
        return catalogue

    @property
    def exit_url(self) -> str:
        return str(self.app.state.settings.exit_url)

    def lessons(self, age_band: str) -> tuple[Lesson, ...]:
        return self.catalogue.lessons_for(age_band)

    def items(self, lesson: Lesson, age_band: str) -> tuple[Item, ...]:
        quiz = self.catalogue.quiz(lesson.quiz) if lesson.quiz else None
        return quiz.items_for(age_band) if quiz else ()


@contextmanager
def serve(app: FastAPI) -> Iterator[LiveServer]:
    """Serve the app with uvicorn in a background thread until the block ends."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.01)
    try:
        yield LiveServer(app, port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def fresh_settings(folder: Path, settings_for: Any = None, **overrides: Any) -> Settings:
    """Settings for a live server of its own: a fresh, migrated SQLite database in `folder`, its
    own secret and data folder, the real content; `overrides` on top (and `settings_for`, such
    as a test mail box's, applied last)."""
    url = f"sqlite:///{folder / 'course.db'}"
    upgrade(url)
    settings = Settings(
        database_url=url,
        secret_key=secrets.token_urlsafe(32),
        data_dir=folder / "data",
        content_dir=REPO_ROOT,
        **overrides,
    )
    return settings_for(settings) if settings_for else settings


@contextmanager
def serve_fresh(settings: Settings, catalogue: Catalogue) -> Iterator[LiveServer]:
    """The app built from these settings on the shared catalogue, served until the block ends."""
    app = create_app(settings, catalogue=catalogue)
    try:
        with serve(app) as server:
            yield server
    finally:
        app.state.engine.dispose()


# --- Requests, and the neutral site the quick exit goes to --------------------------------------


@dataclass
class RequestLog:
    """Every request a browser context made, in order."""

    urls: list[str] = field(default_factory=list)

    def record(self, request: Request) -> None:
        self.urls.append(request.url)

    def foreign(self, netloc: str) -> list[str]:
        """Requests to anywhere but the app (data: and blob: URLs never leave the browser)."""
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != netloc
        ]


def record_requests(context: BrowserContext) -> RequestLog:
    log = RequestLog()
    context.on("request", log.record)
    return log


@dataclass
class NeutralSite:
    """Stands in for the quick exit's neutral destination (this machine has no internet).

    It is served as http://localhost:port, a different host from the app's 127.0.0.1:port.
    (Routing the default BBC address is not enough: with Debian's Chromium 156 and Playwright
    1.65 a route does not reliably catch the request that follows a redirect.)
    """

    port: int
    visits: list[dict[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}/weather"

    @property
    def netloc(self) -> str:
        return f"localhost:{self.port}"


@contextmanager
def serve_neutral_site() -> Iterator[NeutralSite]:
    site = NeutralSite(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.visits.append(
                {"path": self.path, **{k.lower(): v for k, v in self.headers.items()}}
            )
            body = NEUTRAL_PAGE.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", site.port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, name="neutral-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


def hold_the_page_on_exit(context: BrowserContext, server: LiveServer) -> None:
    """Answer /exit with 204 No Content, so the browser stays on the page, behind the overlay.

    (A 204 ends a navigation without leaving the page; a stalled request would leave
    Playwright waiting for the navigation before it looks at anything.)
    """

    def no_content(route: Route) -> None:
        route.fulfill(status=204)

    context.route(f"{server.url}/exit", no_content)


def block_scripts(context: BrowserContext, server: LiveServer) -> None:
    """Fail the app's scripts, so pages behave as with JavaScript off (for axe, which needs JS)."""

    def refuse(route: Route) -> None:
        route.abort()

    context.route(f"{server.url}/static/js/**", refuse)


def cookie_names(context: BrowserContext) -> set[str]:
    return {cookie["name"] for cookie in context.cookies()}


# --- axe-core ----------------------------------------------------------------------------------


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """Run axe-core on the page (WCAG 2.2 A and AA rules) and return its violations.

    The app's CSP forbids injected script tags, so axe is evaluated through DevTools instead.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return list(
        page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
                }));
            }""",
            WCAG_TAGS,
        )
    )


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {node['target']}: {node['summary']}")
    return "\n".join(lines)


# --- The learner's journey ------------------------------------------------------------------


def correct_options(item: ChoiceItem) -> list[str]:
    return [option.id for option in item.options if option.correct]


def safe_path(item: BranchingItem) -> tuple[str, ...]:
    """The shortest run of choices through a branching chat to a safe ending."""
    return next(state.choices for state in reachable_states(item) if state.node.ending == "safe")


def start_course(page: Page, server: LiveServer, age_band: str) -> None:
    """Home → Start → choose the age band → the first lesson."""
    page.goto(server.url + "/")
    page.get_by_role("link", name="Start the course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your age group")
    page.locator(f"#age-band-{age_band}").check()
    page.get_by_role("button", name="Start").click()
    first = server.lessons(age_band)[0]
    expect(page).to_have_url(f"{server.url}/lessons/{first.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)


def fill_in_right_answer(page: Page, item: Item) -> None:
    """Choose, tick or order everything as it should be (not for branching chats)."""
    if isinstance(item, ChoiceItem):
        for option_id in correct_options(item):
            page.locator(f"#item-{item.id}-{option_id}").check()
    elif isinstance(item, RedFlagsItem):
        for part in item.parts():
            if part.flag:
                page.locator(f"#item-{item.id}-{part.id}").check()
    elif isinstance(item, OrderItem):
        for position, step in enumerate(item.steps, start=1):
            page.locator(f"#item-{item.id}-{step.id}").select_option(str(position))
    else:
        raise TypeError(f"{item.type} items are answered choice by choice")


def mark_page(page: Page) -> None:
    page.evaluate("() => { window.__marker = 'still here'; }")


def assert_not_navigated(page: Page) -> None:
    assert page.evaluate("() => window.__marker") == "still here", "the page navigated"


def answer_item(page: Page, item: Item, *, javascript: bool) -> None:
    """Answer an item right and see its feedback; with JS, htmx swaps just the item."""
    section = page.locator(f"#item-{item.id}")
    if isinstance(item, BranchingItem):
        path = safe_path(item)
        for step, choice_id in enumerate(path, start=1):
            if javascript:
                mark_page(page)
            section.locator(f"button[name='choice'][value='{choice_id}']").click()
            if step < len(path):
                expect(
                    section.locator(f"input[name='step'][value='{step}']").first
                ).to_be_attached()
            if javascript:
                expect(page.locator(f"#item-{item.id}-now")).to_be_focused()
                assert_not_navigated(page)
        expect(section.locator(".ending--safe h3")).to_contain_text("A safe ending")
        return
    fill_in_right_answer(page, item)
    if javascript:
        mark_page(page)
    section.get_by_role("button", name="Check").click()
    feedback = page.locator(f"#item-{item.id}-feedback")
    expect(feedback).to_be_visible()
    verdict = feedback.locator(".feedback__verdict")
    expect(verdict).to_have_class(re.compile(r"feedback__verdict--right"))
    if isinstance(item, ChoiceItem):
        expect(verdict).to_have_text(RIGHT)
    elif isinstance(item, OrderItem):
        expect(verdict).to_have_text(RIGHT_ORDER)
    else:
        flags = len(item.flags())
        expect(verdict).to_have_text(f"You found {flags} of {flags} warning signs.")
    if javascript:
        assert_not_navigated(page)
        expect(feedback).to_be_focused()
        assert page.evaluate("() => document.activeElement.id") == f"item-{item.id}-feedback"
    else:
        assert urlsplit(page.url).fragment == f"item-{item.id}"


def take_lesson(
    page: Page,
    server: LiveServer,
    lesson: Lesson,
    age_band: str,
    *,
    every_question: bool = True,
    **kw: Any,
) -> None:
    """On a lesson page: go to its questions, answer each on its page and go on to the next,
    then from the quiz's summary press the button to the next lesson.

    With every_question=False only the first question is answered, then the learner goes
    straight to the summary, which reads "1 of n": for a walk through every lesson without
    answering the whole course again (each question is a page load: most of a journey's time).
    """
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    page.get_by_role("link", name="Continue to the questions").click()
    expect(page).to_have_url(f"{server.url}/lessons/{lesson.slug}/quiz")
    items = server.items(lesson, age_band)
    answered = 0
    for number, item in enumerate(items, start=1):
        expect(page.locator(f"#item-{item.id} .quiz-count")).to_have_text(
            f"Question {number} of {len(items)}"
        )
        answer_item(page, item, **kw)
        answered += 1
        if not every_question:
            page.goto(f"{server.url}/lessons/{lesson.slug}/quiz/summary")
            break
        onward = "Next question" if number < len(items) else "See how you did"
        page.locator(f"#item-{item.id}").get_by_role("link", name=onward).click()
    expect(page).to_have_url(f"{server.url}/lessons/{lesson.slug}/quiz/summary")
    expect(page.locator(".quiz-summary__score")).to_have_text(
        f"{answered} of {len(items)} right first time."
    )
    last = lesson == server.lessons(age_band)[-1]
    page.get_by_role("button", name="Finish the course" if last else "Next lesson").click()


def finish_journey(
    page: Page, server: LiveServer, age_band: str, *, every_question: bool = True, **kw: Any
) -> None:
    """From the first lesson to the completion page, answering every question right (or, with
    every_question=False, the first of each quiz: see take_lesson, and the course is then not
    finished, only reached the end of)."""
    for lesson in server.lessons(age_band):
        expect(page).to_have_url(f"{server.url}/lessons/{lesson.slug}")
        take_lesson(page, server, lesson, age_band, every_question=every_question, **kw)
    expect(page).to_have_url(f"{server.url}/complete")
    heading = "You have finished" if every_question else "You have reached the end of"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{heading} the course")


def focused_matches(page: Page, selector: str) -> bool:
    script = "(s) => !!document.activeElement && document.activeElement.matches(s)"
    return bool(page.evaluate(script, selector))


def tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector!r}")
