"""The film frame's geometry, in one place: frame.html is drawn from it, every caption cue is
placed by it, and the tests check both against it.

A frame is 1280 × 720. Everything the film shows is drawn in the content area at the top; the
band at the bottom is left empty for the captions, which every cue is told to stand in with
WebVTT cue settings (line, position, size, align). `line:-1` puts the cue's last line on the
video's last line (snap-to-lines), so a cue grows upwards from the bottom edge; `size` and
`position` make it 90% of the width, centred; Chromium draws its text in a font 5% of the
video's height, so the box is the same fraction of the frame at any player size. (A percentage
`line` would switch snap-to-lines off, and Chromium then neither wraps nor shows more than one
line: the rest of a long caption is cut off.) docs/FILM.md has the reasoning and the
measurements; tests/browser/test_film_frames.py measures the boxes Chromium really draws.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 1280, 720


@dataclass(frozen=True)
class Box:
    """A rectangle on the frame, in pixels from its top-left corner."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def overlaps(self, other: Box) -> bool:
        """Whether the two rectangles share any area (touching edges do not count)."""
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def contains(self, other: Box, slack: float = 0.0) -> bool:
        """Whether `other` lies wholly inside this rectangle (within `slack` pixels)."""
        return (
            other.left >= self.left - slack
            and other.top >= self.top - slack
            and other.right <= self.right + slack
            and other.bottom <= self.bottom + slack
        )


# Everything the film shows: frame.html draws nothing below it.
CONTENT = Box(0, 0, WIDTH, 532)
# The captions' band: nothing is drawn there but the background.
CAPTION_BAND = Box(0, 540, WIDTH, HEIGHT - 540)

# Where a cue stands (WebVTT cue settings): on the last line, centred, 90% of the width.
CUE_LINE = -1  # a line number: the cue's last line on the video's last line
CUE_POSITION = 50  # per cent: the centre of the cue box, across the video
CUE_SIZE = 90  # per cent: the cue box's width
CUE_SETTINGS = f"line:{CUE_LINE} position:{CUE_POSITION}% size:{CUE_SIZE}% align:center"

# How big Chromium draws a cue's text (see the docstring): a font 5% of the video's height,
# on lines at most 1.2 times that. A caption of up to 90 characters takes two lines in
# Chromium's font; the band holds four, should another font be wider.
CUE_FONT = 0.05 * HEIGHT
CUE_LINE_HEIGHT = 1.2 * CUE_FONT
CUE_MAX_LINES = 4


def cue_box(lines: int = CUE_MAX_LINES) -> Box:
    """The widest box a cue of this many lines can take, by its cue settings."""
    width = CUE_SIZE / 100 * WIDTH
    left = CUE_POSITION / 100 * WIDTH - width / 2
    height = lines * CUE_LINE_HEIGHT
    return Box(left, HEIGHT - height, width, height)


def parse_settings(settings: str) -> dict[str, str]:
    """WebVTT cue settings as a dict: 'line:77% align:center' → {'line': '77%', ...}."""
    return dict(part.split(":", 1) for part in settings.split())
