"""Checking a branching chat's graph (course/content/graph_checks.py) is a pure function of
the item: every walk can reach an ending, and every node and choice can be seen."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from course.content.graph_checks import graph_problems
from course.content.schema import BranchingItem, Node
from course.quizzes.scenarios import available_choices, choose, replay, start
from tests.scenario_helpers import back, ended, reachable_states
from tests.unit.scenario_graphs import THREAT, choice, ending, node, scenario, valid_graphs

# --- checking the graph --------------------------------------------------------------------


def test_the_example_has_no_problems() -> None:
    assert graph_problems(THREAT) == []


def test_unknown_start() -> None:
    item = scenario(*THREAT.nodes, start_at="helo")
    assert graph_problems(item) == [
        (
            1,
            "`start` names `helo`, but there is no node with that id in item `br`. "
            "Use the id of the node the chat starts at",
        )
    ]


def test_choice_to_an_unknown_node_names_the_choice_line() -> None:
    item = scenario(
        node("hello", choice("go", "nowhere", line=11), choice("ok", "end", line=12), line=10),
        ending("end", line=20),
    )
    assert graph_problems(item) == [
        (
            11,
            "choice `go` leads to `nowhere`, but there is no node with that id. "
            "Fix `next:` to name a node of this item",
        )
    ]


def test_unreachable_node_and_path_with_no_ending() -> None:
    item = scenario(
        node("hello", choice("go", "stuck", line=11), choice("ok", "end", line=12), line=10),
        node("stuck", line=20),
        ending("end", line=30),
        ending("lonely", line=40),
    )
    problems = graph_problems(item)
    assert [line for line, _ in problems] == [20, 40]
    assert problems[0][1].startswith("node `stuck` has no choices and is not an ending")
    assert problems[1][1].startswith("node `lonely` cannot be reached from the start")


def test_cycle_with_no_way_out_is_reported_once_at_its_first_node() -> None:
    item = scenario(
        node("hello", choice("in", "a", line=11), choice("ok", "end", line=12), line=10),
        node("a", choice("to-b", "b"), line=20),
        node("b", choice("to-c", "c"), line=30),
        node("c", choice("to-a", "a"), choice("to-b", "b"), line=40),
        ending("end", line=50),
    )
    assert graph_problems(item) == [
        (
            20,
            "nodes `a`, `b`, `c` form a loop with no way out after the choice `in`: no ending "
            "can be reached from there. Add a choice that leads towards an ending",
        )
    ]


def test_a_loop_with_a_way_out_is_fine() -> None:
    item = scenario(
        node("hello", choice("again", "hello"), choice("ok", "end")),
        ending("end"),
    )
    assert graph_problems(item) == []


def test_a_loop_that_closes_only_once_a_flag_is_set() -> None:
    item = scenario(
        node("hello", choice("look", "spin"), choice("trap", "spin", sets=["caught"]), line=10),
        node("spin", choice("round", "spin"), choice("out", "end", unless=["caught"]), line=20),
        ending("end"),
    )
    problems = graph_problems(item)
    assert [line for line, _ in problems] == [20]
    assert problems[0][1].startswith("node `spin` loops back to itself with no way out after")


def test_dead_end_when_flags_hide_every_choice() -> None:
    item = scenario(
        node("hello", choice("x", "mid", sets=["x"]), choice("y", "mid"), line=10),
        node("mid", choice("on", "end", unless=["x"], line=21), line=20),
        ending("end"),
    )
    assert graph_problems(item) == [
        (
            20,
            "node `mid` offers no choice after the choice `x`, so the chat gets stuck there. "
            "Add a choice without `requires:`, or change the `requires:` and `unless:` of its "
            "choices",
        )
    ]


def test_flags_nobody_sets_and_choices_never_shown() -> None:
    item = scenario(
        node(
            "hello",
            choice("a", "end", requires=["typo"], line=11),
            choice("b", "end", requires=["later"], line=12),
            choice("c", "mid", sets=["later"], line=13),
            line=10,
        ),
        node("mid", choice("d", "end"), line=20),
        ending("end"),
    )
    problems = graph_problems(item)
    assert [line for line, _ in problems] == [11, 12]
    assert problems[0][1].startswith("choice `a` has `requires: [typo]`, but no choice sets")
    assert problems[1][1].startswith("choice `b` is never shown: no way to reach node `hello`")


def test_endings_need_title_text_and_no_choices_and_there_is_a_safe_one() -> None:
    bare = Node(
        id="bare",
        messages=(),
        choices=(choice("again", "hello"),),
        ending="risky",
        title=None,
        text_html=None,
        line=20,
    )
    item = scenario(node("hello", choice("go", "bare"), line=10), bare)
    messages = [message.split(".")[0] for _, message in graph_problems(item)]
    assert messages == [
        "branching item `br` has no safe ending",
        "node `bare` is an ending but has choices",
        "ending `bare` has no `title`",
        "ending `bare` has no `text`",
    ]


def test_too_many_states_are_reported_not_explored_forever() -> None:
    flags = [f"f{n}" for n in range(6)]
    item = scenario(
        node(
            "hello",
            *(choice(f"set-{flag}", "hello", sets=[flag]) for flag in flags),
            choice("ok", "end"),
        ),
        ending("end"),
    )
    assert graph_problems(item) == []  # 64 states
    problems = graph_problems(item, limit=10)
    assert problems == [
        (
            1,
            "branching item `br` has more than 10 combinations of nodes and remembered choices "
            "to check. Use fewer `sets:` flags",
        )
    ]
    assert len(reachable_states(item, limit=10)) == 10


# --- property tests: random valid graphs ---------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(valid_graphs(), st.randoms(use_true_random=False))
def test_every_valid_graph_passes_and_every_walk_ends(
    item: BranchingItem, rnd: random.Random
) -> None:
    assert graph_problems(item) == []
    states = reachable_states(item)
    state = start(item)
    for _ in range(len(states)):
        if ended(state):
            break
        state = choose(item, state, rnd.choice(available_choices(item, state)).id)
    assert ended(state)
    assert replay(item, state.choices) == state
    if state.choices:
        assert back(item, state) == replay(item, state.choices[:-1])


@settings(max_examples=200, deadline=None)
@given(valid_graphs(guarded=False))
def test_graphs_with_loops_that_have_a_way_out_pass(item: BranchingItem) -> None:
    assert graph_problems(item) == []
    state = start(item)
    for _ in range(len(item.nodes)):  # the first choice always leads forward
        if ended(state):
            break
        state = choose(item, state, available_choices(item, state)[0].id)
    assert ended(state)


@settings(max_examples=100, deadline=None)
@given(valid_graphs(guarded=False), st.data())
def test_cutting_every_way_into_a_node_makes_it_unreachable(
    item: BranchingItem, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from([n for n in item.nodes if n.id != item.start]))
    cut = tuple(
        n.model_copy(update={"choices": tuple(c for c in n.choices if c.next != target.id)})
        for n in item.nodes
    )
    problems = graph_problems(item.model_copy(update={"nodes": cut}))
    assert (
        target.line,
        f"node `{target.id}` cannot be reached from the start. Add a choice "
        "that leads to it (check the `requires:` and `unless:` on the way), or remove it",
    ) in problems
