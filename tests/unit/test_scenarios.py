"""Branching chats: walking the graph and checking it are pure functions of the item."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.content.schema import BranchingItem, Choice, Message, Node
from course.quizzes.grading import InvalidChoice
from course.quizzes.scenarios import (
    ScenarioState,
    available_choices,
    back,
    choose,
    graph_problems,
    reachable_states,
    replay,
    start,
)


def choice(
    choice_id: str,
    next_node: str,
    *,
    sets: Sequence[str] = (),
    requires: Sequence[str] = (),
    unless: Sequence[str] = (),
    line: int = 0,
) -> Choice:
    return Choice(
        id=choice_id,
        text_html=choice_id,
        next=next_node,
        sets=tuple(sets),
        requires=tuple(requires),
        unless=tuple(unless),
        line=line,
    )


def node(node_id: str, *choices: Choice, line: int = 0) -> Node:
    return Node(
        id=node_id,
        messages=(Message(sender="them", text_html=f"{node_id}?"),),
        choices=choices,
        ending=None,
        title=None,
        text_html=None,
        line=line,
    )


def ending(node_id: str, kind: Literal["safe", "risky"] = "safe", line: int = 0) -> Node:
    return Node(
        id=node_id,
        messages=(),
        choices=(),
        ending=kind,
        title=f"{node_id} title",
        text_html=f"<p>{node_id}</p>",
        line=line,
    )


def scenario(*nodes: Node, start_at: str = "hello") -> BranchingItem:
    return BranchingItem(
        id="br",
        type="branching",
        prompt_html="Play",
        audiences=("14-18",),
        explanation_html=None,
        line=1,
        start=start_at,
        nodes=nodes,
    )


# The example from docs/CONTENT.md, with lines for its nodes (10, 20…) and choices (11, 12…).
THREAT = scenario(
    node(
        "hello",
        choice("send", "threat", sets=["sent-photo"], line=11),
        choice("block", "safe-end", line=12),
        line=10,
    ),
    node(
        "threat",
        choice("pay", "pay-more", line=21),
        choice("tell", "safe-end", line=22),
        choice("report-image", "safe-end", requires=["sent-photo"], line=23),
        line=20,
    ),
    ending("safe-end", "safe", line=30),
    ending("pay-more", "risky", line=40),
)


# --- walking -------------------------------------------------------------------------------


def test_start_is_the_start_node_with_nothing_remembered() -> None:
    state = start(THREAT)
    assert state == ScenarioState(THREAT.node("hello"), frozenset(), ())
    assert not state.ended
    assert [c.id for c in available_choices(THREAT, state)] == ["send", "block"]


def test_choosing_moves_on_and_remembers_flags_and_choices() -> None:
    state = choose(THREAT, start(THREAT), "send")
    assert state.node.id == "threat"
    assert state.flags == frozenset({"sent-photo"})
    assert state.choices == ("send",)
    assert [c.id for c in available_choices(THREAT, state)] == ["pay", "tell", "report-image"]
    finished = choose(THREAT, state, "report-image")
    assert finished.ended
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


@st.composite
def valid_graphs(draw: st.DrawFn, guarded: bool = True) -> BranchingItem:
    """A random valid chat: layers of nodes, each with a way forward, ending in endings.

    Some nodes are offered an extra choice only when reached by their parent (`requires`);
    back-edges lead to earlier layers. When `guarded`, each back-edge can be taken once
    (`sets` and `unless` its own flag), so every walk ends.
    """
    inner = draw(st.lists(st.integers(1, 3), max_size=4))
    endings_count = draw(st.integers(1, 3))
    layers = [["start"]] + [[f"n{i}-{j}" for j in range(size)] for i, size in enumerate(inner)]
    ending_ids = [f"end-{j}" for j in range(endings_count)]
    layers.append(ending_ids)
    choices: dict[str, list[Choice]] = {node_id: [] for layer in layers for node_id in layer}
    inner_ids = [node_id for layer in layers[1:-1] for node_id in layer]
    gated = set(draw(st.lists(st.sampled_from(inner_ids), max_size=2))) if inner_ids else set()

    def add(node_id: str, next_node: str, **flags: list[str]) -> None:
        number = len(choices[node_id])
        choices[node_id].append(choice(f"c{number}", next_node, **flags))  # type: ignore[arg-type]

    # Every node after the start has a parent in the layer before: all are reachable.
    for depth in range(1, len(layers)):
        for node_id in layers[depth]:
            parent = draw(st.sampled_from(layers[depth - 1]))
            add(parent, node_id, sets=[f"via-{node_id}"] if node_id in gated else [])
    # Every non-ending has a way forward with no conditions, offered first.
    for depth, layer in enumerate(layers[:-1]):
        later = [node_id for deeper in layers[depth + 1 :] for node_id in deeper]
        for node_id in layer:
            if not choices[node_id]:
                add(node_id, draw(st.sampled_from(later)))
    back_flags: list[str] = []
    for depth, layer in enumerate(layers[1:-1], start=1):
        earlier = [node_id for shallower in layers[:depth] for node_id in shallower]
        for node_id in layer:
            if draw(st.integers(0, 3)) == 0:
                flag = f"back-{len(back_flags)}"
                back_flags.append(flag)
                target = draw(st.sampled_from(earlier))
                add(node_id, target, sets=[flag], unless=[flag] if guarded else [])
    for depth, layer in enumerate(layers[1:-1], start=1):
        later = [node_id for deeper in layers[depth + 1 :] for node_id in deeper]
        for node_id in layer:
            if node_id in gated:
                add(node_id, draw(st.sampled_from(later)), requires=[f"via-{node_id}"])
            if back_flags and draw(st.booleans()) is True:
                add(
                    node_id,
                    draw(st.sampled_from(later)),
                    unless=[draw(st.sampled_from(back_flags))],
                )
    kinds: list[Literal["safe", "risky"]] = ["safe"]
    kinds += [draw(st.sampled_from(["safe", "risky"])) for _ in ending_ids[1:]]
    nodes = [node(node_id, *choices[node_id]) for layer in layers[:-1] for node_id in layer]
    nodes += [ending(node_id, kind) for node_id, kind in zip(ending_ids, kinds, strict=True)]
    numbered = [n.model_copy(update={"line": index * 10}) for index, n in enumerate(nodes, 1)]
    return scenario(*numbered, start_at="start")


@settings(max_examples=200, deadline=None)
@given(valid_graphs(), st.randoms(use_true_random=False))
def test_every_valid_graph_passes_and_every_walk_ends(
    item: BranchingItem, rnd: random.Random
) -> None:
    assert graph_problems(item) == []
    states = reachable_states(item)
    state = start(item)
    for _ in range(len(states)):
        if state.ended:
            break
        state = choose(item, state, rnd.choice(available_choices(item, state)).id)
    assert state.ended
    assert replay(item, state.choices) == state
    if state.choices:
        assert back(item, state) == replay(item, state.choices[:-1])


@settings(max_examples=200, deadline=None)
@given(valid_graphs(guarded=False))
def test_graphs_with_loops_that_have_a_way_out_pass(item: BranchingItem) -> None:
    assert graph_problems(item) == []
    state = start(item)
    for _ in range(len(item.nodes)):  # the first choice always leads forward
        if state.ended:
            break
        state = choose(item, state, available_choices(item, state)[0].id)
    assert state.ended


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
