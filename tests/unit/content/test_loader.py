"""Loading content files into the catalogue and looking things up in it; and `check_content`,
which names the file and exact line of every planted mistake."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from course.content.loader import ContentError, check_content, load_catalogue
from course.content.schema import AUDIENCES
from tests.unit.content.content_fixtures import (
    HELP,
    HELP_FILE,
    LESSON_ONE,
    LESSON_ONE_FILE,
    LESSON_TWO,
    LESSON_TWO_FILE,
    QUIZ,
    QUIZ_FILE,
    STEPS,
    STEPS_FILE,
    only_problem,
    problems_in_tree,
    write_files,
    write_valid_tree,
)

# --- loading -------------------------------------------------------------------------------


def test_valid_tree_loads_lessons_in_order(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_valid_tree(tmp_path))
    assert [lesson.slug for lesson in catalogue.lessons] == ["what-is-sextortion", "what-to-do"]
    lesson = catalogue.lesson("what-to-do")
    assert lesson is not None
    assert lesson.file == LESSON_TWO_FILE
    assert lesson.content_note == "This lesson talks about threats."
    assert lesson.key_messages == ("dont-pay", "report")
    assert lesson.quiz is None


def test_lessons_are_sorted_by_order_not_file_name(tmp_path: Path) -> None:
    swapped = LESSON_ONE.replace("order: 1", "order: 3")
    catalogue = load_catalogue(write_valid_tree(tmp_path, lesson_one=swapped))
    assert [lesson.order for lesson in catalogue.lessons] == [2, 3]


def test_lookups_by_slug_and_item_id(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_valid_tree(tmp_path))
    quiz = catalogue.quiz("what-is-sextortion")
    assert quiz is not None
    assert quiz.lesson == "what-is-sextortion"
    found = catalogue.item("wis-signs")
    assert found is not None
    assert found[0] is quiz
    assert found[1].type == "multi"
    assert found[1].line == 17
    assert catalogue.lesson("nope") is None
    assert catalogue.quiz("nope") is None
    assert catalogue.item("nope") is None


def test_lessons_for_and_next_lesson_follow_the_band(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_valid_tree(tmp_path))
    assert [lesson.slug for lesson in catalogue.lessons_for("11-13")] == ["what-is-sextortion"]
    assert len(catalogue.lessons_for("adult")) == 2
    assert catalogue.next_lesson("what-is-sextortion", "11-13") is None
    following = catalogue.next_lesson("what-is-sextortion", "adult")
    assert following is not None
    assert following.slug == "what-to-do"
    assert catalogue.next_lesson("what-to-do", "adult") is None
    assert catalogue.next_lesson("nope", "adult") is None


def test_items_default_to_the_lessons_audiences(tmp_path: Path) -> None:
    quiz = load_catalogue(write_valid_tree(tmp_path)).quiz("what-is-sextortion")
    assert quiz is not None
    assert quiz.items[0].audiences == ("11-13", "14-18", "adult")
    assert [item.id for item in quiz.items_for("11-13")] == ["wis-blame"]
    assert [item.id for item in quiz.items_for("adult")] == ["wis-blame", "wis-signs"]


def test_quiz_text_is_rendered_inline(tmp_path: Path) -> None:
    found = load_catalogue(write_valid_tree(tmp_path)).item("wis-signs")
    assert found is not None
    item = found[1]
    assert item.prompt_html == "Which are <em>warning signs</em>?"
    assert item.options[0].feedback_html == "Yes. Pressure is a warning sign."
    assert item.explanation_html == "Trust your gut."


def test_html_for_differs_by_band(tmp_path: Path) -> None:
    lesson = load_catalogue(write_valid_tree(tmp_path)).lesson("what-is-sextortion")
    assert lesson is not None
    young, teen = lesson.html_for("11-13"), lesson.html_for("14-18")
    assert "grown-up" in young
    assert "not in trouble" not in young
    assert "not in trouble" in teen
    assert "grown-up" not in teen
    assert set(lesson.body_html) == set(AUDIENCES)


def test_catalogue_cannot_be_changed(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_valid_tree(tmp_path))
    with pytest.raises(ValidationError):
        catalogue.version = "changed"  # type: ignore[misc]
    lesson = catalogue.lessons[0]
    with pytest.raises(TypeError):
        lesson.body_html["adult"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        catalogue.quizzes["other"] = catalogue.quizzes["what-is-sextortion"]  # type: ignore[index]


def test_version_is_a_short_hash_that_changes_with_the_content(tmp_path: Path) -> None:
    first = load_catalogue(write_valid_tree(tmp_path / "a")).version
    same = load_catalogue(write_valid_tree(tmp_path / "b")).version
    edited = LESSON_ONE.replace("straight away", "today")
    changed = load_catalogue(write_valid_tree(tmp_path / "c", lesson_one=edited)).version
    assert len(first) == 12
    int(first, 16)
    assert first == same
    assert first != changed


def test_broken_content_raises_with_every_problem_one_per_line(tmp_path: Path) -> None:
    broken = LESSON_ONE.replace("minutes: 5", "minutes: 50").replace("title: What", "titel: What")
    with pytest.raises(ContentError) as raised:
        load_catalogue(write_valid_tree(tmp_path, lesson_one=broken))
    lines = str(raised.value).splitlines()
    assert len(raised.value.problems) == len(lines) >= 2
    assert all(line.startswith("lessons/01-what-is-sextortion.md:") for line in lines)


# --- checking: every planted mistake, with its file and line -----------------------------


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
    assert problem.line == 7  # PyYAML's problem mark: it notices the missing `]` at the next key
    assert "broken YAML" in problem.message


def test_missing_front_matter_field_points_at_the_front_matter_start(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(
        "summary: How the crime works, and why it is never the victim's fault.\n", ""
    )
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert (
        str(problem) == f"{LESSON_ONE_FILE}:1: `summary` is missing. Add `summary:` to this part."
    )


def test_minutes_in_front_matter_is_refused_because_it_is_worked_out(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace("# minutes: worked out from the words and questions", "minutes: 5")
    problem = only_problem(problems_in_tree(tmp_path, lesson_one=lesson))
    assert str(problem) == (
        f"{LESSON_ONE_FILE}:6: `minutes` is worked out now, from the lesson's words and "
        "questions (course/content/minutes.py). Remove this line."
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
        "summary: The steps that help.", "summary: The steps that help.\nsummary: Again."
    )
    problems = problems_in_tree(tmp_path, lesson_two=lesson)
    assert [(p.file, p.line) for p in problems] == [(LESSON_TWO_FILE, 4), (LESSON_TWO_FILE, 8)]
    assert "already used by lessons/01-what-is-sextortion.md" in problems[0].message
    assert "`summary` appears twice" in problems[1].message


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
    problems = check_content(write_files(tmp_path, files | {HELP_FILE: HELP, STEPS_FILE: STEPS}))
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
    write_files(tmp_path, {LESSON_ONE_FILE: lesson, HELP_FILE: HELP, STEPS_FILE: STEPS})
    assert check_content(tmp_path) == []


def test_number_out_of_range(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("order: 2", "order: 0")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert str(problem) == f"{LESSON_TWO_FILE}:4: `order` is `0`. Use 1 or more."


def test_files_that_would_be_skipped_are_reported(tmp_path: Path) -> None:
    write_files(tmp_path, {"quizzes/extra.yml": "slug: x\n", "lessons/.draft.md": "ignored"})
    problems = problems_in_tree(tmp_path)
    assert [(p.file, p.line) for p in problems] == [("quizzes/extra.yml", 0)]
