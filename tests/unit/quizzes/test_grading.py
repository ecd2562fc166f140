"""Grading (course/quizzes/grading.py) is a pure function of an item and an answer: choice and
multi, red-flags and order."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.content.schema import ChoiceItem, Option
from course.quizzes.grading import (
    InvalidChoice,
    decode_choice,
    decode_order,
    encode_choice,
    encode_order,
    grade,
    grade_order,
    grade_red_flags,
    parse_choice,
    parse_order,
    parse_red_flags,
)
from tests.unit.quiz_items import NEW_FOLLOWER, order_item, red_flags, step_ids

# --- choice and multi ----------------------------------------------------------------------


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


# --- red-flags -----------------------------------------------------------------------------


def test_red_flags_grade_shows_found_missed_and_false_alarms_part_by_part() -> None:
    result = grade_red_flags(NEW_FOLLOWER, frozenset({"m1", "school"}))
    assert [p.id for p in result.found] == ["m1"]
    assert [p.id for p in result.missed] == ["joined"]
    assert [p.id for p in result.false_alarms] == ["school"]
    assert result.found[0].explanation_html == "why m1"
    assert (result.correct, result.score) == (False, 0.0)


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        ({"joined", "m1"}, 1.0),
        ({"joined"}, 0.5),
        ({"joined", "m1", "m2"}, 0.5),
        ({"school", "m2"}, 0.0),
        ({"school", "m2", "joined"}, 0.0),
    ],
)
def test_red_flags_score_counts_flags_found_minus_false_alarms(
    chosen: set[str], score: float
) -> None:
    result = grade_red_flags(NEW_FOLLOWER, frozenset(chosen))
    assert result.score == score
    assert result.correct == (score == 1.0)


def test_parse_red_flags_refuses_bad_input_with_advice() -> None:
    assert parse_red_flags(NEW_FOLLOWER, ["m1", "m1", "joined"]) == frozenset({"m1", "joined"})
    with pytest.raises(InvalidChoice, match=r"^Select the parts you think are warning signs, then"):
        parse_red_flags(NEW_FOLLOWER, [])
    with pytest.raises(InvalidChoice, match=r"^That answer is not one of the options"):
        parse_red_flags(NEW_FOLLOWER, ["m1", "m9"])


parts_with_flags = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", "f"]), st.booleans(), min_size=1
).filter(lambda flags: any(flags.values()))


@given(parts_with_flags, st.data())
def test_red_flags_score_stays_in_bounds_and_is_one_only_when_fully_right(
    flags: dict[str, bool], data: st.DataObject
) -> None:
    split = data.draw(st.integers(0, len(flags)))
    ids = list(flags)
    item = red_flags({i: flags[i] for i in ids[:split]}, {i: flags[i] for i in ids[split:]})
    chosen = frozenset(data.draw(st.sets(st.sampled_from(ids))))
    result = grade_red_flags(item, chosen)
    assert 0 <= result.score <= 1
    assert (result.score == 1) == result.correct == (chosen == item.flags())
    every = result.found + result.missed + result.false_alarms
    assert len(every) == len({p.id for p in every})
    assert {p.id for p in result.found + result.missed} == item.flags()


# --- order ---------------------------------------------------------------------------------


FIRST_HOUR = order_item()  # every step after the one before it: one right order
# Only two pairs matter: a before b (say, screenshot before block) and c before d.
TWO_PAIRS = order_item(pairs=[("a", "b"), ("c", "d")])


def form_for(order: tuple[str, ...]) -> dict[str, str]:
    return {f"position-{step_id}": str(n) for n, step_id in enumerate(order, start=1)}


def test_right_order_scores_one() -> None:
    result = grade_order(FIRST_HOUR, ("a", "b", "c", "d"))
    assert (result.correct, result.score) == (True, 1.0)
    assert all(pair.kept for pair in result.pairs)
    assert result.wrong_way_round == ()


@pytest.mark.parametrize(
    "order",
    [("a", "b", "c", "d"), ("c", "a", "d", "b"), ("c", "d", "a", "b"), ("a", "c", "b", "d")],
)
def test_any_order_that_keeps_the_pairs_that_matter_is_right(order: tuple[str, ...]) -> None:
    result = grade_order(TWO_PAIRS, order)
    assert (result.correct, result.score) == (True, 1.0)


def test_partial_credit_is_the_share_of_pairs_kept_and_names_the_one_the_wrong_way_round() -> None:
    result = grade_order(TWO_PAIRS, ("b", "a", "c", "d"))
    assert (result.correct, result.score) == (False, 0.5)
    [wrong] = result.wrong_way_round
    assert (wrong.first.id, wrong.then.id, wrong.constraint.why_html) == ("a", "b", "a first")
    assert grade_order(TWO_PAIRS, ("d", "b", "c", "a")).score == 0.0


def test_the_grade_keeps_the_learners_order_with_each_steps_reason() -> None:
    result = grade_order(TWO_PAIRS, ("c", "a", "b", "d"))
    assert [step.id for step in result.order] == ["c", "a", "b", "d"]
    assert result.order[1].reason_html == "why a"


def test_a_stored_order_for_edited_content_still_grades() -> None:
    # `x` is gone from the item and `d` is new: unknown ids are dropped, missing steps go last.
    result = grade_order(FIRST_HOUR, ("b", "x", "a", "c"))
    assert [step.id for step in result.order] == ["b", "a", "c", "d"]
    assert 0 <= result.score < 1


def test_parse_order_reads_positions_whatever_the_field_order() -> None:
    form = {
        "csrf": "t",
        "position-c": "1",
        "position-a": " 2 ",
        "position-d": "4",
        "position-b": "3",
    }
    assert parse_order(FIRST_HOUR, form) == ("c", "a", "b", "d")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"position-a": "1", "position-b": "2", "position-c": "3"},
            "Give every step a position, then press Check.",
        ),
        (
            {"position-a": "1", "position-b": "2", "position-c": "3", "position-d": " "},
            "Give every step a position, then press Check.",
        ),
        (
            {"position-a": "1", "position-b": "2", "position-c": "2", "position-d": "1"},
            "Position 1 is given to more than one step. Give each step its own position.",
        ),
        (
            {"position-a": "1", "position-b": "2", "position-c": "3", "position-d": "3"},
            "Position 3 is given to more than one step. Give each step its own position.",
        ),
        (
            {"position-a": "1", "position-b": "2", "position-c": "3", "position-d": "5"},
            "Give each step a position from 1 to 4, then press Check.",
        ),
        (
            {"position-a": "0", "position-b": "2", "position-c": "3", "position-d": "4"},
            "Give each step a position from 1 to 4, then press Check.",
        ),
        (
            {"position-a": "one", "position-b": "2", "position-c": "3", "position-d": "4"},
            "Give each step a position from 1 to 4, then press Check.",
        ),
        (
            {"position-a": "-1", "position-b": "2", "position-c": "3", "position-d": "4"},
            "Give each step a position from 1 to 4, then press Check.",
        ),
        (
            {"position-a": "²", "position-b": "2", "position-c": "3", "position-d": "4"},
            "Give each step a position from 1 to 4, then press Check.",
        ),
    ],
)
def test_parse_order_refuses_bad_input_with_advice(form: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidChoice) as refused:
        parse_order(FIRST_HOUR, form)
    assert str(refused.value) == message


def test_order_encoding_keeps_the_order() -> None:
    assert encode_order(("c", "a", "b", "d")) == "c,a,b,d"
    assert decode_order("c,a,b,d") == ("c", "a", "b", "d")
    assert decode_order("") == ()


@given(step_ids, st.data())
def test_order_score_stays_in_bounds_and_is_one_only_when_every_pair_is_kept(
    ids: list[str], data: st.DataObject
) -> None:
    pairs = data.draw(
        st.lists(st.sampled_from(list(itertools.combinations(ids, 2))), min_size=1, unique=True)
    )
    item = order_item(ids, pairs=pairs)
    order = tuple(data.draw(st.permutations(ids)))
    result = grade_order(item, order)
    assert 0 <= result.score <= 1
    kept = [order.index(first) < order.index(then) for first, then in pairs]
    assert result.correct == all(kept) == (result.score == 1)
    assert result.score == pytest.approx(sum(kept) / len(pairs))
    assert sorted(step.id for step in result.order) == sorted(ids)


@given(step_ids, st.data())
def test_a_reordered_answer_scores_the_same_however_it_was_entered(
    ids: list[str], data: st.DataObject
) -> None:
    item = order_item(ids)
    order = tuple(data.draw(st.permutations(ids)))
    fields = [*form_for(order).items(), ("csrf_token", "x"), ("item", "ord")]
    entered = data.draw(st.permutations(fields))
    parsed = parse_order(item, dict(entered))
    assert parsed == order
    assert decode_order(encode_order(parsed)) == order
    assert grade_order(item, parsed) == grade_order(item, order)
