"""The README's screenshots: a lesson and an answered quiz question, on a phone and a desktop.

Run it with `make screenshots` or `.venv/bin/python -m tests.perf.screenshots`. It serves the app
(`course serve`, a fresh SQLite file) on 127.0.0.1, starts as a 14-18 learner in Debian's
Chromium (Playwright), and saves docs/screenshots/lesson-phone.png, lesson-desktop.png,
quiz-phone.png and quiz-desktop.png: the first screen of the first lesson, and the first choice
question of its quiz (skipping other kinds) answered with its first option, feedback showing.
It prints each file's size and exits 1 if a step fails. This is a script, not a pytest test.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from course.film.production.build import CHROMIUM, CHROMIUM_ARGS
from tests.perf.bench import (
    AGE_BAND,
    HOST,
    BenchError,
    Server,
    course_env,
    migrate,
    raise_on_sigterm,
    serve_course,
    stop,
    wait_until_up,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT = REPO_ROOT / "docs" / "screenshots"
CHOICE_ITEM = ".quiz-item--choice"
MOST_SKIPS = 20  # more questions than any quiz has
TIMEOUT_MS = 15_000
SCROLL_TO_TOP = """el => {
  el.scrollIntoView({block: "start"});
  const header = document.querySelector(".site-header"), above = el.previousElementSibling;
  if (!header || !above) { return; }
  const bottom = header.getBoundingClientRect().bottom;
  const cut = above.getBoundingClientRect().bottom - bottom;
  if (cut > 0 && cut < el.getBoundingClientRect().top - bottom) { window.scrollBy(0, cut); }
}"""


@dataclass(frozen=True)
class Device:
    """A viewport to take both screenshots in."""

    name: str
    width: int
    height: int
    phone: bool


DEVICES = (Device("phone", 390, 844, phone=True), Device("desktop", 1280, 800, phone=False))


def new_page(browser: Browser, device: Device) -> Page:
    """A fresh context (so a fresh learner) with the device's viewport, touch on a phone."""
    context = browser.new_context(
        viewport={"width": device.width, "height": device.height},
        device_scale_factor=1,
        is_mobile=device.phone,
        has_touch=device.phone,
        reduced_motion="reduce",
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def start(page: Page, base: str) -> str:
    """Choose the age band on /start as a learner would; return the lesson's URL."""
    page.goto(f"{base}/start")
    page.check(f"input[name=age_band][value='{AGE_BAND}']")
    page.locator("form:has(input[name=age_band]) button[type=submit]").click()
    page.wait_for_url("**/lessons/**")
    return page.url.split("#")[0].split("?")[0]


def shoot(page: Page, name: str) -> Path:
    """Save what the viewport shows, without focus rings or a blinking caret."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def answer_first_choice(page: Page, quiz_url: str) -> None:
    """Open the quiz, skip to its first choice question, answer its first option, show feedback."""
    page.goto(quiz_url)
    for _ in range(MOST_SKIPS):
        if page.locator(CHOICE_ITEM).count():
            break
        skip = page.get_by_role("link", name="Skip this question")
        if not skip.count():
            raise BenchError(f"no choice question in the quiz at {quiz_url}")
        skip.first.click()
        page.wait_for_load_state()
    else:
        raise BenchError(f"no choice question within {MOST_SKIPS} of {quiz_url}")
    item = page.locator(CHOICE_ITEM).first
    item.locator("input[name=choice]").first.check()
    item.get_by_role("button", name="Check").click()
    feedback = page.locator(f"{CHOICE_ITEM} .feedback").first
    feedback.wait_for()
    # The question at the top of the screen (scroll-padding keeps it below the sticky header),
    # its verdict and feedback below, and no half line of what comes before it.
    item.evaluate(SCROLL_TO_TOP)


def take_all(base: str) -> list[Path]:
    """Both screenshots on each device."""
    launch: dict[str, object] = {"args": CHROMIUM_ARGS}
    if CHROMIUM.exists():
        launch["executable_path"] = str(CHROMIUM)
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch)  # type: ignore[arg-type]
        try:
            for device in DEVICES:
                page = new_page(browser, device)
                lesson_url = start(page, base)
                page.wait_for_load_state("networkidle")
                taken.append(shoot(page, f"lesson-{device.name}"))
                answer_first_choice(page, f"{lesson_url}/quiz")
                taken.append(shoot(page, f"quiz-{device.name}"))
                page.context.close()
        finally:
            browser.close()
    return taken


def main() -> int:
    """Serve the app, take the screenshots, print their sizes; always stop the server."""
    raise_on_sigterm()
    OUT.mkdir(parents=True, exist_ok=True)
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="course-screenshots-") as tmp:
        try:
            env = course_env(Path(tmp))
            migrate(env)
            servers.append(serve_course(env, 1, Path(tmp)))
            wait_until_up(servers[0])
            for path in take_all(f"http://{HOST}:{servers[0].port}"):
                print(f"{path.relative_to(REPO_ROOT)}: {path.stat().st_size / 1000:.0f} kB")
            return 0
        except (BenchError, PlaywrightError) as error:
            print(f"FAIL {error}", file=sys.stderr)
            return 1
        finally:
            for server in servers:
                stop(server)


if __name__ == "__main__":
    sys.exit(main())
