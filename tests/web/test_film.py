"""The film over HTTP: the page, its CSP, the film block in a lesson, and the two counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from course.app import create_app
from course.db import read_session
from course.film.events import film_event_counts
from course.security.headers import CONTENT_SECURITY_POLICY
from course.settings import Settings
from tests.pages import csrf_token, start_learner

YOUTUBE = "https://www.youtube-nocookie.com/embed/abcDEF12_-3"
VIMEO = "https://player.vimeo.com/video/123456789?dnt=1"


def client_for(settings: Settings, external_url: str) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"film_external_url": external_url}))
    with TestClient(app, follow_redirects=False) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def youtube_client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app whose operator configured a YouTube player as well."""
    yield from client_for(settings, YOUTUBE)


def film_rows(app: FastAPI) -> list[dict[str, object]]:
    with app.state.engine.connect() as connection:
        query = text("SELECT learner_id, event, recorded_on FROM film_event ORDER BY event")
        return [dict(row) for row in connection.execute(query).mappings()]


def post_event(client: TestClient, event: str) -> int:
    token = csrf_token(client, "/start")
    return client.post(f"/film/events/{event}", headers={"X-CSRF-Token": token}).status_code


def test_film_page_has_a_note_a_native_player_with_captions_and_prompts(
    client: TestClient,
) -> None:
    page = client.get("/film")
    assert page.status_code == 200
    html = page.text
    assert "<html" in html
    assert "Before you watch" in html and 'href="#film-end"' in html
    assert "<video" in html and " controls " in html and 'preload="none"' in html
    assert "autoplay" not in html
    assert '<track kind="captions" srclang="en" label="English"' in html
    assert html.count(" default>") == 1
    assert 'kind="descriptions"' in html
    assert 'poster="/static/film/poster.webp?v=' in html
    assert (
        html.index("<video") < html.index("<summary>Read the transcript") < html.index("Talk about")
    )
    assert "Jess" in html  # the transcript is on the page, not only in a file
    assert html.index("Before you watch") < html.index("<video")


def test_film_page_without_an_external_player_keeps_the_sites_csp(client: TestClient) -> None:
    page = client.get("/film")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "<iframe" not in page.text and "data-film-embed" not in page.text
    assert page.headers["cache-control"] == "no-store"


def test_film_page_with_youtube_frames_only_youtube_nocookie_and_only_there(
    youtube_client: TestClient,
) -> None:
    page = youtube_client.get("/film")
    csp = page.headers["content-security-policy"]
    assert csp == f"{CONTENT_SECURITY_POLICY}; frame-src https://www.youtube-nocookie.com"
    for path in ("/", "/help", "/start"):
        assert "frame-src" not in youtube_client.get(path).headers["content-security-policy"]


def test_film_page_with_youtube_shows_a_facade_not_a_frame(youtube_client: TestClient) -> None:
    html = youtube_client.get("/film").text
    assert "<iframe" not in html  # the player loads only after a click
    assert f'data-film-embed="{YOUTUBE}"' in html
    assert 'href="https://www.youtube.com/watch?v=abcDEF12_-3"' in html  # the link without JS
    assert "Play on YouTube — this loads a video from YouTube, which may set cookies" in html
    assert 'class="film-facade__poster" src="/static/film/poster.webp?v=' in html
    assert "ytimg" not in html


def test_film_page_with_vimeo_frames_only_the_vimeo_player(settings: Settings) -> None:
    for client in client_for(settings, VIMEO):
        page = client.get("/film")
        assert page.headers["content-security-policy"].endswith(
            "frame-src https://player.vimeo.com"
        )
        assert "Play on Vimeo" in page.text


def test_film_page_for_htmx_is_the_fragment(youtube_client: TestClient) -> None:
    fragment = youtube_client.get("/film", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<video" in fragment.text
    boosted = youtube_client.get("/film", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text


@pytest.mark.parametrize("age_band", ["11-13", "14-18", "adult"])
def test_lesson_shows_the_film_block_self_hosted_only(
    youtube_client: TestClient, age_band: str
) -> None:
    start_learner(youtube_client, age_band)
    page = youtube_client.get("/lessons/what-is-sextortion")
    assert page.status_code == 200
    assert "<video" in page.text and '<track kind="captions"' in page.text
    assert "data-film-embed" not in page.text and "<iframe" not in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert page.text.index("<video") < page.text.index("Talk about the film")


def test_starting_and_finishing_are_counted_once_per_learner(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    for _ in range(2):  # a replay, a double click, a retry
        assert post_event(client, "started") == 204
    assert post_event(client, "finished") == 204
    rows = film_rows(app)
    assert [row["event"] for row in rows] == ["finished", "started"]
    assert len({row["learner_id"] for row in rows}) == 1
    assert all(
        str(row["recorded_on"]) == dt.datetime.now(dt.UTC).date().isoformat() for row in rows
    )
    with read_session(app.state.engine) as session:
        assert film_event_counts(session=session) == {"started": 1, "finished": 1}


def test_counts_are_per_learner_and_can_be_limited_to_some(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    post_event(client, "started")
    with TestClient(app, follow_redirects=False) as other:
        start_learner(other)
        post_event(other, "started")
        post_event(other, "finished")
    rows = film_rows(app)
    finished = {row["learner_id"] for row in rows if row["event"] == "finished"}
    first = next(row["learner_id"] for row in rows if row["learner_id"] not in finished)
    with read_session(app.state.engine) as session:
        assert film_event_counts(session=session) == {"started": 2, "finished": 1}
        counts = film_event_counts([int(str(first))], session=session)
        assert counts == {"started": 1, "finished": 0}
        assert film_event_counts([], session=session) == {"started": 0, "finished": 0}


def test_without_a_learner_nothing_is_stored(client: TestClient, app: FastAPI) -> None:
    assert post_event(client, "started") == 204
    assert film_rows(app) == []


def test_an_unknown_event_is_not_found(client: TestClient) -> None:
    start_learner(client)
    assert post_event(client, "paused") == 404


def test_counting_needs_the_csrf_token(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    assert client.post("/film/events/started").status_code == 403
    assert film_rows(app) == []


def test_deleting_a_learner_deletes_their_film_counts(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    post_event(client, "started")
    with app.state.engine.begin() as connection:
        connection.execute(text("DELETE FROM learner"))
    assert film_rows(app) == []
