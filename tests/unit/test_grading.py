"""Grading is a pure function of an item and a choice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.content.schema import ChoiceItem, Option
from course.quizzes.grading import InvalidChoice, decode_choice, encode_choice, grade, parse_choice


def make_item(kind: str, correct: set[str], ids: str = "abcd") -> ChoiceItem:
    options = tuple(
        Option(id=i, text_html=i, correct=i in correct, feedback_html=f"why {i}") for i in ids
    )
    return ChoiceItem(
        id="x",
        type=kind,
        prompt_html="?",
        options=options,
        audiences=("14-18",),  # type: ignore[arg-type]
        explanation_html=None,
        line=1,
    )


def test_choice_right_and_wrong() -> None:
    item = make_item("choice", {"b"})
    assert grade(item, frozenset("b")).correct
    assert grade(item, frozenset("b")).score == 1
    assert not grade(item, frozenset("a")).correct
    assert grade(item, frozenset("a")).score == 0


def test_multi_gives_partial_credit_and_takes_off_false_alarms() -> None:
    item = make_item("multi", {"a", "b"})
    assert grade(item, frozenset("a")).score == 0.5
    assert grade(item, frozenset("ac")).score == 0
    assert grade(item, frozenset("ab")).correct


def test_every_option_gets_a_verdict() -> None:
    item = make_item("multi", {"a", "b"})
    verdicts = {r.option.id: r.verdict for r in grade(item, frozenset("ac")).options}
    assert verdicts == {"a": "right", "b": "missed", "c": "wrong", "d": "neutral"}


@pytest.mark.parametrize(
    ("kind", "submitted", "message"),
    [
        ("choice", [], "Choose an answer"),
        ("multi", [], "Choose at least one answer"),
        ("choice", ["a", "b"], "not one of the options"),
        ("choice", ["z"], "not one of the options"),
    ],
)
def test_parse_choice_refuses_bad_input_with_advice(
    kind: str, submitted: list[str], message: str
) -> None:
    with pytest.raises(InvalidChoice, match=message):
        parse_choice(make_item(kind, {"a"}), submitted)


@given(st.sets(st.sampled_from("abcd"), min_size=1), st.sets(st.sampled_from("abcd"), min_size=1))
def test_score_stays_between_zero_and_one(correct: set[str], chosen: set[str]) -> None:
    result = grade(make_item("multi", correct), frozenset(chosen))
    assert 0 <= result.score <= 1
    assert result.correct == (result.score == 1)


@given(st.lists(st.sampled_from("abcd"), min_size=1))
def test_choice_encoding_round_trips_whatever_the_order(chosen: list[str]) -> None:
    assert decode_choice(encode_choice(frozenset(chosen))) == frozenset(chosen)
    assert encode_choice(frozenset(chosen)) == encode_choice(frozenset(reversed(chosen)))
