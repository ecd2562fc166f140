"""The film's parts: the external player's address, the page's CSP, WebVTT, the manifest, the
story, and the film block in lesson Markdown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from course.content.markdown import body_blocks, check_structure, render_body
from course.film.block import film_block_html
from course.film.external import external_player
from course.film.media import FILM_DIR, FilmError, load_film
from course.film.production.captions import Cue, format_vtt, parse_vtt, plain_words, timestamp
from course.film.production.story import STORY, screens, transcript_paragraphs
from course.security import CONTENT_SECURITY_POLICY, content_security_policy
from course.settings import Settings

YOUTUBE = "https://www.youtube-nocookie.com/embed/abcDEF12_-3"
VIMEO = "https://player.vimeo.com/video/123456789?dnt=1"


def test_youtube_in_privacy_enhanced_mode_is_accepted() -> None:
    player = external_player(YOUTUBE)
    assert player is not None
    assert player.origin == "https://www.youtube-nocookie.com"
    assert player.embed_url == YOUTUBE
    assert player.page_url == "https://www.youtube.com/watch?v=abcDEF12_-3"


def test_vimeo_with_do_not_track_is_accepted() -> None:
    player = external_player(VIMEO)
    assert player is not None
    assert (player.service, player.origin) == ("Vimeo", "https://player.vimeo.com")
    assert player.page_url == "https://vimeo.com/123456789"


def test_no_address_means_no_external_player() -> None:
    assert external_player("") is None
    assert Settings(film_external_url="").film_external_url == ""


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/embed/abcDEF12_-3",  # not privacy-enhanced
        "http://www.youtube-nocookie.com/embed/abcDEF12_-3",
        "https://www.youtube-nocookie.com/embed/abcDEF12_-3?autoplay=1",
        "https://www.youtube-nocookie.com/embed/short",
        "https://youtube-nocookie.com.evil.example/embed/abcDEF12_-3",
        "https://player.vimeo.com/video/123456789",  # no do-not-track
        "https://player.vimeo.com/video/123456789?dnt=1&autoplay=1",
        "https://vimeo.com/123456789",
        "javascript:alert(1)",
    ],
)
def test_other_addresses_are_refused_naming_the_accepted_forms(url: str) -> None:
    with pytest.raises(ValueError, match=r"youtube-nocookie\.com/embed"):
        external_player(url)
    with pytest.raises(ValidationError, match=r"player\.vimeo\.com"):
        Settings(film_external_url=url)


def test_the_film_csp_adds_only_the_one_frame_host() -> None:
    assert content_security_policy() == CONTENT_SECURITY_POLICY
    widened = content_security_policy(frame_src="https://www.youtube-nocookie.com")
    assert widened == CONTENT_SECURITY_POLICY + "; frame-src https://www.youtube-nocookie.com"
    for bad in ("*", "https://a.example https://b.example", "https://a.example; script-src *"):
        with pytest.raises(ValueError):
            content_security_policy(frame_src=bad)


def test_webvtt_round_trips() -> None:
    cues = [Cue(0.5, 2.25, "Hello."), Cue(61.0, 3725.125, 'She says: "hi".')]
    text = format_vtt(cues)
    assert text.startswith("WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.250\nHello.")
    assert parse_vtt(text) == cues
    assert timestamp(3725.125) == "01:02:05.125"


def test_webvtt_reader_ignores_notes_and_cue_settings() -> None:
    text = (
        "WEBVTT\n\nNOTE made by hand\n\nintro\n00:01.000 --> 00:02.500 line:80%\nHi <b>there</b>\n"
    )
    assert parse_vtt(text) == [Cue(1.0, 2.5, "Hi <b>there</b>")]
    assert plain_words("Hi <b>there</b>\n  it’s me") == "Hi there it's me"


def test_the_shipped_film_loads_with_versioned_urls() -> None:
    film = load_film(FILM_DIR)
    assert film is not None
    assert [source.type.split(";")[0] for source in film.sources] == ["video/webm", "video/mp4"]
    assert film.captions_url.startswith("/static/film/captions.en.vtt?v=")
    assert film.poster_url.startswith("/static/film/poster.jpg?v=")
    assert film.download_url.startswith("/static/film/film.mp4?v=")
    assert "<p>" in film.transcript_html
    assert film.length.endswith("seconds") or film.length.endswith("minutes")


def test_no_manifest_means_no_film(tmp_path: Path) -> None:
    assert load_film(tmp_path) is None


def copy_film(tmp_path: Path, **changes: object) -> Path:
    folder = tmp_path / "film"
    shutil.copytree(FILM_DIR, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, **changes}))
    return folder


@pytest.mark.parametrize("poster", ["missing.jpg", "../../course/settings.py"])
def test_a_manifest_naming_a_missing_or_outside_file_is_an_error(
    tmp_path: Path, poster: str
) -> None:
    folder = copy_film(tmp_path, poster=poster)
    with pytest.raises(FilmError, match="is not in"):
        load_film(folder)


def test_a_film_without_captions_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FilmError, match="captions"):
        load_film(copy_film(tmp_path, captions=""))


def test_the_story_narrates_every_change_on_screen() -> None:
    shown = list(screens())
    assert len(shown) == len(STORY)
    for beat, before, after in zip(STORY[1:], shown[:-1], shown[1:], strict=True):
        if before != after:
            assert beat.describe, f"the screen changes, but nothing describes it: {beat.say}"


def test_the_story_follows_the_scenario_and_ends_with_the_steps_and_help() -> None:
    words = " ".join(transcript_paragraphs()).lower()
    order = ["follow request", "switch apps", "video call", "recording", "pay £300"]
    positions = [words.index(phrase) for phrase in order]
    assert positions == sorted(positions)
    for step in ("don't panic", "don't pay", "block", "evidence", "report", "trust", "fault"):
        assert step in words[positions[-1] :], step
    assert "childline" in words and "999" in words


def test_the_story_stays_age_appropriate() -> None:
    words = " ".join(transcript_paragraphs()).lower()
    for word in ("nude", "naked", "sex", "suicide", "kill"):
        assert word not in words


def test_a_film_block_renders_the_self_hosted_film_without_any_frame(app: FastAPI) -> None:
    film_html = film_block_html(app.state.templates)
    html = render_body("Before.\n\n```film\n```\n\nAfter.\n", "11-13", film_html=film_html)
    assert "<video" in html and "controls" in html and "autoplay" not in html
    assert 'kind="captions"' in html and " default>" in html
    assert "<iframe" not in html and "data-film-embed" not in html
    assert 'href="#film-end"' in html
    assert html.index("Before.") < html.index("<video") < html.index("After.")


def test_a_film_block_must_be_empty_and_appear_once() -> None:
    text = "```film\n```\n\n```film\nsome words\n```\n"
    problems = check_structure(list(body_blocks(text)))
    messages = [message for _, message in problems]
    assert any("holds no text" in message for message in messages)
    assert any("only once" in message for message in messages)
    assert [line for line, _ in problems] == [4, 4]
    assert check_structure(list(body_blocks("```film\n```\n"))) == []
