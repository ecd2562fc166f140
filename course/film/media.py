"""The self-hosted film an operator ships under static/film/, described by its manifest.json.

To swap the film, replace the files in static/film/ and edit manifest.json: `sources` (WebM
and/or MP4, each with its MIME type), `captions` (WebVTT, required), `descriptions` (WebVTT text
descriptions, optional), `transcript` (Markdown), `poster` (an image), `title`, `summary` and
`duration` in seconds. `make film` rebuilds the default film and all of these from its story.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from course.settings import REPO_ROOT
from course.web import STATIC_PATH

STATIC_DIR = REPO_ROOT / "static"
FILM_DIR = STATIC_DIR / "film"
SCRIPT = "js/film.js"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


class FilmError(ValueError):
    """The film's manifest names a file that is missing, or leaves out what a film needs."""


@dataclass(frozen=True)
class Source:
    """One encoding of the film, and the MIME type the browser chooses by."""

    url: str
    type: str


@dataclass(frozen=True)
class Film:
    """The self-hosted film, with versioned URLs for its files, ready for the template."""

    title: str
    summary: str
    duration: float
    width: int
    height: int
    sources: tuple[Source, ...]
    captions_url: str
    descriptions_url: str | None
    poster_url: str
    transcript_url: str
    transcript_html: str
    narration_describes_everything: bool
    script_url: str

    @property
    def length(self) -> str:
        """How long it runs, in words: "1 minute 52 seconds"."""
        minutes, secs = divmod(round(self.duration), 60)
        parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes else []
        parts += [f"{secs} second{'s' if secs != 1 else ''}"] if secs else []
        return " ".join(parts)

    @property
    def download_url(self) -> str:
        """The MP4 if there is one (it plays nearly everywhere), else the first source."""
        mp4 = [source.url for source in self.sources if source.type.startswith("video/mp4")]
        return (mp4 or [self.sources[0].url])[0]


def versioned_url(prefix: str, name: str, path: Path) -> str:
    """A file's URL with a content hash, as the app's static_url() makes it (cached a year)."""
    version = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"{prefix}{name}?v={version}"


def load_film(folder: Path = FILM_DIR, prefix: str = f"{STATIC_PATH}/film/") -> Film | None:
    """The film described by folder/manifest.json (served at prefix); None without a manifest."""
    manifest_file = folder / "manifest.json"
    if not manifest_file.is_file():
        return None
    manifest: dict[str, Any] = json.loads(manifest_file.read_text(encoding="utf-8"))

    def url(name: object) -> str:
        path = (folder / str(name)).resolve()
        if not isinstance(name, str) or folder.resolve() not in path.parents or not path.is_file():
            raise FilmError(f"{manifest_file}: the film's file {name!r} is not in {folder}")
        return versioned_url(prefix, name, path)

    sources = tuple(
        Source(url(source["src"]), str(source["type"])) for source in manifest.get("sources", ())
    )
    if not sources or not manifest.get("captions"):
        raise FilmError(f"{manifest_file}: a film needs at least one source and its captions")
    transcript = str(manifest["transcript"])
    descriptions = manifest.get("descriptions")
    return Film(
        title=str(manifest["title"]),
        summary=str(manifest.get("summary", "")),
        duration=float(manifest["duration"]),
        width=int(manifest.get("width", 1280)),
        height=int(manifest.get("height", 720)),
        sources=sources,
        captions_url=url(manifest["captions"]),
        descriptions_url=url(descriptions) if descriptions else None,
        poster_url=url(manifest["poster"]),
        transcript_url=url(transcript),
        transcript_html=str(_markdown.render((folder / transcript).read_text(encoding="utf-8"))),
        narration_describes_everything=bool(manifest.get("narration_describes_everything")),
        script_url=versioned_url(f"{STATIC_PATH}/", SCRIPT, STATIC_DIR / SCRIPT),
    )


@cache
def shipped_film() -> Film | None:
    """The film in static/film/, read once per process."""
    return load_film(FILM_DIR)
