"""The film's narrator: Festival speaking with the HTS voice cmu_us_slt_arctic_hts (Debian's
festvox-us-slt-hts), a statistical-parametric voice trained on a real speaker, in place of
espeak-ng's formant voice. Why this voice, and how it was chosen: docs/FILM.md.

Festival and its HTS engine are deterministic: the same words give the same samples, so the
film rebuilds to the same bytes on the same Debian release. The manifest records the versions
of the packages that made it (`tool_versions`), so a rebuild elsewhere can be told apart.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

VOICE = "cmu_us_slt_arctic_hts"
SPEED = 1.05  # the HTS engine's speech rate (its -r): a little brisker, so the film fits 2 min
SPEAKER = ["text2wave", "-eval", f"(voice_{VOICE})"]
# What `make film` installs from Debian, and what each tool comes from.
PACKAGES = ("ffmpeg", "festival", "festvox-us-slt-hts", "fonts-dejavu-core")
TOOLS = {"text2wave": "festival", "ffmpeg": "ffmpeg", "ffprobe": "ffmpeg"}
VERSIONED = ("festival", "festvox-us-slt-hts", "ffmpeg", "chromium", "fonts-dejavu-core")


def missing_tools() -> list[str]:
    """The tools the build needs that are not installed, with the package each comes from."""
    missing = [f"{tool} ({package})" for tool, package in TOOLS.items() if not shutil.which(tool)]
    voice = Path("/usr/share/festival/voices/us") / VOICE
    if shutil.which("text2wave") and not voice.is_dir():
        missing.append(f"the {VOICE} voice (festvox-us-slt-hts)")
    return missing


def speak(words: str, path: Path) -> None:
    """Say `words` into a WAV file (mono, 16-bit, 32 kHz) in the narrator's voice."""
    speed = f'(set! hts_engine_params (append hts_engine_params (list (list "-r" {SPEED}))))'
    subprocess.run(  # noqa: S603
        [*SPEAKER, "-eval", speed, "-o", str(path)],
        input=words.encode("utf-8"),
        check=True,
        capture_output=True,
    )


def tool_versions() -> dict[str, str]:
    """The Debian versions of the packages that build the film ('' for one not installed)."""
    versions = {}
    for package in VERSIONED:
        result = subprocess.run(  # noqa: S603
            ["dpkg-query", "-W", "-f", "${Version}", package],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        versions[package] = result.stdout.strip() if result.returncode == 0 else ""
    return versions
