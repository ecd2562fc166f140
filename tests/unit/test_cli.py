"""The `course` command: check-content names every planted mistake; serve refuses bad content;
purge says what it deleted."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.app import create_app
from course.cli import main
from course.content.loader import ContentError
from course.settings import REPO_ROOT, Settings


def lines_of(path: Path) -> list[str]:
    return path.read_text().split("\n")


def first_line(lines: list[str], pattern: str, start: int = 0) -> int:
    """The 0-based index of the first line at or after start matching the pattern."""
    return next(i for i in range(start, len(lines)) if re.search(pattern, lines[i]))


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, set[str]]:
    """A copy of the real content with five planted mistakes, and the file:line of each."""
    for folder in ("lessons", "quizzes"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    expected: set[str] = set()
    lessons = sorted((tmp_path / "lessons").glob("*.md"))
    # The checker reads quizzes in name order, so a duplicate is reported in the later file.
    quizzes = sorted((tmp_path / "quizzes").glob("*.yaml"))
    first_quiz, second_quiz = quizzes[0], quizzes[-1]

    # 1. An option without feedback: the problem is reported at the option.
    lines = lines_of(second_quiz)
    feedback = first_line(lines, r"^\s+feedback:")
    option = max(i for i in range(feedback) if re.match(r"^\s+- id:", lines[i]))
    end = feedback + 1
    while end < len(lines) and lines[end].startswith(
        " " * (len(lines[feedback]) - len(lines[feedback].lstrip()) + 1)
    ):
        end += 1
    del lines[feedback:end]
    expected.add(f"quizzes/{second_quiz.name}:{option + 1}:")
    # 2. A duplicate item id: the second quiz reuses the first quiz's first id.
    first_ids = (ln for ln in lines_of(first_quiz) if re.match(r"^\s+- id:", ln))
    taken = next(first_ids).split("- id:")[1].strip()
    items = [i for i, line in enumerate(lines) if re.match(r"^  - id:", line)]
    lines[items[1]] = f"  - id: {taken}"
    expected.add(f"quizzes/{second_quiz.name}:{items[1] + 1}:")
    second_quiz.write_text("\n".join(lines))
    # 3. An unknown lesson slug in the first quiz.
    lines = lines_of(first_quiz)
    at = first_line(lines, r"^lesson:")
    lines[at] = "lesson: no-such-lesson"
    expected.add(f"quizzes/{first_quiz.name}:{at + 1}:")
    first_quiz.write_text("\n".join(lines))
    # 4. Broken YAML in a new quiz file: an unclosed bracket on line 3.
    (tmp_path / "quizzes" / "broken.yaml").write_text("slug: broken\nlesson: x\nitems: [\n")
    expected.add("quizzes/broken.yaml:")
    # 5. A missing front-matter field: the second lesson loses its title.
    lines = lines_of(lessons[1])
    del lines[first_line(lines, r"^title:")]
    lessons[1].write_text("\n".join(lines))
    expected.add(f"lessons/{lessons[1].name}:1:")
    return tmp_path, expected


def reported(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"^(lessons|quizzes)/\S+:\d+: ", line)]


def test_check_content_passes_on_the_shipped_course(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-content", str(REPO_ROOT)]) == 0
    assert "content is fine" in capsys.readouterr().out


def test_check_content_names_file_and_line_of_every_planted_mistake(
    planted: tuple[Path, set[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    content_dir, expected = planted
    assert main(["check-content", str(content_dir)]) == 1
    lines = reported(capsys.readouterr().err)
    for place in expected:
        assert any(line.startswith(place) for line in lines), f"{place} not in {lines}"


def test_app_refuses_bad_content(planted: tuple[Path, set[str]], tmp_path: Path) -> None:
    content_dir, _ = planted
    settings = Settings(content_dir=content_dir, secret_key="x" * 40, database_url="sqlite://")
    with pytest.raises(ContentError) as error:
        create_app(settings)
    assert len(error.value.problems) >= 5


def test_serve_refuses_to_start_and_prints_the_same_report(
    planted: tuple[Path, set[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    content_dir, _ = planted
    main(["check-content", str(content_dir)])
    report = reported(capsys.readouterr().err)
    env = {
        **os.environ,
        "COURSE_CONTENT_DIR": str(content_dir),
        "COURSE_PORT": "0",
        "COURSE_SECRET_KEY": "x" * 40,
    }
    served = subprocess.run(
        [sys.executable, "-m", "course.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 1
    assert reported(served.stderr) == report
    assert "nothing was served" in served.stderr


def test_purge_command_reports_what_it_deleted(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from course.settings import get_settings

    monkeypatch.setenv("COURSE_DATABASE_URL", database_url)
    monkeypatch.setenv("COURSE_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    try:
        assert main(["purge"]) == 0
    finally:
        get_settings.cache_clear()
    assert "deleted 0 learner(s) not seen for 30 days" in capsys.readouterr().out
