"""The external player (course/film/external.py): YouTube in privacy-enhanced mode or Vimeo
with do-not-track, and every other address refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from course.film.external import external_player
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
