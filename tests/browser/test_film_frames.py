"""The film's layout as Chromium draws it: every frame draws nothing in the caption band, and
the player draws every shipped caption inside that band, at any size (layout.py, docs/FILM.md).

Both are measured in pixels: a picture with and without the thing measured, and the box where
they differ. The caption is the difference between the track showing and hidden; the frame's
drawing is the difference between the frame and its empty background.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, Route

from course.film.media import FILM_DIR
from course.film.production.captions import parse_vtt
from course.film.production.frames import frame_html
from course.film.production.layout import (
    CAPTION_BAND,
    CONTENT,
    CUE_FONT,
    CUE_SIZE,
    HEIGHT,
    WIDTH,
    Box,
)
from course.film.production.story import screens

pytestmark = pytest.mark.browser

ORIGIN = "http://film.test"
CAPTIONS = parse_vtt((FILM_DIR / "captions.en.vtt").read_text(encoding="utf-8"))
PLAYER = """<!doctype html><html lang="en"><title>Player</title>
<body style="margin:0;background:#fff">
<video id="film" width="{width}" height="{height}" muted style="display:block">
<track kind="captions" srclang="en" label="English" src="/captions.en.vtt" default></video>
</body></html>"""
# The box where two PNG images differ, found in the page: [left, top, right, bottom, w, h].
DIFFERENCE = """async ([first, second]) => {
  const load = (src) => new Promise((done) => { const i = new Image(); i.onload = () => done(i);
    i.src = "data:image/png;base64," + src; });
  const [a, b] = await Promise.all([load(first), load(second)]);
  const canvas = document.createElement("canvas");
  canvas.width = a.width; canvas.height = a.height;
  const g = canvas.getContext("2d", { willReadFrequently: true });
  g.drawImage(a, 0, 0); const p = g.getImageData(0, 0, a.width, a.height).data;
  g.clearRect(0, 0, a.width, a.height);
  g.drawImage(b, 0, 0); const q = g.getImageData(0, 0, a.width, a.height).data;
  let left = Infinity, top = Infinity, right = -1, bottom = -1;
  for (let i = 0; i < p.length; i += 4) {
    const change = Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1])
      + Math.abs(p[i + 2] - q[i + 2]);
    if (change > 24) {
      const x = (i / 4) % a.width, y = Math.floor(i / 4 / a.width);
      left = Math.min(left, x); right = Math.max(right, x + 1);
      top = Math.min(top, y); bottom = Math.max(bottom, y + 1);
    }
  }
  return right < 0 ? null : [left, top, right, bottom, a.width, a.height];
}"""


def difference(page: Page, first: bytes, second: bytes) -> Box | None:
    """Where two screenshots differ, in frame pixels (scaled from the screenshots' size)."""
    pictures = [base64.b64encode(shot).decode() for shot in (first, second)]
    found = page.evaluate(DIFFERENCE, pictures)
    if found is None:
        return None
    left, top, right, bottom, width, height = found
    x, y = WIDTH / width, HEIGHT / height
    return Box(left * x, top * y, (right - left) * x, (bottom - top) * y)


@pytest.fixture
def frame_page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    yield page
    page.close()


def test_every_frame_draws_only_in_the_content_area(frame_page: Page) -> None:
    for number, screen in enumerate(screens()):
        frame_page.set_content(frame_html(screen), wait_until="load")
        drawn = frame_page.screenshot(animations="disabled")
        frame_page.evaluate("() => document.querySelector('.stage').replaceChildren()")
        empty = frame_page.screenshot(animations="disabled")
        box = difference(frame_page, drawn, empty)
        assert box is not None, f"frame {number} draws nothing: {screen.said}"
        assert CONTENT.contains(box), f"frame {number} draws at {box}: {screen.said}"
        assert not box.overlaps(CAPTION_BAND), f"frame {number}: {screen.said}"


def serve_film(context: BrowserContext, width: int, height: int) -> None:
    """The film's files and a bare player page, from a made-up origin (no server needed)."""

    def fulfil(route: Route) -> None:
        name = route.request.url.removeprefix(ORIGIN + "/")
        if name == "player":
            route.fulfill(body=PLAYER.format(width=width, height=height), content_type="text/html")
            return
        path = FILM_DIR / name
        route.fulfill(body=path.read_bytes(), content_type=mimetypes.guess_type(path.name)[0])

    context.route(f"{ORIGIN}/**", fulfil)


def show_cue(page: Page, time: float, mode: str) -> bytes:
    page.evaluate(
        """async ([time, mode]) => {
            const video = document.getElementById("film");
            video.textTracks[0].mode = mode;
            if (Math.abs(video.currentTime - time) > 0.001) {
                await new Promise((done) => {
                    video.addEventListener("seeked", done, { once: true });
                    video.currentTime = time;
                });
            }
            await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        }""",
        [time, mode],
    )
    page.wait_for_timeout(150)  # the cue's box is laid out after the frame that shows it
    return page.locator("#film").screenshot(animations="disabled")


@pytest.mark.parametrize(("width", "height"), [(640, 360), (1280, 720)])
def test_the_player_draws_every_caption_inside_the_caption_band(
    context: BrowserContext, width: int, height: int
) -> None:
    serve_film(context, width, height)
    page = context.new_page()
    page.set_viewport_size({"width": width + 40, "height": height + 40})
    page.goto(f"{ORIGIN}/player")
    # A blob: URL, so the video can seek without a server that answers range requests.
    page.evaluate(
        """async () => {
            const video = document.getElementById("film");
            const film = await (await fetch("/film.webm")).blob();
            video.src = URL.createObjectURL(film);
            await new Promise((done) => video.addEventListener("loadeddata", done, { once: true }));
        }"""
    )
    page.wait_for_function("() => document.getElementById('film').textTracks[0].cues?.length > 0")
    cues = CAPTIONS if width == 640 else sorted(CAPTIONS, key=lambda cue: -len(cue.text))[:3]
    line = CUE_FONT  # a line of text is taller than its font
    for cue in cues:
        middle = round((cue.start + cue.end) / 2, 2)
        showing = show_cue(page, middle, "showing")
        hidden = show_cue(page, middle, "hidden")
        box = difference(page, showing, hidden)
        assert box is not None, f"no caption drawn at {middle} s: {cue.text}"
        assert CAPTION_BAND.contains(box, slack=1), (cue.text, box)
        assert not box.overlaps(CONTENT), (cue.text, box)
        # Shown whole: a caption too long for one line wraps onto more, and is not cut off at
        # the edge of its box (which a one-line box as wide as the cue box would mean).
        assert box.width < CUE_SIZE / 100 * WIDTH - 2 or box.height > 1.5 * line, (cue.text, box)
