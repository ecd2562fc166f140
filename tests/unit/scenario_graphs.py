"""Building branching chats for tests: nodes, choices, the example chat, random valid graphs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from hypothesis import strategies as st

from course.content.schema import BranchingItem, Choice, Message, Node


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


# --- random valid graphs ----------------------------------------------------------------


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
