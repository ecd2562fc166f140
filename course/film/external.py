"""The optional external player: YouTube in privacy-enhanced mode, or Vimeo with do-not-track.

Only two address forms are accepted, so the film page's CSP can allow exactly one frame host:
https://www.youtube-nocookie.com/embed/<id> and https://player.vimeo.com/video/<id>?dnt=1.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.settings import PLAYER_FORMS, VIMEO_PLAYER, YOUTUBE_PLAYER


@dataclass(frozen=True)
class ExternalPlayer:
    """Where the facade loads the player from, and where its plain link goes without JS."""

    service: str  # "YouTube" or "Vimeo"
    embed_url: str  # the iframe's src, loaded only after a click
    page_url: str  # the video's own page, for browsers without JavaScript
    origin: str  # the one host the film page's CSP lets it frame


def external_player(url: str) -> ExternalPlayer | None:
    """The player for a configured address; None when unset; ValueError for any other form."""
    url = url.strip()
    if not url:
        return None
    if match := YOUTUBE_PLAYER.match(url):
        return ExternalPlayer(
            service="YouTube",
            embed_url=url,
            page_url=f"https://www.youtube.com/watch?v={match.group(1)}",
            origin="https://www.youtube-nocookie.com",
        )
    if match := VIMEO_PLAYER.match(url):
        return ExternalPlayer(
            service="Vimeo",
            embed_url=url,
            page_url=f"https://vimeo.com/{match.group(1)}",
            origin="https://player.vimeo.com",
        )
    raise ValueError(f"the film's external address must be {PLAYER_FORMS}, not {url!r}")
