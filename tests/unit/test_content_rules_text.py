"""The content rules on plain text: syllables and grades, refused phrasings, statistics; and
`course check-content` on a copy of the real course with one planted mistake per rule."""

import re
import shutil
from pathlib import Path

import pytest

from course.cli import main
from course.content.citations import statistics
from course.content.loader import ContentError, load_catalogue
from course.content.reading import grade, syllables
from course.content.text import plain_text
from course.content.tone import BLAMING, blaming
from course.settings import REPO_ROOT


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("cat", 1),
        ("make", 1),
        ("asked", 1),
        ("wanted", 2),
        ("pages", 2),
        ("little", 2),
        ("going", 2),
        ("someone", 2),
        ("video", 3),
        ("deactivate", 4),
        ("two-factor", 3),
        ("0800", 1),
    ],
)
def test_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


def test_grade_follows_the_flesch_kincaid_formula() -> None:
    # 6 words, 1 sentence, 6 syllables: 0.39 × 6 + 11.8 × 1 − 15.59.
    assert grade("The cat sat on the mat.") == pytest.approx(0.39 * 6 + 11.8 - 15.59)
    assert grade("") == 0.0
    long_words = "Organisations systematically manipulate psychologically vulnerable adolescents."
    assert grade(long_words) > 20 > grade("Tell an adult you trust. They can help.")


def test_list_items_and_headings_end_sentences() -> None:
    html = "<h2>Warning signs</h2>\n<ul><li>a new account</li>\n<li>lots of <em>flattery</em></li>"
    assert plain_text(html) == "Warning signs.\na new account.\nlots of flattery."
    assert plain_text("<p>Is it real? Yes!</p><p>Say &quot;no&quot;.</p>") == (
        'Is it real? Yes!\nSay "no".'
    )


@pytest.mark.parametrize(("phrasing", "suggestion"), BLAMING)
def test_every_refused_phrasing_is_reported_with_its_suggestion(
    phrasing: str, suggestion: str
) -> None:
    text = f"Someone said: {phrasing.upper()} and more."
    assert list(blaming(text, 5)) == [
        (5, f"“{phrasing.upper()}” can sound like blame. Try “{suggestion}”")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "It is not your fault.",
        "It is never your fault.",
        "It is not their fault.",
        "It is never the victim's fault.",
        "It isn’t your own fault.",
        "You are not stupid or naive.",
        "Don't ask “why did you send it?”.",
        'Instead of "you shouldn\'t have", say "thank you for telling me".',
        "Avoid “be careful what you send” lectures.",
        "Nothing here is falling apart, and the plan is not silly.",
        "They are unnaive.",  # a word boundary: not the word on its own
    ],
)
def test_kind_or_quoted_uses_are_allowed(text: str) -> None:
    assert list(blaming(text, 1)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Don't be naive.",
        "It was the victims' fault.",
        'He said "why did you send it?"',
        "Avoid blame. “Why did you send it?” is what people ask.",
    ],
)
def test_unkind_uses_are_reported(text: str) -> None:
    assert len(list(blaming(text, 1))) == 1


def test_a_phrasing_over_two_lines_is_reported_at_its_first_line() -> None:
    text = "First line.\nThen they asked why did you\nsend it."
    assert [line for line, _ in blaming(text, 10)] == [11]


@pytest.mark.parametrize(
    ("text", "statistic"),
    [
        ("74% of boys did not see it as a warning sign.", "74%"),
        ("Reports rose by 44 per cent.", "44 per cent"),
        ("One in five young people has been asked.", "One in five"),
        ("There were 1 in 3 cases like this.", "1 in 3"),
        ("Over 13,000 reports were made.", "13,000 reports"),
        ("At least 36 teenage boys have died.", "36 teenage boys"),
        ("Nearly 100 sextortion reports a day.", "100 sextortion reports"),
        ("Reports rose from 432 to 6,187.", "432"),
        ("It happened 20 times.", "20 times"),
        ("It was 62.1% of 19,468 reports.", "62.1%"),
    ],
)
def test_statistics_without_a_source(text: str, statistic: str) -> None:
    found = list(statistics(f"Intro.\n{text}", 3))
    assert len(found) == 1
    assert found[0][0] == 4
    assert found[0][1].startswith(f"“{statistic}” is a statistic with no source.")


@pytest.mark.parametrize(
    "text",
    [
        "74% of boys did not see it (National Crime Agency, 2025).",
        "In 2024, 1,142 reports were made (IWF, 2025).",
        "It was 62.1% of 19,468 reports (eSafety, 2023).",
        "Reports rose by 44%.\n(Internet Watch Foundation, 2025)",
        "Call Childline on 0800 1111, or Samaritans on 116 123.",
        "Call 999 if someone is in danger, or 101 at other times.",
        "Call 101 if people need help.",
        "The Revenge Porn Helpline is on 0345 6000 459, 10am to 4pm.",
        "Teenage boys aged 14 to 18 are targeted most.",
        "It is for under-18s, and for pupils aged 11-13.",
        "If you are under 18, you can report it.",
        "Adults over 60 can be targeted too.",
        "Leo is 15. Ravi is 27.",
        "Send £60 more, or else. 10 MINUTES.",
        "It has 60 friends in common with you.",
        "Lesson 10 shows people how.",
        "In 2023 the partners included Snap.",
        "Some cases go from first message to threat in under an hour.",
    ],
)
def test_not_statistics_or_with_a_source(text: str) -> None:
    assert list(statistics(text, 1)) == []


# `course check-content` on the real course with one planted mistake per rule.


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
