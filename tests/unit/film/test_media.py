"""The self-hosted film (course/film/media.py): the shipped manifest loads with versioned URLs,
and a manifest naming a missing file, or no captions, is an error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from course.film.media import FILM_DIR, FilmError, load_film


def test_the_shipped_film_loads_with_versioned_urls() -> None:
    film = load_film(FILM_DIR)
    assert film is not None
    assert [source.type.split(";")[0] for source in film.sources] == ["video/webm", "video/mp4"]
    assert film.captions_url.startswith("/static/film/captions.en.vtt?v=")
    assert film.poster_url.startswith("/static/film/poster.webp?v=")
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
