"""Victim-blaming phrasings (course/content/tone.py): each refused one is named with a kinder
way to say it, at its line in a lesson body, a summary or a quiz; kind or quoted uses pass."""

from pathlib import Path

import pytest

from course.content.tone import BLAMING, blaming
from tests.unit.content.content_fixtures import (
    LESSON_ONE,
    LESSON_ONE_FILE,
    LESSON_TWO,
    LESSON_TWO_FILE,
    QUIZ,
    QUIZ_FILE,
    TEEN_TEXT,
    YOUNG_TEXT,
    only_problem,
    places,
    problems_in_tree,
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


def test_blaming_phrase_in_a_body_is_reported_at_its_line(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(YOUNG_TEXT, f"Why did you send it? {YOUNG_TEXT}")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert str(problem) == (
        f"{LESSON_ONE_FILE}:17: “Why did you send” can sound like blame. "
        "Try “the criminal tricked them”."
    )


def test_blaming_phrase_in_quiz_feedback_is_reported_at_its_line(tmp_path: Path) -> None:
    quiz = QUIZ.replace(
        "feedback: No. The criminal tricked them.", "feedback: No. Sam fell for it."
    )
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert str(problem) == (
        f"{QUIZ_FILE}:12: “fell for” can sound like blame. Try “was tricked by”."
    )


def test_blaming_phrase_in_a_quiz_prompt_and_explanation(tmp_path: Path) -> None:
    quiz = QUIZ.replace("prompt: Who is to blame?", "prompt: Was Sam naive?").replace(
        "explanation: Trust your gut.", "explanation: Nobody is stupid for trusting."
    )
    problems = problems_in_tree(tmp_path, quiz=quiz)
    assert places(problems) == [(QUIZ_FILE, 7), (QUIZ_FILE, 30)]
    assert problems[0].message.startswith("“naive” can sound like blame")


def test_blaming_phrase_in_the_summary(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("summary: The steps that help.", "summary: It's your own fault.")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert (problem.file, problem.line) == (LESSON_TWO_FILE, 7)
    assert problem.message == "“your own fault” can sound like blame. Try “it is never your fault”."


def test_kind_and_quoted_uses_are_allowed(tmp_path: Path) -> None:
    kind = (
        "It is not your own fault, and you are not stupid. "
        'Instead of asking "why did you send it?", say "it is not your fault".'
    )
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {kind}")
    assert problems_in_tree(tmp_path, lesson_one=lesson) == []
