"""Build the default film from its story: `make film` (or `python -m course.film.production.build`).

Open tools from Debian only: Festival speaks each beat (voice.py), Chromium draws each screen
from frame.html (frames.py), ffmpeg encodes WebM (VP9 + Opus) and MP4 (H.264 + AAC). The
captions, placed in the frame's caption band (layout.py), the text descriptions, the transcript
and the manifest come from the same beats, timed by the speech. Everything is single-threaded
and bit-exact where the tools allow, so a rebuild on the same Debian release gives the same
files; the manifest records the tools' versions. Never part of `make test`: tests read the
committed output. docs/FILM.md explains the choices.
"""

from __future__ import annotations

import argparse
import array
import hashlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from course.film.production import voice
from course.film.production.captions import Cue, format_vtt
from course.film.production.frames import CHROMIUM as CHROMIUM  # for the browser tests
from course.film.production.frames import CHROMIUM_ARGS as CHROMIUM_ARGS
from course.film.production.frames import render_frames
from course.film.production.layout import CUE_SETTINGS, HEIGHT, WIDTH
from course.film.production.scenes import Beat
from course.film.production.story import (
    STORY,
    SUMMARY,
    TITLE,
    description_cues,
    screens,
    transcript_markdown,
)
from course.settings import REPO_ROOT

OUTPUT = REPO_ROOT / "static" / "film"
FPS = 10
LEAD_IN, GAP, SCENE_GAP, TAIL = 0.6, 0.45, 0.8, 2.0  # seconds of silence
CAPTION_LINGER = 0.6  # a caption stays this long after its words, unless the next one starts
POSTER_SCALE = "scale=960:540:flags=lanczos"
MAX_BYTES = 5 * 1024 * 1024
POSTER_BYTES = 8000  # the poster loads with every lesson page that shows the film (60 kB budget)
SHORTEST, LONGEST = 60.0, 120.0
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]


@dataclass(frozen=True)
class Timeline:
    """When each beat's words are spoken, when each screen shows, and the film's length."""

    spoken: list[tuple[float, float]]  # per beat: start and end of its words
    shown: list[tuple[float, float]]  # per beat: start and end of its screen
    duration: float


def run(*command: str | Path) -> None:
    """Run a tool, failing loudly with its output."""
    subprocess.run([str(part) for part in command], check=True, capture_output=True)  # noqa: S603


def speak(beats: tuple[Beat, ...], folder: Path) -> list[Path]:
    """One WAV file of narration per beat."""
    files = []
    for number, beat in enumerate(beats):
        path = folder / f"beat-{number:03d}.wav"
        voice.speak(beat.spoken or beat.say, path)
        files.append(path)
    return files


def trim_silence(frames: bytes, frame_bytes: int, threshold: int = 200) -> bytes:
    """Speech without the silence the voice leaves at its start and end (16-bit mono)."""
    samples = array.array("h", frames)
    loud = [index for index, sample in enumerate(samples) if abs(sample) > threshold]
    if not loud:
        return frames
    return frames[loud[0] * frame_bytes : (loud[-1] + 1) * frame_bytes]


def join_narration(beats: tuple[Beat, ...], clips: list[Path], target: Path) -> Timeline:
    """Join the beats' speech with pauses into one WAV; return the timeline it makes."""
    with wave.open(str(clips[0]), "rb") as first:
        params = first.getparams()
    rate, frame_bytes = params.framerate, params.sampwidth * params.nchannels

    def silence(secs: float) -> bytes:
        return b"\0" * (round(secs * rate) * frame_bytes)

    audio = bytearray(silence(LEAD_IN))
    spoken = []
    for index, (beat, clip) in enumerate(zip(beats, clips, strict=True)):
        if index:
            audio += silence(SCENE_GAP if beat.scene else GAP)
        with wave.open(str(clip), "rb") as speech:
            frames = trim_silence(speech.readframes(speech.getnframes()), frame_bytes)
        start = len(audio) / frame_bytes / rate
        audio += frames
        spoken.append((start, len(audio) / frame_bytes / rate))
    audio += silence(TAIL)
    duration = len(audio) / frame_bytes / rate
    with wave.open(str(target), "wb") as out:
        out.setparams(params)
        out.writeframes(bytes(audio))
    # A screen changes just after the words before it end, ahead of its own words.
    cuts = [0.0] + [end + 0.15 for _, end in spoken[:-1]] + [duration]
    shown = list(itertools.pairwise(cuts))
    return Timeline(spoken=spoken, shown=shown, duration=round(duration, 3))


def caption_cues(beats: tuple[Beat, ...], timeline: Timeline) -> list[Cue]:
    """One caption per beat: on while it is spoken, lingering a little if there is room."""
    cues = []
    starts = [start for start, _ in timeline.spoken[1:]] + [timeline.duration]
    for beat, (start, end), following in zip(beats, timeline.spoken, starts, strict=True):
        cues.append(
            Cue(
                round(start, 3),
                round(min(end + CAPTION_LINGER, following - 0.05), 3),
                beat.say,
                CUE_SETTINGS,  # in the caption band, clear of everything the frame shows
            )
        )
    return cues


def make_poster(title_frame: Path, folder: Path) -> Path:
    """The poster: the title card, smaller. It loads with every page that shows the film, so it
    is a small WebP (at most 8 kB: a lesson page stays under its 60 kB budget)."""
    poster = folder / "poster.webp"
    run("ffmpeg", "-y", "-loglevel", "error", "-i", title_frame, "-vf", POSTER_SCALE, "-c:v",
        "libwebp", "-quality", "75", *BITEXACT[:2], "-flags", "+bitexact", poster)  # fmt: skip
    return poster


def write_frame_list(frames: list[Path], timeline: Timeline, target: Path) -> None:
    """An ffmpeg concat list holding each frame for its beat's time on screen."""
    lines = ["ffconcat version 1.0"]
    for frame, (start, end) in zip(frames, timeline.shown, strict=True):
        lines += [f"file '{frame.name}'", f"duration {end - start:.3f}"]
    lines.append(f"file '{frames[-1].name}'")  # the concat demuxer needs the last one twice
    target.write_text("\n".join(lines) + "\n")


def encode(frame_list: Path, narration: Path, duration: float, folder: Path) -> dict[str, Path]:
    """Encode the WebM and the MP4 from the frames and the narration."""
    common: list[str | Path] = [
        "ffmpeg", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", frame_list,
        "-i", narration, "-map", "0:v", "-map", "1:a", "-vf", f"fps={FPS},format=yuv420p",
        "-t", f"{duration:.3f}", "-ac", "1", "-map_metadata", "-1", "-threads", "1", *BITEXACT,
    ]  # fmt: skip
    webm, mp4 = folder / "film.webm", folder / "film.mp4"
    run(
        *common,
        *("-c:v", "libvpx-vp9", "-crf", "38", "-b:v", "0", "-row-mt", "0", "-g", str(5 * FPS)),
        *("-deadline", "good", "-cpu-used", "2", "-c:a", "libopus", "-b:a", "40k", webm),
    )
    run(
        *common,
        *("-c:v", "libx264", "-preset", "slow", "-tune", "stillimage", "-crf", "28"),
        *("-g", str(5 * FPS), "-profile:v", "high", "-c:a", "aac", "-b:a", "64k"),
        *("-movflags", "+faststart", mp4),
    )
    return {"webm": webm, "mp4": mp4}


def probe_duration(path: Path) -> float:
    """A media file's duration in seconds, as ffprobe reads it."""
    result = subprocess.run(  # noqa: S603
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip())


def check_film(videos: dict[str, Path], poster: Path, duration: float) -> None:
    """Refuse a film that is too long, too short or too big to serve to a class."""
    if poster.stat().st_size > POSTER_BYTES:
        raise SystemExit(f"the poster is {poster.stat().st_size} bytes; at most {POSTER_BYTES}")
    if not SHORTEST <= duration <= LONGEST:
        raise SystemExit(
            f"the film runs {duration:.1f} s; it must run {SHORTEST:.0f}-{LONGEST:.0f} s"
        )
    for video in videos.values():
        size, probed = video.stat().st_size, probe_duration(video)
        if size > MAX_BYTES:
            raise SystemExit(f"{video.name} is {size} bytes; it must be at most {MAX_BYTES}")
        if abs(probed - duration) > 0.25:
            raise SystemExit(f"{video.name} runs {probed:.2f} s, not {duration:.2f} s")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(output: Path = OUTPUT) -> dict[str, object]:
    """Build every file of the film into `output`; return the manifest."""
    missing = voice.missing_tools()
    if missing:
        needed = " ".join(voice.PACKAGES)
        raise SystemExit(f"missing: {', '.join(missing)}: apt-get install {needed} (or make film)")
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="film-") as temp:
        work = Path(temp)
        narration = work / "narration.wav"
        timeline = join_narration(STORY, speak(STORY, work), narration)
        frames = render_frames(screens(), work)
        poster = make_poster(frames[0], work)
        frame_list = work / "frames.txt"
        write_frame_list(frames, timeline, frame_list)
        videos = encode(frame_list, narration, timeline.duration, work)
        check_film(videos, poster, timeline.duration)
        for path in (*videos.values(), poster):
            shutil.copyfile(path, output / path.name)
    (output / "captions.en.vtt").write_text(format_vtt(caption_cues(STORY, timeline)))
    (output / "descriptions.en.vtt").write_text(format_vtt(description_cues(timeline.shown, STORY)))
    (output / "transcript.md").write_text(transcript_markdown(STORY))
    manifest: dict[str, object] = {
        "title": TITLE,
        "summary": SUMMARY,
        "duration": timeline.duration,
        "width": WIDTH,
        "height": HEIGHT,
        "sources": [
            {"src": "film.webm", "type": 'video/webm; codecs="vp9, opus"'},
            {"src": "film.mp4", "type": "video/mp4"},
        ],
        "captions": "captions.en.vtt",
        "descriptions": "descriptions.en.vtt",
        "transcript": "transcript.md",
        "poster": "poster.webp",
        "narration_describes_everything": True,
        "built_by": "course/film/production/build.py (make film)",
        "voice": f"Festival, {voice.VOICE}",
        "tool_versions": voice.tool_versions(),
        "bytes": {name: (output / name).stat().st_size for name in ("film.webm", "film.mp4")},
    }
    (output / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command line: build the film into static/film/ (or --output)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=OUTPUT, help="folder for the film's files")
    args = parser.parse_args(argv)
    manifest = build(args.output)
    names = sorted(path.name for path in args.output.iterdir())
    print(f"film: {manifest['duration']} s, {manifest['bytes']}; wrote {', '.join(names)}")
    for name in names:
        print(f"  {sha256(args.output / name)[:16]}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
