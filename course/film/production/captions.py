"""WebVTT captions: cues in, text out, and back again (the build writes them, tests read them)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_TIMING = re.compile(r"^(\S+)\s+-->\s+(\S+)[ \t]*(.*)$")


@dataclass(frozen=True)
class Cue:
    """One caption: shown from start to end (seconds), with its text and its WebVTT cue settings
    (where the player draws it: 'line:77% position:50% size:90% align:center'; '' for the
    player's default, the bottom of the picture)."""

    start: float
    end: float
    text: str
    settings: str = ""


def timestamp(seconds: float) -> str:
    """Seconds as a WebVTT timestamp, hh:mm:ss.mmm."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def seconds(stamp: str) -> float:
    """A WebVTT timestamp (hh:mm:ss.mmm or mm:ss.mmm) as seconds."""
    *rest, last = stamp.split(":")
    total = float(last)
    for index, part in enumerate(reversed(rest), start=1):
        total += int(part) * 60**index
    return round(total, 3)  # milliseconds, without float error from the sum


def format_vtt(cues: Iterable[Cue]) -> str:
    """A WebVTT file holding these cues, numbered from 1."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        timing = f"{timestamp(cue.start)} --> {timestamp(cue.end)}"
        if cue.settings:
            timing += " " + cue.settings
        blocks.append(f"{number}\n{timing}\n{cue.text}")
    return "\n\n".join(blocks) + "\n"


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file, with their settings (identifiers and notes ignored)."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for index, line in enumerate(lines):
            match = _TIMING.match(line)
            if match:
                body = "\n".join(lines[index + 1 :])
                start, end = seconds(match.group(1)), seconds(match.group(2))
                cues.append(Cue(start, end, body, " ".join(match.group(3).split())))
                break
    return cues


def plain_words(text: str) -> str:
    """Text with tags dropped, typographic quotes straightened and whitespace collapsed."""
    text = re.sub(r"<[^>]+>", "", text)
    for curly, straight in (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.split())
