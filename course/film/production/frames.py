"""The film's pictures: each beat's screen drawn from frame.html in Chromium, at the frame's size.

The layout (layout.py) is handed to the template, so the content box the tests check is the box
frame.html draws in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, select_autoescape

from course.film.production.layout import CONTENT, HEIGHT, WIDTH
from course.film.production.scenes import Screen
from course.film.production.story import CLOSING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
]

_template = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    autoescape=select_autoescape(default=True, default_for_string=True),
).get_template("frame.html")


def frame_html(screen: Screen) -> str:
    """The HTML page of one frame."""
    return _template.render(
        screen=screen, width=WIDTH, height=HEIGHT, content=CONTENT, closing=CLOSING
    )


def launch_options() -> dict[str, object]:
    """Playwright's launch options: Debian's Chromium where there is one, with the film's flags."""
    launch: dict[str, object] = {"args": CHROMIUM_ARGS}
    if CHROMIUM.exists():
        launch["executable_path"] = str(CHROMIUM)
    return launch


def draw(page: Page, shown: Iterable[Screen]) -> Iterator[bytes]:
    """Each screen as a PNG image, drawn in `page` (a frame-sized page at scale 1)."""
    for screen in shown:
        page.set_content(frame_html(screen), wait_until="load")
        yield page.screenshot(animations="disabled")


def render_frames(shown: Iterable[Screen], folder: Path) -> list[Path]:
    """Draw each screen in Chromium into folder/frame-NNN.png; return the files."""
    from playwright.sync_api import sync_playwright  # a dev dependency, needed only to build

    frames = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())  # type: ignore[arg-type]
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
        for number, png in enumerate(draw(page, shown)):
            path = folder / f"frame-{number:03d}.png"
            path.write_bytes(png)
            frames.append(path)
        browser.close()
    return frames
