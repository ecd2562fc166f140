"""Reading level (course/content/reading.py): syllables and the Flesch–Kincaid grade, and each
band's limit, reported at the lesson's first line."""

import re
from pathlib import Path

import pytest

from course.content.reading import grade, syllables
from tests.unit.content.content_fixtures import (
    GRADE,
    HARDEST,
    LESSON_ONE,
    LESSON_ONE_FILE,
    TEEN_TEXT,
    YOUNG_TEXT,
    only_problem,
    places,
    problems_in_tree,
)

# About grade 7.8: too hard for 11-13 (at most 6), fine for 14-18 (at most 8).
HARDER = (
    "Criminals pretending to be teenagers online frequently attempt to gain your confidence "
    "extremely quickly, afterwards requesting private photographs that they subsequently use "
    "against you, so always communicate with somebody trustworthy beforehand."
)


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


def test_a_lesson_too_hard_for_a_band_is_reported_at_line_one(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {HARDEST}")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert (problem.file, problem.line) == (LESSON_ONE_FILE, 1)
    match = GRADE.fullmatch(problem.message)
    assert match is not None, problem.message
    assert match.groups() == ("14-18", "8")


def test_each_band_has_its_own_reading_level(tmp_path: Path) -> None:
    young = LESSON_ONE.replace(YOUNG_TEXT, f"{YOUNG_TEXT} {HARDER}")
    problem = only_problem(problems_in_tree(tmp_path / "young", lesson_one=young))
    assert (problem.file, problem.line) == (LESSON_ONE_FILE, 1)
    assert problem.message.startswith("reading level for 11-13 is grade 7.")
    assert "the most is 6." in problem.message
    older = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {HARDER}")
    assert problems_in_tree(tmp_path / "older", lesson_one=older) == []


def test_a_lesson_too_hard_for_every_band_names_each(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("Someone you meet online", f"{HARDEST} {HARDEST} Someone")
    problems = problems_in_tree(tmp_path, lesson_one=lesson)
    assert places(problems) == [(LESSON_ONE_FILE, 1)] * 3
    limits = [re.findall(r"for (\S+) is grade .*the most is (\d+)\.", p.message) for p in problems]
    assert limits == [[("11-13", "6")], [("14-18", "8")], [("adult", "10")]]
    assert all(GRADE.fullmatch(problem.message) for problem in problems)
