"""The shipped course has what the campaign asked for: six lessons, forty items, every type."""

from __future__ import annotations

from collections import Counter

from course.content.loader import load_catalogue
from course.content.schema import AUDIENCES, BranchingItem
from course.settings import REPO_ROOT

CATALOGUE = load_catalogue(REPO_ROOT)
ITEMS = [item for quiz in CATALOGUE.quizzes.values() for item in quiz.items]


def test_six_lessons_of_three_to_seven_minutes_each_with_a_quiz() -> None:
    assert len(CATALOGUE.lessons) >= 6
    for lesson in CATALOGUE.lessons:
        assert 3 <= lesson.minutes <= 7, lesson.slug
        assert lesson.quiz in CATALOGUE.quizzes, lesson.slug
        assert lesson.content_note, f"{lesson.slug} discusses threats: it needs a content note"


def test_forty_items_of_every_type() -> None:
    types = Counter(item.type for item in ITEMS)
    assert len(ITEMS) >= 40
    assert set(types) == {"choice", "multi", "red-flags", "branching", "order"}
    assert types["red-flags"] >= 3
    assert types["branching"] >= 3
    assert types["order"] >= 2


def test_every_audience_gets_enough_of_every_quiz() -> None:
    for band in AUDIENCES:
        for lesson in CATALOGUE.lessons_for(band):
            quiz = CATALOGUE.quiz(str(lesson.quiz))
            assert quiz is not None
            assert len(quiz.items_for(band)) >= 4, (band, lesson.slug)


def test_branching_chats_include_a_payment_already_made_and_a_friend_as_target() -> None:
    chats = [item for item in ITEMS if isinstance(item, BranchingItem)]
    prompts = " ".join(item.prompt_html.lower() for item in chats)
    assert "paid" in prompts
    assert "friend" in prompts
