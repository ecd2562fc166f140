"""Key messages (course/content/coverage.py): every band's path teaches each one, and a lesson
tagged with one mentions it in the text of each of its bands."""

from pathlib import Path

from course.content.schema import AUDIENCES
from tests.unit.content.content_fixtures import (
    LESSON_ONE,
    LESSON_ONE_FILE,
    LESSON_TWO,
    LESSON_TWO_FILE,
    only_problem,
    places,
    problems_in_tree,
)


def test_a_path_that_misses_a_key_message_is_reported(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("dont-pay, ", "")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert str(problem) == (
        "lessons/:0: the 11-13 path never teaches `dont-pay`. "
        "Tag it on a lesson for 11-13 that teaches it."
    )


def test_every_band_that_misses_a_key_message_is_named(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("secure-accounts, ", "")
    problems = problems_in_tree(tmp_path, lesson_one=lesson)
    assert places(problems) == [("lessons/", 0)] * 3
    assert [p.message.split()[1] for p in problems] == list(AUDIENCES)


def test_no_coverage_report_while_a_lesson_cannot_be_read(tmp_path: Path) -> None:
    broken = LESSON_ONE.replace("title:", "titel:")
    problems = problems_in_tree(tmp_path, lesson_one=broken)
    assert problems
    assert all(problem.file == LESSON_ONE_FILE for problem in problems)


def test_a_tagged_key_message_the_text_never_mentions(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("[dont-pay, report]", "[dont-pay, report, secure-accounts]")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert str(problem) == (
        f"{LESSON_TWO_FILE}:9: the lesson is tagged `secure-accounts`, but the text for "
        "14-18, adult never mentions it (no “password”, “two-factor”, “two-step”, “privacy”). "
        "Teach it there, or remove the tag."
    )


def test_a_key_message_taught_to_one_band_only(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace(
        "```what-to-do dont-pay report\n```\n",
        "```what-to-do dont-pay report\n```\n\n```audience adult\nUse a new password.\n```\n",
    ).replace("[dont-pay, report]", "[dont-pay, report, secure-accounts]")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert (problem.file, problem.line) == (LESSON_TWO_FILE, 9)
    assert "but the text for 14-18 never mentions it" in problem.message
