"""Branching chats: walking the graph is a pure function of the item."""

from __future__ import annotations

import pytest

from course.quizzes.grading import InvalidChoice
from course.quizzes.scenarios import (
    ScenarioState,
    available_choices,
    choose,
    replay,
    start,
)
from tests.scenario_helpers import back, ended, reachable_states
from tests.unit.scenario_graphs import THREAT, choice, ending, node, scenario

# --- walking -------------------------------------------------------------------------------


def test_start_is_the_start_node_with_nothing_remembered() -> None:
    state = start(THREAT)
    assert state == ScenarioState(THREAT.node("hello"), frozenset(), ())
    assert not ended(state)
    assert [c.id for c in available_choices(THREAT, state)] == ["send", "block"]


def test_choosing_moves_on_and_remembers_flags_and_choices() -> None:
    state = choose(THREAT, start(THREAT), "send")
    assert state.node.id == "threat"
    assert state.flags == frozenset({"sent-photo"})
    assert state.choices == ("send",)
    assert [c.id for c in available_choices(THREAT, state)] == ["pay", "tell", "report-image"]
    finished = choose(THREAT, state, "report-image")
    assert ended(finished)
    assert finished.node.ending == "safe"
    assert available_choices(THREAT, finished) == ()


def test_requires_and_unless_filter_the_choices() -> None:
    item = scenario(
        node(
            "hello",
            choice("a", "end", requires=["x"]),
            choice("b", "end", unless=["x"]),
            choice("c", "end", requires=["x"], unless=["y"]),
        ),
        ending("end"),
    )
    at = start(item)
    offered = {
        flags: [c.id for c in available_choices(item, ScenarioState(at.node, frozenset(flags), ()))]
        for flags in ("", "x", "y", "xy")
    }
    assert offered == {"": ["b"], "x": ["a", "c"], "y": ["b"], "xy": ["a"]}


def test_a_choice_that_is_not_offered_is_refused_with_advice() -> None:
    with pytest.raises(InvalidChoice, match="not offered here"):
        choose(THREAT, start(THREAT), "report-image")  # needs sent-photo
    with pytest.raises(InvalidChoice, match="not offered here"):
        choose(THREAT, start(THREAT), "nope")
    ended = replay(THREAT, ["block"])
    with pytest.raises(InvalidChoice, match="This chat has ended"):
        choose(THREAT, ended, "send")


def test_replay_resumes_and_stops_at_the_first_choice_that_no_longer_fits() -> None:
    assert replay(THREAT, []) == start(THREAT)
    assert replay(THREAT, ["send", "pay"]).node.id == "pay-more"
    # `report-image` is not offered without `send`; the replay stops before it.
    stopped = replay(THREAT, ["block", "report-image"])
    assert (stopped.node.id, stopped.choices) == ("safe-end", ("block",))
    stopped = replay(THREAT, ["send", "gone", "pay"])
    assert (stopped.node.id, stopped.choices) == ("threat", ("send",))


def test_back_steps_one_choice_back() -> None:
    state = replay(THREAT, ["send", "tell"])
    assert back(THREAT, state) == replay(THREAT, ["send"])
    assert back(THREAT, back(THREAT, state)) == start(THREAT)
    assert back(THREAT, start(THREAT)) == start(THREAT)


def test_reachable_states_follow_the_flags() -> None:
    states = reachable_states(THREAT)
    assert {(s.node.id, s.flags) for s in states} == {
        ("hello", frozenset()),
        ("threat", frozenset({"sent-photo"})),
        ("safe-end", frozenset()),
        ("safe-end", frozenset({"sent-photo"})),
        ("pay-more", frozenset({"sent-photo"})),
    }
    # Each state comes with the shortest way to reach it, nearest first.
    assert states[0] == start(THREAT)
    assert all(replay(THREAT, s.choices) == s for s in states)
