"""The live running order, from the shipped content: every lesson's text and every question of
the band, in course order, each question a poll whose answers can be checked."""

from __future__ import annotations

import pytest

from course.content.schema import AUDIENCES, Catalogue
from course.live.steps import Poll, PollOption, running_order, sections, step_at


@pytest.mark.parametrize("band", AUDIENCES)
def test_every_lesson_and_every_question_of_the_band_is_a_step_in_course_order(
    catalogue: Catalogue, band: str
) -> None:
    order = running_order(catalogue, band)
    keys = [step.key for step in order]
    assert len(keys) == len(set(keys)), "a step key repeats: answers would be mixed up"
    lessons = [step.lesson for step in order if step.lesson]
    titles = [lesson.title for lesson in catalogue.lessons_for(band)]
    assert list(dict.fromkeys(lessons)) == titles
    for lesson in catalogue.lessons_for(band):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        expected = (
            {f"q/{item.id}" for item in quiz.items if band in item.audiences} if quiz else set()
        )
        assert expected <= set(keys)
    assert order[-1].kind == "end"
    assert running_order(catalogue, band) is order  # built once


def test_a_lessons_text_is_split_at_its_headings_and_loses_nothing(catalogue: Catalogue) -> None:
    lesson = catalogue.lessons_for("14-18")[0]
    steps = sections(lesson, "14-18")
    html = lesson.html_for("14-18")
    assert steps[0].heading_html == lesson.title
    assert [s.heading_html for s in steps[1:]] == [
        part.split("</h2>")[0] for part in html.split("<h2>")[1:]
    ]
    assert sum(len(step.body_html) for step in steps) > 0.9 * len(html)
    assert any("Sam" in step.heading_html for step in steps)  # the film is a step of its own


def test_every_question_has_options_and_a_right_answer_where_one_exists(
    catalogue: Catalogue,
) -> None:
    for band in AUDIENCES:
        for step in running_order(catalogue, band):
            if step.kind != "question":
                continue
            assert step.poll is not None and len(step.poll.options) >= 2, step.key
            rights = [option.right for option in step.poll.options]
            if step.poll.ask.startswith("What would you do next"):
                assert set(rights) == {None}, step.key  # a chat's decision: the class talks
            else:
                assert True in rights, f"{step.key}: no right answer to show"


def test_a_poll_takes_only_its_own_options_and_one_unless_it_is_multiple() -> None:
    options = (PollOption("a", "A", True), PollOption("b", "B", False))
    single, multiple = Poll(False, "Choose one.", options), Poll(True, "Choose any.", options)
    assert single.valid(("a",)) and not single.valid(("a", "b"))
    assert multiple.valid(("a", "b")) and not multiple.valid(("a", "a"))
    for poll in (single, multiple):
        assert not poll.valid(()) and not poll.valid(("c",))


def test_a_step_out_of_range_is_kept_within_the_running_order(catalogue: Catalogue) -> None:
    order = running_order(catalogue, "adult")
    assert step_at(catalogue, "adult", -3) == order[0]
    assert step_at(catalogue, "adult", 10_000) == order[-1]
