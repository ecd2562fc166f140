"""Where the captions stand (course/film/production/layout.py): every shipped cue is placed in
the frame's caption band by its WebVTT settings, and no cue's box can reach the content area.

The box is worked out from each cue's own settings, as Chromium lays it out (layout.py's
docstring, docs/FILM.md): `line:-1`, so its last line is on the frame's last line and it grows
upwards; `size`% wide, centred on `position`%; lines of a font 5% of the frame's height. The
browser test tests/browser/test_film_frames.py measures the boxes Chromium really draws, and
checks that frame.html draws nothing in the band.
"""

from __future__ import annotations

import json

import pytest

from course.film.media import FILM_DIR
from course.film.production.captions import Cue, parse_vtt
from course.film.production.layout import (
    CAPTION_BAND,
    CONTENT,
    CUE_FONT,
    CUE_LINE_HEIGHT,
    CUE_MAX_LINES,
    CUE_SETTINGS,
    HEIGHT,
    WIDTH,
    Box,
    cue_box,
    parse_settings,
)

MANIFEST = json.loads((FILM_DIR / "manifest.json").read_text(encoding="utf-8"))
CAPTIONS = parse_vtt((FILM_DIR / MANIFEST["captions"]).read_text(encoding="utf-8"))
FRAME = Box(0, 0, WIDTH, HEIGHT)
WIDEST_LETTER = 0.6  # of the font size: wider than the average letter of any common sans-serif


def percent(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1]) / 100


def wrapped_lines(text: str, width: float) -> int:
    """How many lines the text takes at `width` pixels, if every letter were as wide as the
    widest common sans-serif's average letter (greedy wrapping at spaces, as browsers do)."""
    per_line = int(width // (WIDEST_LETTER * CUE_FONT))
    lines, used = 1, 0
    for word in text.split():
        needed = len(word) if used == 0 else used + 1 + len(word)
        if needed <= per_line or used == 0:
            used = needed
        else:
            lines, used = lines + 1, len(word)
    return lines


def box_of(cue: Cue) -> Box:
    """The box a cue's settings give it on the frame, as tall as its text wraps to."""
    settings = parse_settings(cue.settings)
    assert set(settings) == {"line", "position", "size", "align"}, cue
    assert settings["align"] == "center", cue
    # A line number, not a percentage: Chromium wraps only snap-to-lines cues (layout.py).
    assert settings["line"] == "-1", cue
    width = percent(settings["size"]) * WIDTH
    left = percent(settings["position"]) * WIDTH - width / 2
    lines = sum(wrapped_lines(line, width) for line in cue.text.split("\n"))
    height = lines * CUE_LINE_HEIGHT
    return Box(left, HEIGHT - height, width, height)


def test_the_caption_band_is_below_the_content_and_inside_the_frame() -> None:
    assert FRAME.contains(CONTENT) and FRAME.contains(CAPTION_BAND)
    assert not CONTENT.overlaps(CAPTION_BAND)
    assert FRAME.contains(cue_box(CUE_MAX_LINES))
    assert CAPTION_BAND.contains(cue_box(CUE_MAX_LINES))


def test_every_shipped_caption_has_the_bands_cue_settings() -> None:
    assert CAPTIONS
    for cue in CAPTIONS:
        assert cue.settings == CUE_SETTINGS, cue


@pytest.mark.parametrize("cue", CAPTIONS, ids=lambda cue: cue.text[:30])
def test_no_caption_box_reaches_the_content_area(cue: Cue) -> None:
    box = box_of(cue)
    assert CAPTION_BAND.contains(box), (box, CAPTION_BAND)
    assert not box.overlaps(CONTENT), (box, CONTENT)


def test_the_longest_caption_fits_the_lines_the_band_allows() -> None:
    longest = max(CAPTIONS, key=lambda cue: len(cue.text))
    assert box_of(longest).height <= CUE_MAX_LINES * CUE_LINE_HEIGHT


def test_a_box_that_crosses_into_the_content_is_caught() -> None:
    # The check itself: a caption five lines long would reach the foot of the phone.
    tall = Cue(0, 1, "word " * 110, CUE_SETTINGS)
    assert box_of(tall).overlaps(CONTENT)
