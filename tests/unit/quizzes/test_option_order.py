"""Each learner sees a choice or multi item's options in an order of their own
(course/quizzes/items.py): the same on every request, never stored, and the feedback follows it."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from hypothesis import given
from hypothesis import strategies as st

from course.content.schema import ChoiceItem, Option
from course.quizzes.items import displayed_options, item_view, shuffle_key
from tests.unit.quiz_items import NEW_FOLLOWER


def choice_item(n: int = 4, kind: Literal["choice", "multi"] = "choice") -> ChoiceItem:
    return ChoiceItem(
        id="q1",
        type=kind,
        prompt_html="Which?",
        audiences=("adult",),
        explanation_html=None,
        line=1,
        options=tuple(
            Option(id=f"o{i}", text_html=f"Option {i}", correct=i == 0, feedback_html=f"why {i}")
            for i in range(n)
        ),
    )


ITEM = choice_item()


def shown_ids(item: ChoiceItem, key: int | None) -> list[str]:
    return [option.id for option in displayed_options(item, key)]


def test_without_a_key_options_keep_their_written_order() -> None:
    assert shown_ids(ITEM, None) == ["o0", "o1", "o2", "o3"]


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_a_learner_sees_the_same_order_every_time(learner_id: int) -> None:
    key = shuffle_key(learner_id, "quiz", ITEM.id)
    assert key == shuffle_key(learner_id, "quiz", ITEM.id)
    assert shown_ids(ITEM, key) == shown_ids(ITEM, key)
    assert sorted(shown_ids(ITEM, key)) == ["o0", "o1", "o2", "o3"]


def test_the_key_depends_on_learner_quiz_and_item() -> None:
    keys = {
        shuffle_key(1, "quiz", "q1"),
        shuffle_key(2, "quiz", "q1"),
        shuffle_key(1, "other", "q1"),
        shuffle_key(1, "quiz", "q2"),
    }
    assert len(keys) == 4


def test_every_option_comes_first_about_equally_often() -> None:
    learners = 4000
    firsts = Counter(shown_ids(ITEM, shuffle_key(n, "quiz", ITEM.id))[0] for n in range(learners))
    assert set(firsts) == {"o0", "o1", "o2", "o3"}
    for count in firsts.values():
        assert abs(count / learners - 1 / 4) < 0.03, firsts


def test_feedback_lists_the_options_in_the_order_they_were_shown() -> None:
    item = choice_item(5, "multi")
    key = next(k for k in range(100) if shown_ids(item, k) != shown_ids(item, None))
    view = item_view(item, "o0,o3", key=key)
    assert [option.id for option in view["shown_options"]] == shown_ids(item, key)
    assert [result.option.id for result in view["grade"].options] == shown_ids(item, key)
    assert {r.option.id for r in view["grade"].options if r.chosen} == {"o0", "o3"}


def test_the_order_changes_nothing_of_the_grade() -> None:
    plain = item_view(ITEM, "o0")["grade"]
    shuffled = item_view(ITEM, "o0", key=7)["grade"]
    assert (plain.correct, plain.score) == (shuffled.correct, shuffled.score) == (True, 1.0)


def test_red_flags_parts_keep_the_order_of_the_profile_and_chat() -> None:
    view = item_view(NEW_FOLLOWER, None, key=12345)
    assert "shown_options" not in view
