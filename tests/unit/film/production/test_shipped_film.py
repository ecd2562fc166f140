"""The shipped film's captions, descriptions and transcript: whole, in step, and from the story."""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import shutil
import subprocess

import pytest
from markdown_it import MarkdownIt

from course.film.media import FILM_DIR
from course.film.production.captions import Cue, parse_vtt, plain_words
from course.film.production.story import STORY, transcript_markdown

MANIFEST = json.loads((FILM_DIR / "manifest.json").read_text(encoding="utf-8"))
DURATION = float(MANIFEST["duration"])
LONGEST_GAP = 5.0
PROBE = ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"]


def cues(name: str) -> list[Cue]:
    return parse_vtt((FILM_DIR / MANIFEST[name]).read_text(encoding="utf-8"))


def transcript_text() -> str:
    rendered = MarkdownIt("commonmark").render((FILM_DIR / MANIFEST["transcript"]).read_text())
    return plain_words(html.unescape(re.sub(r"<[^>]+>", " ", rendered)))


def test_the_film_runs_one_to_two_minutes() -> None:
    assert 60 <= DURATION <= 120


@pytest.mark.parametrize("track", ["captions", "descriptions"])
def test_every_cue_is_inside_the_film(track: str) -> None:
    found = cues(track)
    assert found
    for cue in found:
        assert 0 <= cue.start < cue.end <= DURATION, cue


@pytest.mark.parametrize("track", ["captions", "descriptions"])
def test_cues_are_in_order_and_never_overlap(track: str) -> None:
    found = cues(track)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start, (before, after)


def test_no_gap_over_five_seconds_while_the_film_has_words() -> None:
    found = cues("captions")
    gaps = [after.start - before.end for before, after in itertools.pairwise(found)]
    assert max(gaps) <= LONGEST_GAP
    # Nor a long wait before the first caption, or a long silent end.
    assert found[0].start <= LONGEST_GAP
    assert DURATION - found[-1].end <= LONGEST_GAP


def test_captions_say_exactly_what_the_transcript_says() -> None:
    captions = plain_words(" ".join(cue.text for cue in cues("captions")))
    assert captions == transcript_text()


def test_shipped_files_are_built_from_the_story() -> None:
    # Edit course/film/production/story.py, then run `make film`: the committed files must follow.
    assert [cue.text for cue in cues("captions")] == [beat.say for beat in STORY]
    assert (FILM_DIR / MANIFEST["transcript"]).read_text() == transcript_markdown()
    described = [beat.describe for beat in STORY if beat.describe]
    assert [cue.text for cue in cues("descriptions")] == described


def test_each_caption_is_short_enough_to_read() -> None:
    for cue in cues("captions"):
        assert len(cue.text) <= 90, cue.text
        assert cue.end - cue.start >= 1.5, cue


def test_every_file_is_at_most_five_megabytes_and_present() -> None:
    names = [source["src"] for source in MANIFEST["sources"]]
    names += [MANIFEST[key] for key in ("captions", "descriptions", "transcript", "poster")]
    for name in names:
        assert (FILM_DIR / name).stat().st_size <= 5 * 1024 * 1024, name
    assert {source["src"].rsplit(".", 1)[1] for source in MANIFEST["sources"]} == {"webm", "mp4"}


@pytest.mark.skipif(
    shutil.which("ffprobe") is None and not os.environ.get("CI"),
    reason="needs ffprobe (apt-get install ffmpeg); CI installs it, so it never skips there",
)
@pytest.mark.parametrize("source", [source["src"] for source in MANIFEST["sources"]])
def test_the_video_files_last_as_long_as_the_manifest_says(source: str) -> None:
    probe = subprocess.run(
        [*PROBE, str(FILM_DIR / source)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert abs(float(probe.stdout) - DURATION) <= 0.25


def test_the_poster_stays_within_the_lesson_page_budget() -> None:
    # It loads with every lesson page that shows the film, and a lesson page has 60 kB.
    assert (FILM_DIR / MANIFEST["poster"]).stat().st_size <= 8000


def test_the_manifest_records_the_voice_and_the_tools_that_built_it() -> None:
    assert "cmu_us_slt_arctic_hts" in MANIFEST["voice"]
    assert set(MANIFEST["tool_versions"]) >= {"festival", "festvox-us-slt-hts", "ffmpeg"}
