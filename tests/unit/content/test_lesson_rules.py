"""Rules on a whole lesson (course/content/lesson_rules.py) report together with the rules on its
body's text: one check names every mistake at once."""

from pathlib import Path

from tests.unit.content.content_fixtures import (
    GRADE,
    HARDEST,
    LESSON_ONE,
    LESSON_ONE_FILE,
    TEEN_TEXT,
    places,
    problems_in_tree,
)


def test_every_rule_reports_at_once(tmp_path: Path) -> None:
    lesson = LESSON_ONE.replace(TEEN_TEXT, f"{TEEN_TEXT} {HARDEST} They fell for it.")
    problems = problems_in_tree(tmp_path, lesson_one=lesson)
    assert places(problems) == [(LESSON_ONE_FILE, 1), (LESSON_ONE_FILE, 21)]
    assert GRADE.fullmatch(problems[0].message)
    assert problems[1].message.startswith("“fell for” can sound like blame.")
