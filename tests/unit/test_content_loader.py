"""Loading content files into the catalogue, and looking things up in it."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from course.content.loader import ContentError, load_catalogue
from course.content.schema import AUDIENCES
from tests.unit.content_fixtures import LESSON_ONE, LESSON_TWO_FILE, write_valid_tree

REPO_ROOT = Path(__file__).parents[2]


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


def test_real_content_loads() -> None:
    catalogue = load_catalogue(REPO_ROOT)
    assert catalogue.lessons
    for lesson in catalogue.lessons:
        for band in lesson.audiences:
            assert lesson.html_for(band)
