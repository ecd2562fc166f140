"""The course's one list of steps (lessons/steps.yaml): read, checked, and shown in one order by
the lessons' ```what-to-do blocks and the order items that name a step; and the order items'
constraints, checked by check-content."""

from pathlib import Path

from course.content.loader import Problem, check_content, load_catalogue
from course.content.schema import OrderItem
from tests.unit.content.content_fixtures import (
    LESSON_TWO,
    LESSON_TWO_FILE,
    SCENARIOS,
    SCENARIOS_FILE,
    STEPS,
    STEPS_FILE,
    only_problem,
    problems_in_tree,
    write_scenario_tree,
    write_valid_tree,
)


def test_a_block_shows_the_named_steps_in_the_courses_order_worded_for_the_band(
    tmp_path: Path,
) -> None:
    lesson = LESSON_TWO.replace("```what-to-do dont-pay report", "```what-to-do report dont-pay")
    catalogue = load_catalogue(write_valid_tree(tmp_path, lesson_two=lesson))
    assert catalogue.steps.ids() == ("dont-pay", "report")
    found = catalogue.lesson("what-to-do")
    assert found is not None
    html = found.html_for("adult")
    assert html.index('data-step="dont-pay"') < html.index('data-step="report"')
    assert "<strong>Don't pay.</strong> Paying rarely stops it." in html.replace("&#x27;", "'")
    [(_, eleven)] = [pair for pair in catalogue.steps.shown("11-13") if pair[0].id == "report"]
    assert (eleven.text_html, eleven.detail_html) == (
        "Tell an adult and report it.",
        "Tell the app and the police.",
    )


def test_an_empty_block_shows_every_step(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("```what-to-do dont-pay report", "```what-to-do")
    found = load_catalogue(write_valid_tree(tmp_path, lesson_two=lesson)).lesson("what-to-do")
    assert found is not None
    assert found.html_for("adult").count("<li data-step=") == 2


def test_an_unknown_step_in_a_block_is_reported_at_its_line(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace(
        "```what-to-do dont-pay report", "```what-to-do dont-pay report pay"
    )
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert (problem.file, problem.line) == (LESSON_TWO_FILE, 12)
    assert problem.message == (
        f"unknown step `pay`. Use one of the ids in {STEPS_FILE}: dont-pay, report."
    )


def test_a_block_with_its_own_list_is_refused(tmp_path: Path) -> None:
    lesson = LESSON_TWO.replace("```what-to-do dont-pay report\n", "```what-to-do\n1. Stop\n")
    problem = only_problem(problems_in_tree(tmp_path, lesson_two=lesson))
    assert (problem.file, problem.line) == (LESSON_TWO_FILE, 12)
    assert "shows the course's steps from lessons/steps.yaml and holds no text" in problem.message


def test_a_missing_steps_file_is_a_problem(tmp_path: Path) -> None:
    write_valid_tree(tmp_path)
    (tmp_path / STEPS_FILE).unlink()
    [problem] = [p for p in check_content(tmp_path) if p.file == STEPS_FILE]
    assert problem.line == 0
    assert problem.message.startswith("the steps file is missing")


def test_mistakes_in_the_steps_file_name_their_line(tmp_path: Path) -> None:
    steps = (
        STEPS.replace("  - id: report", "  - id: dont-pay")
        .replace("      11-13:\n        text: Tell", "      teens:\n        text: Tell")
        .replace("detail: Tell the app and the police.", "detail: You should have known.")
    )
    problems = [p for p in problems_in_tree(tmp_path, steps=steps) if p.file == STEPS_FILE]
    assert [p.line for p in problems] == [12]
    assert "unknown audience `teens`" in problems[0].message
    fixed_band = steps.replace("      teens:", "      11-13:")
    problems = [p for p in problems_in_tree(tmp_path, steps=fixed_band) if p.file == STEPS_FILE]
    assert [(p.file, p.line) for p in problems] == [(STEPS_FILE, 8), (STEPS_FILE, 10)]
    assert problems[0].message.startswith("step id `dont-pay` is used twice")
    assert "“should have known” can sound like blame" in problems[1].message


# --- order items: canonical steps and constraints ------------------------------------------

WITH_CANONICAL = SCENARIOS.replace(
    "      - id: stop\n        text: Stop replying\n", "      - step: dont-pay\n"
).replace("      - first: save\n", "      - first: dont-pay\n")


def test_an_order_item_step_takes_the_courses_text(tmp_path: Path) -> None:
    found = load_catalogue(write_scenario_tree(tmp_path, WITH_CANONICAL)).item("ord-first-hour")
    assert found is not None
    item = found[1]
    assert isinstance(item, OrderItem)
    assert (item.steps[0].id, item.steps[0].canonical) == ("dont-pay", "dont-pay")
    assert item.steps[0].text_html == "Don't pay."
    assert not item.keeps_all(tuple(step.id for step in item.shuffled()))


def planted(root: Path, scenarios: str) -> Problem:
    problem = only_problem(check_content(write_scenario_tree(root, scenarios)))
    assert problem.file == SCENARIOS_FILE
    return problem


def test_an_unknown_course_step_in_an_order_item(tmp_path: Path) -> None:
    problem = planted(tmp_path, WITH_CANONICAL.replace("dont-pay", "do-not-pay"))
    assert problem.line == 71
    assert problem.message.startswith("unknown step `do-not-pay` in item `ord-first-hour`")


def test_a_step_with_both_a_course_step_and_its_own_text(tmp_path: Path) -> None:
    both = WITH_CANONICAL.replace(
        "      - step: dont-pay\n", "      - step: dont-pay\n        text: x\n"
    )
    problem = planted(tmp_path, both)
    assert problem.line == 71
    assert "needs either `step:`" in problem.message


def test_constraints_must_name_two_steps_of_the_item(tmp_path: Path) -> None:
    problem = planted(tmp_path, SCENARIOS.replace("then: block", "then: blok"))
    assert problem.line == 84
    assert problem.message == (
        "the constraint names `blok`, which is not a step of item `ord-first-hour`. "
        "Use one of: stop, save, block, tell."
    )
    problem = planted(tmp_path / "b", SCENARIOS.replace("then: block", "then: save"))
    assert "puts `save` before itself" in problem.message


def test_constraints_that_go_round_in_a_circle_are_refused(tmp_path: Path) -> None:
    circle = SCENARIOS + (
        "      - first: block\n        then: tell\n        why: Then tell.\n"
        "      - first: tell\n        then: save\n        why: Tell first.\n"
    )
    problem = planted(tmp_path, circle)
    assert problem.line == 90
    assert "goes round in a circle" in problem.message


def test_an_order_item_needs_constraints(tmp_path: Path) -> None:
    start = SCENARIOS.index("    constraints:")
    problem = planted(tmp_path, SCENARIOS[:start])
    assert problem.line == 67
    assert problem.message.startswith("`constraints` is missing")
