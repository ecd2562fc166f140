"""`course check-content` on a copy of the real course with one planted mistake per content
rule, and the server refusing the same content."""

import re
import shutil
from pathlib import Path

import pytest

from course.cli import main
from course.content.loader import ContentError, load_catalogue
from course.settings import REPO_ROOT


def _plant(path: Path, pattern: str, change: str) -> int:
    """Apply `change` (a format with {line}) to the first line matching pattern; return it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if re.search(pattern, line))
    lines[index] = change.format(line=lines[index])
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the real course with a planted mistake for each rule, and where each is."""
    for folder in ("lessons", "quizzes"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    lessons = sorted((tmp_path / "lessons").glob("*.md"))
    quizzes = sorted((tmp_path / "quizzes").glob("*.yaml"))
    first, second = lessons[0], lessons[1]
    hard = (
        "their considerable organisational sophistication lets international criminal "
        "enterprises systematically manipulate psychologically vulnerable adolescents"
    )
    _plant(first, r"^```audience 11-13", "{line}\nBecause " + ", and ".join([hard] * 12) + ".\n")
    blame = _plant(second, r"^[A-Z].*\.$", "{line} Why did you send it?")
    statistic = _plant(lessons[2], r"^[A-Z].*\.$", "{line} Reports rose by 44% last year.")
    part = _plant(quizzes[0], r"^\s+text: [A-Z][^.]*$", "{line}. They were naive.")
    for lesson in lessons:
        text = lesson.read_text(encoding="utf-8")
        lesson.write_text(text.replace("secure-accounts, ", "").replace(", secure-accounts", ""))
    return tmp_path, [
        f"lessons/{first.name}:1: reading level for 11-13 is grade ",
        f"lessons/{second.name}:{blame}: “Why did you send” can sound like blame.",
        f"lessons/{lessons[2].name}:{statistic}: “44%” is a statistic with no source.",
        f"quizzes/{quizzes[0].name}:{part}: “naive” can sound like blame.",
        "lessons/:0: the 11-13 path never teaches `secure-accounts`.",
        "lessons/:0: the adult path never teaches `secure-accounts`.",
    ]


def test_check_content_names_file_and_line_of_each_rules_planted_mistake(
    planted: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    content_dir, expected = planted
    assert main(["check-content", str(content_dir)]) == 1
    reported = capsys.readouterr().err.splitlines()
    for place in expected:
        assert any(line.startswith(place) for line in reported), f"{place} not in {reported}"


def test_the_server_refuses_the_same_content(planted: tuple[Path, list[str]]) -> None:
    content_dir, expected = planted
    with pytest.raises(ContentError) as error:
        load_catalogue(content_dir)
    report = str(error.value).splitlines()
    for place in expected:
        assert any(line.startswith(place) for line in report), f"{place} not in {report}"


def test_check_content_passes_on_the_shipped_course(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-content", str(REPO_ROOT)]) == 0
    assert "content is fine" in capsys.readouterr().out
