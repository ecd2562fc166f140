"""Statistics carry their source (course/content/citations.py): what counts as a statistic, and
one without a source named at its line in a lesson or a quiz."""

from pathlib import Path

import pytest

from course.content.citations import statistics
from tests.unit.content.content_fixtures import (
    LESSON_ONE,
    LESSON_ONE_FILE,
    QUIZ,
    QUIZ_FILE,
    TEEN_TEXT,
    only_problem,
    problems_in_tree,
)


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


def test_a_statistic_without_a_source_is_reported_at_its_line(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT}\nReports rose by 44% last year.")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert str(problem) == (
        f"{LESSON_ONE_FILE}:22: “44%” is a statistic with no source. Add the source and year "
        "in brackets in the same sentence, like (National Crime Agency, 2024)."
    )


def test_a_statistic_with_its_source_passes(tmp_path: Path) -> None:
    cited = (
        "Reports rose by 44% last year (Internet Watch Foundation, 2025). "
        "Over 13,000 reports were made. (FBI, 2024)"
    )
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {cited}")
    assert problems_in_tree(tmp_path, lesson_one=lesson) == []


def test_a_statistic_in_a_quiz_explanation(tmp_path: Path) -> None:
    quiz = QUIZ.replace("explanation: Trust your gut.", "explanation: Over 13,000 reports came in.")
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 30)
    assert problem.message.startswith("“13,000 reports” is a statistic with no source.")
