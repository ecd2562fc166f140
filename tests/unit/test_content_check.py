"""`check_content` names the file and exact line of every planted mistake."""

from pathlib import Path

from course.content.loader import Problem, check_content
from tests.unit.content_fixtures import (
    LESSON_ONE,
    LESSON_ONE_FILE,
    LESSON_TWO,
    LESSON_TWO_FILE,
    QUIZ,
    QUIZ_FILE,
    write_files,
    write_valid_tree,
)

SECOND_QUIZ = """\
slug: what-to-do
lesson: what-to-do
title: Steps
items:
  - id: wis-blame
    type: choice
    prompt: Should you pay?
    options:
      - id: pay
        text: Pay
        correct: false
        feedback: No. Paying rarely stops it.
      - id: tell
        text: Tell someone
        correct: true
        feedback: Yes.
"""


def problems_in_tree(root: Path, **replaced: str) -> list[Problem]:
    return check_content(write_valid_tree(root, **replaced))


def only_problem(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_valid_tree_has_no_problems(tmp_path: Path) -> None:
    assert problems_in_tree(tmp_path) == []


def test_option_without_feedback(tmp_path: Path) -> None:
    quiz = QUIZ.replace("        feedback: No. The criminal tricked them.\n", "")
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 9)
    assert "`feedback` is missing" in problem.message


def test_option_with_blank_feedback(tmp_path: Path) -> None:
    quiz = QUIZ.replace("feedback: No. The criminal tricked them.", 'feedback: "  "')
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 12)
    assert "`feedback` is empty" in problem.message


def test_duplicate_item_id_in_two_quiz_files(tmp_path: Path) -> None:
    write_files(tmp_path, {"quizzes/what-to-do.yaml": SECOND_QUIZ})
    problem = only_problem(problems_in_tree(tmp_path))
    assert str(problem) == (
        "quizzes/what-to-do.yaml:5: the item id `wis-blame` is already used at "
        f"{QUIZ_FILE}:5. Item ids must be unique across every quiz; give this item a new id."
    )


def test_quiz_naming_an_unknown_lesson(tmp_path: Path) -> None:
    quiz = QUIZ.replace("lesson: what-is-sextortion", "lesson: what-is-sextorsion")
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 2)
    assert "no lesson with the slug `what-is-sextorsion`" in problem.message


def test_lesson_naming_an_unknown_quiz(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("key_messages: [dont-pay, report]\n", "key_messages: []\nquiz: x\n")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert (problem.file, problem.line) == (LESSON_TWO_FILE, 10)
    assert "no quiz with the slug `x`" in problem.message


def test_broken_yaml_in_a_quiz(tmp_path: Path) -> None:
    quiz = QUIZ.replace("prompt: Who is to blame?", "prompt: Who is: to blame?")
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 7)
    assert problem.message.startswith("broken YAML")


def test_broken_yaml_in_front_matter_counts_from_the_files_first_line(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("audiences: [11-13, 14-18, adult]", "audiences: [11-13, 14-18")
    problems = problems_in_tree(tmp_path, lesson_one=lesson)
    problem = only_problem(problems)
    assert problem.file == LESSON_ONE_FILE
    assert problem.line == 6  # PyYAML's problem mark: it notices the missing `]` at the next key
    assert "broken YAML" in problem.message


def test_missing_front_matter_field_points_at_the_front_matter_start(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("minutes: 5\n", "")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert (
        str(problem) == f"{LESSON_ONE_FILE}:1: `minutes` is missing. Add `minutes:` to this part."
    )


def test_misspelt_field_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("title:", "titel:")
    problems = problems_in_tree(tmp_path, lesson_one=lesson)
    assert [(p.line, p.message.split(".")[0]) for p in problems] == [
        (1, "`title` is missing"),
        (3, "unknown field `titel`"),
    ]
    assert "Did you mean `title`?" in problems[1].message


def test_unknown_fenced_block_points_at_the_fence(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("```audience 11-13", "```audiance 11-13")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert (problem.file, problem.line) == (LESSON_ONE_FILE, 16)
    assert "unknown block `audiance`" in problem.message


def test_choice_with_two_correct_options_points_at_the_second(tmp_path: Path) -> None:
    quiz = QUIZ.replace("correct: false", "correct: true", 1)
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 15)
    assert "has 2 correct options" in problem.message


def test_multi_with_no_correct_option(tmp_path: Path) -> None:
    rush_is_correct = "correct: true\n        feedback: Yes. Pressure"
    quiz = QUIZ.replace(rush_is_correct, rush_is_correct.replace("true", "false"))
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 21)
    assert "no correct option" in problem.message


def test_too_few_options(tmp_path: Path) -> None:
    quiz = QUIZ.split("      - id: hobby")[0] + "    explanation: Trust your gut.\n"
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 21)
    assert "has 1 option. Give it 2 to 6 options" in problem.message


def test_duplicate_option_id(tmp_path: Path) -> None:
    quiz = QUIZ.replace("id: hobby", "id: rush")
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 26)


def test_unknown_item_type_names_the_allowed_types(tmp_path: Path) -> None:
    quiz = QUIZ.replace("type: multi", "type: ordering")
    problem = only_problem(problems_in_tree(tmp_path, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 18)
    allowed = "`choice`, `multi`, `red-flags`, `branching`, `order`"
    assert f"unknown item type `ordering`. Use one of {allowed}" in problem.message


def test_item_audience_the_lesson_does_not_have(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("[11-13, 14-18, adult]", "[14-18, adult]")
    quiz = QUIZ.replace("audiences: [14-18, adult]", "audiences: [11-13]")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson, quiz=quiz))
    assert (problem.file, problem.line) == (QUIZ_FILE, 19)


def test_wrong_types_unknown_names_and_bad_slugs(tmp_path: Path) -> None:
    lesson = (
        LESSON_TWO.replace("slug: what-to-do", "slug: What_To_Do")
        .replace("order: 2", "order: two")
        .replace("[14-18, adult]", "[14-18, adults]")
        .replace("[dont-pay, report]", "[dont-pay, reprot]")
    )
    problems = problems_in_tree(tmp_path, lesson_two=lesson)
    assert [(p.file, p.line) for p in problems] == [(LESSON_TWO_FILE, n) for n in (2, 4, 5, 9)]
    assert "lower-case letters" in problems[0].message
    assert "should be a whole number, not `two`" in problems[1].message
    assert "unknown audience `adults`" in problems[2].message
    assert "unknown key message `reprot`" in problems[3].message


def test_duplicate_order_and_duplicate_key(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("order: 2", "order: 1").replace(
        "minutes: 4", "minutes: 4\nminutes: 5"
    )
    problems = problems_in_tree(tmp_path, lesson_two=lesson)
    assert [(p.file, p.line) for p in problems] == [(LESSON_TWO_FILE, 4), (LESSON_TWO_FILE, 7)]
    assert "already used by lessons/01-what-is-sextortion.md" in problems[0].message
    assert "`minutes` appears twice" in problems[1].message


def test_heading_one_and_bad_links_in_the_body(tmp_path: Path) -> None:
    body = "# Steps\n\n[Call](javascript:alert(1)) or [see](http://exa mple.com)\n\n```what-to-do"
    lesson = LESSON_TWO.replace("```what-to-do", body, 1)
    problems = problems_in_tree(tmp_path, lesson_two=lesson)
    assert [(p.file, p.line) for p in problems] == [(LESSON_TWO_FILE, n) for n in (12, 14, 14)]
    assert "Start your headings at `##`" in problems[0].message
    assert any("`javascript:`" in p.message for p in problems[1:])
    assert any("looks like a link but is not one" in p.message for p in problems[1:])


def test_file_name_must_match_the_slug(tmp_path: Path) -> None:
    files = {LESSON_ONE_FILE: LESSON_ONE, "lessons/02-next-steps.md": LESSON_TWO, QUIZ_FILE: QUIZ}
    problems = check_content(write_files(tmp_path, files))
    assert [(p.file, p.line) for p in problems] == [("lessons/02-next-steps.md", 2)]
    assert "Rename the file to NN-what-to-do.md" in problems[0].message


def test_missing_front_matter_delimiters(tmp_path: Path) -> None:
    no_start = LESSON_ONE.removeprefix("---\n")
    no_end = LESSON_TWO.replace("---\n\n", "\n")
    problems = problems_in_tree(tmp_path, lesson_one=no_start, lesson_two=no_end)
    assert [(p.file, p.line) for p in problems] == [(LESSON_ONE_FILE, 1), (LESSON_TWO_FILE, 1)]
    assert "must start with a `---` line" in problems[0].message
    assert "no closing `---`" in problems[1].message


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("```audience 11-13", "```note")
    quiz = QUIZ.replace("correct: false", "correct: true", 1).replace("type: multi", "type: x")
    problems = problems_in_tree(tmp_path, lesson_one=lesson, quiz=quiz)
    assert [(p.file, p.line) for p in problems] == [
        (LESSON_ONE_FILE, 16),
        (QUIZ_FILE, 15),
        (QUIZ_FILE, 18),
    ]


def test_no_lessons_is_a_problem_but_no_quizzes_is_fine(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    problem = only_problem(check_content(tmp_path))
    assert (problem.file, problem.line) == ("lessons/", 0)
    assert "there are no lessons in lessons/" in problem.message
    lesson = LESSON_ONE.replace("quiz: what-is-sextortion\n", "")
    write_files(tmp_path, {LESSON_ONE_FILE: lesson})
    assert check_content(tmp_path) == []


def test_number_out_of_range(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("minutes: 4", "minutes: 45")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert str(problem) == f"{LESSON_TWO_FILE}:6: `minutes` is `45`. Use 30 or less."


def test_files_that_would_be_skipped_are_reported(tmp_path: Path) -> None:
    write_files(tmp_path, {"quizzes/extra.yml": "slug: x\n", "lessons/.draft.md": "ignored"})
    problems = problems_in_tree(tmp_path)
    assert [(p.file, p.line) for p in problems] == [("quizzes/extra.yml", 0)]
