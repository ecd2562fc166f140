"""Driving the course in a real browser: the live server, request logs, axe-core, the journey."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Page, Request, Route, expect

from course.content.schema import Catalogue, Item, Lesson

VENDOR = Path(__file__).parent / "vendor"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NEUTRAL_PAGE = "<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"
RIGHT = "That’s right."

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


def exit_pattern(server: LiveServer) -> str:
    """A route glob for the quick exit's destination site."""
    parts = urlsplit(server.exit_url)
    return f"{parts.scheme}://{parts.netloc}/**"


def serve_neutral_site(context: BrowserContext, server: LiveServer) -> None:
    """Answer the quick exit's destination with a tiny page (this machine has no internet)."""

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)

    context.route(exit_pattern(server), fulfil)


def stall_neutral_site(context: BrowserContext, server: LiveServer) -> list[Route]:
    """Never answer the exit destination, so the page stays up behind the exit overlay.

    Returns the stalled routes; abort them when done.
    """
    stalled: list[Route] = []
    context.route(exit_pattern(server), stalled.append)
    return stalled


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


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def correct_options(item: Item) -> list[str]:
    return [option.id for option in item.options if option.correct]


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


def choose_correct(page: Page, item: Item) -> None:
    for option_id in correct_options(item):
        page.locator(f"#item-{item.id}-{option_id}").check()


def answer_item(page: Page, item: Item, *, javascript: bool) -> None:
    """Choose the right options, press Check, and see the feedback (swapped in with JS)."""
    section = page.locator(f"#item-{item.id}")
    choose_correct(page, item)
    if javascript:
        page.evaluate("() => { window.__marker = 'still here'; }")
    section.get_by_role("button", name="Check").click()
    feedback = page.locator(f"#item-{item.id}-feedback")
    expect(feedback).to_be_visible()
    expect(feedback.locator(".feedback__verdict")).to_have_text(RIGHT)
    if javascript:
        # htmx swapped just this item: the page did not navigate, and focus moved to feedback.
        assert page.evaluate("() => window.__marker") == "still here"
        expect(feedback).to_be_focused()
        assert page.evaluate("() => document.activeElement.id") == f"item-{item.id}-feedback"
    else:
        assert urlsplit(page.url).fragment == f"item-{item.id}"


def take_lesson(page: Page, server: LiveServer, lesson: Lesson, age_band: str, **kw: Any) -> None:
    """On a lesson page: go to its questions, answer them all, and press the button at the end."""
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    page.get_by_role("link", name="Continue to the questions").click()
    expect(page).to_have_url(f"{server.url}/lessons/{lesson.slug}/quiz")
    for item in server.items(lesson, age_band):
        answer_item(page, item, **kw)
    last = lesson == server.lessons(age_band)[-1]
    page.get_by_role("button", name="Finish the course" if last else "Next lesson").click()


def finish_journey(page: Page, server: LiveServer, age_band: str, **kw: Any) -> None:
    """From the first lesson to the completion page, answering every question right."""
    for lesson in server.lessons(age_band):
        expect(page).to_have_url(f"{server.url}/lessons/{lesson.slug}")
        take_lesson(page, server, lesson, age_band, **kw)
    expect(page).to_have_url(f"{server.url}/complete")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have finished the course")


def focused_matches(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)
    )


def tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector!r}")


QUIZ_URL = re.compile(r"/lessons/[^/]+/quiz$")
