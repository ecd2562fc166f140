"""Build the default film from its story: `make film` (or `python -m course.film.production.build`).

Open tools from Debian only: espeak-ng speaks each beat, Chromium draws each screen from
frame.html, ffmpeg encodes WebM (VP9 + Opus) and MP4 (H.264 + AAC). The captions, the text
descriptions, the transcript and the manifest come from the same beats, timed by the speech.
Everything is single-threaded and bit-exact where the tools allow, so a rebuild on the same
Debian release gives the same files. Never part of `make test`: tests read the committed output.
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

from jinja2 import Environment, FileSystemLoader, select_autoescape

from course.film.production.captions import Cue, format_vtt
from course.film.production.story import (
    CLOSING,
    STORY,
    SUMMARY,
    TITLE,
    Beat,
    description_cues,
    screens,
    transcript_markdown,
)
from course.settings import REPO_ROOT

OUTPUT = REPO_ROOT / "static" / "film"
WIDTH, HEIGHT, FPS = 1280, 720, 10
VOICE, WORDS_PER_MINUTE = "en-gb", 170
LEAD_IN, GAP, SCENE_GAP, TAIL = 0.6, 0.45, 0.8, 2.0  # seconds of silence
CAPTION_LINGER = 0.6  # a caption stays this long after its words, unless the next one starts
POSTER_SCALE = "scale=960:540:flags=lanczos"
MAX_BYTES = 5 * 1024 * 1024
SHORTEST, LONGEST = 60.0, 120.0
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
]
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
        words = beat.spoken or beat.say
        run("espeak-ng", "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-w", path, words)
        files.append(path)
    return files


def trim_silence(frames: bytes, frame_bytes: int, threshold: int = 200) -> bytes:
    """Speech without the silence espeak-ng leaves at its start and end (16-bit mono)."""
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
            Cue(round(start, 3), round(min(end + CAPTION_LINGER, following - 0.05), 3), beat.say)
        )
    return cues


def render_frames(folder: Path) -> tuple[list[Path], Path]:
    """Draw each beat's screen in Chromium; return the PNG frames and the poster (a WebP image)."""
    from playwright.sync_api import sync_playwright  # a dev dependency, needed only to build

    template = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=select_autoescape(default=True, default_for_string=True),
    ).get_template("frame.html")
    launch: dict[str, object] = {"args": CHROMIUM_ARGS}
    if CHROMIUM.exists():
        launch["executable_path"] = str(CHROMIUM)
    frames = []
    poster = folder / "poster.webp"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch)  # type: ignore[arg-type]
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
        for number, screen in enumerate(screens()):
            html = template.render(screen=screen, width=WIDTH, height=HEIGHT, closing=CLOSING)
            page.set_content(html, wait_until="load")
            path = folder / f"frame-{number:03d}.png"
            page.screenshot(path=str(path), animations="disabled")
            frames.append(path)
        browser.close()
    # The poster is the title card, smaller: it loads with every page that shows the film, so it
    # is WebP (6.8 kB where the JPEG it replaced was 16.9 kB: a lesson page stays under 60 kB).
    run("ffmpeg", "-y", "-loglevel", "error", "-i", frames[0], "-vf", POSTER_SCALE, "-c:v",
        "libwebp", "-quality", "75", *BITEXACT[:2], "-flags", "+bitexact", poster)  # fmt: skip
    return frames, poster


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


def check_film(videos: dict[str, Path], duration: float) -> None:
    """Refuse a film that is too long, too short or too big to serve to a class."""
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
    for tool in ("espeak-ng", "ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install ffmpeg espeak-ng (or make film)")
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="film-") as temp:
        work = Path(temp)
        narration = work / "narration.wav"
        timeline = join_narration(STORY, speak(STORY, work), narration)
        frames, poster = render_frames(work)
        frame_list = work / "frames.txt"
        write_frame_list(frames, timeline, frame_list)
        videos = encode(frame_list, narration, timeline.duration, work)
        check_film(videos, timeline.duration)
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
