"""The film in Chromium: nothing leaves the site before the click, the facade loads the
privacy-enhanced player after it, the self-hosted film plays with captions on, axe finds nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import text

from course.app import create_app
from course.settings import Settings
from tests.browser.helpers import LiveServer, record_requests, serve, start_course

pytestmark = pytest.mark.browser

YOUTUBE = "https://www.youtube-nocookie.com/embed/abcDEF12_-3"
PLAYER_PAGE = "<!doctype html><html lang='en'><title>Player</title><p>The player</p></html>"
AssertAccessible = Callable[[Page, str], None]


@pytest.fixture
def film_app(settings: Settings) -> Iterator[FastAPI]:
    """The app, with an external YouTube player configured as well as the self-hosted film."""
    app = create_app(settings.model_copy(update={"film_external_url": YOUTUBE}))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def film_server(film_app: FastAPI) -> Iterator[LiveServer]:
    with serve(film_app) as server:
        yield server


def serve_player(context: BrowserContext) -> list[dict[str, str]]:
    """Answer the privacy-enhanced host with a tiny page (no internet here); log its requests."""
    requests: list[dict[str, str]] = []

    def fulfil(route: Route) -> None:
        requests.append({"url": route.request.url, **route.request.headers})
        route.fulfill(status=200, content_type="text/html", body=PLAYER_PAGE)

    context.route("https://www.youtube-nocookie.com/**", fulfil)
    return requests


def test_the_facade_loads_the_privacy_enhanced_player_only_after_a_click(
    context: BrowserContext, film_server: LiveServer, assert_accessible: AssertAccessible
) -> None:
    player_requests = serve_player(context)
    log = record_requests(context)
    page = context.new_page()
    page.goto(f"{film_server.url}/film", wait_until="networkidle")

    assert log.foreign(film_server.netloc) == []
    assert page.locator("iframe").count() == 0
    assert_accessible(page, "the film page before the click")

    page.get_by_role("link", name=re.compile(r"^Play on YouTube")).click()
    frame = page.locator("iframe.film-frame")
    expect(frame).to_have_attribute("src", YOUTUBE)
    expect(frame).to_have_attribute("referrerpolicy", "strict-origin-when-cross-origin")
    expect(frame).to_have_attribute("title", re.compile("YouTube player"))
    expect(page.frame_locator("iframe.film-frame").locator("p")).to_have_text("The player")
    expect(page).to_have_url(f"{film_server.url}/film")  # loaded in place, not navigated away

    assert [request["url"] for request in player_requests] == [YOUTUBE]
    # The player gets the site's origin as referrer (YouTube's Error 153 otherwise), no path.
    assert player_requests[0]["referer"] == f"{film_server.url}/"
    assert {urlsplit(url).netloc for url in log.foreign(film_server.netloc)} == {
        "www.youtube-nocookie.com"
    }
    assert_accessible(page, "the film page after the click")


def test_without_javascript_the_facade_is_a_plain_link(
    no_js_context: BrowserContext, film_server: LiveServer
) -> None:
    log = record_requests(no_js_context)
    page = no_js_context.new_page()
    page.goto(f"{film_server.url}/film", wait_until="networkidle")
    link = page.get_by_role("link", name=re.compile(r"^Play on YouTube"))
    expect(link).to_have_attribute("href", "https://www.youtube.com/watch?v=abcDEF12_-3")
    expect(page.locator("video[controls]")).to_be_visible()
    assert log.foreign(film_server.netloc) == []


def film_events(app: FastAPI) -> list[str]:
    with app.state.engine.connect() as connection:
        rows = connection.execute(text("SELECT event FROM film_event ORDER BY event"))
        return [row[0] for row in rows]


def test_the_self_hosted_film_plays_with_captions_on_and_counts_a_start(
    context: BrowserContext, film_server: LiveServer, film_app: FastAPI
) -> None:
    log = record_requests(context)
    page = context.new_page()
    start_course(page, film_server, "14-18")  # an anonymous learner, so the start is counted
    page.goto(f"{film_server.url}/film")
    page.evaluate(
        """async () => {
            const video = document.querySelector("video[data-film-video]");
            video.muted = true;  // headless Chromium plays muted video without a gesture
            await video.play();
        }"""
    )
    page.wait_for_function(
        """() => {
            const video = document.querySelector("video[data-film-video]");
            const captions = video.textTracks[0];
            return video.currentTime > 1.5 && captions.activeCues && captions.activeCues.length > 0;
        }""",
        timeout=15_000,
    )
    state = page.evaluate(
        """() => {
            const video = document.querySelector("video[data-film-video]");
            return {
                tracks: Array.from(video.textTracks, (track) => [track.kind, track.mode]),
                source: video.currentSrc,
                paused: video.paused,
                cue: video.textTracks[0].activeCues[0].text,
            };
        }"""
    )
    assert state["tracks"][0] == ["captions", "showing"]
    assert not state["paused"]
    assert "/static/film/film." in state["source"]
    assert state["cue"]
    assert log.foreign(film_server.netloc) == []

    deadline = time.monotonic() + 5
    while film_events(film_app) != ["started"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert film_events(film_app) == ["started"]


def test_a_lesson_with_the_film_block_is_accessible_and_plays_nothing_by_itself(
    context: BrowserContext, film_server: LiveServer, assert_accessible: AssertAccessible
) -> None:
    log = record_requests(context)
    page = context.new_page()
    start_course(page, film_server, "11-13")
    page.goto(f"{film_server.url}/lessons/what-is-sextortion", wait_until="networkidle")
    video = page.locator("video[data-film-video]")
    expect(video).to_be_visible()
    assert page.evaluate("() => document.querySelector('video[data-film-video]').paused")
    assert page.locator("iframe, [data-film-embed]").count() == 0
    page.get_by_role("link", name="Skip the film").click()
    expect(page.locator("#film-end")).to_be_focused()
    assert_accessible(page, "a lesson with the film")
    assert log.foreign(film_server.netloc) == []
