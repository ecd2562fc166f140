"""Branching chats as graphs: which choices a node offers, and every state a learner can reach.

A learner's place is a node plus the flags their choices have set (`sets`), which decide the
choices offered later (`requires`, `unless`). Pure functions of the content's schema, used by
the content checks (course/content/graph_checks.py) and by the chat itself.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from course.content.schema import BranchingItem, Choice, Node

# The most (node, flags) states checked in one item; more means too many flags to follow.
MAX_STATES = 10_000


def offered(node: Node, flags: frozenset[str]) -> tuple[Choice, ...]:
    """The choices a node offers with these flags set."""
    if node.ending is not None:
        return ()
    return tuple(
        choice
        for choice in node.choices
        if all(flag in flags for flag in choice.requires)
        and not any(flag in flags for flag in choice.unless)
    )


StateKey = tuple[str, frozenset[str]]


@dataclass(frozen=True)
class Exploration:
    """Every (node, flags) state reachable from the start, and the edges between them."""

    paths: dict[StateKey, tuple[str, ...]]  # the first (shortest) choice path to each state
    edges: dict[StateKey, tuple[StateKey, ...]]
    too_many: bool


def explore(item: BranchingItem, limit: int = MAX_STATES) -> Exploration:
    """Breadth-first over (node, flags); flags come from `sets`, so the space is finite."""
    nodes = {node.id: node for node in item.nodes}
    paths: dict[StateKey, tuple[str, ...]] = {}
    edges: dict[StateKey, tuple[StateKey, ...]] = {}
    if item.start not in nodes:
        return Exploration(paths, edges, too_many=False)
    first: StateKey = (item.start, frozenset())
    paths[first] = ()
    queue = deque([first])
    too_many = False
    while queue:
        key = queue.popleft()
        node_id, flags = key
        successors = []
        for choice in offered(nodes[node_id], flags):
            if choice.next not in nodes:
                continue
            following: StateKey = (choice.next, flags | frozenset(choice.sets))
            if following not in paths:
                if len(paths) >= limit:
                    too_many = True
                    continue
                paths[following] = (*paths[key], choice.id)
                queue.append(following)
            successors.append(following)
        edges[key] = tuple(dict.fromkeys(successors))
    return Exploration(paths, edges, too_many)


def backwards_from(
    targets: Iterable[StateKey], edges: dict[StateKey, tuple[StateKey, ...]]
) -> set[StateKey]:
    """Every state from which one of `targets` can be reached (the targets included)."""
    incoming: dict[StateKey, list[StateKey]] = {}
    for key, successors in edges.items():
        for following in successors:
            incoming.setdefault(following, []).append(key)
    found = set(targets)
    queue = deque(found)
    while queue:
        for earlier in incoming.get(queue.popleft(), ()):
            if earlier not in found:
                found.add(earlier)
                queue.append(earlier)
    return found


def closed_components(
    states: set[StateKey], edges: dict[StateKey, tuple[StateKey, ...]]
) -> list[list[StateKey]]:
    """The strongly connected groups of `states` that no edge leaves: the loops themselves."""
    components = strongly_connected(states, edges)
    group_of = {key: index for index, group in enumerate(components) for key in group}
    return [
        group
        for index, group in enumerate(components)
        if all(
            group_of.get(following) == index for key in group for following in edges.get(key, ())
        )
    ]


def strongly_connected(
    states: set[StateKey], edges: dict[StateKey, tuple[StateKey, ...]]
) -> list[list[StateKey]]:
    """Kosaraju's algorithm, without recursion, over the subgraph on `states`."""
    order: list[StateKey] = []
    visited: set[StateKey] = set()
    for root in sorted(states, key=repr):
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(edges.get(root, ())))]
        while stack:
            key, successors = stack[-1]
            following = next((s for s in successors if s in states and s not in visited), None)
            if following is None:
                stack.pop()
                order.append(key)
            else:
                visited.add(following)
                stack.append((following, iter(edges.get(following, ()))))
    incoming: dict[StateKey, list[StateKey]] = {}
    for key in states:
        for following in edges.get(key, ()):
            if following in states:
                incoming.setdefault(following, []).append(key)
    components: list[list[StateKey]] = []
    assigned: set[StateKey] = set()
    for root in reversed(order):
        if root in assigned:
            continue
        group, queue = [root], [root]
        assigned.add(root)
        while queue:
            for earlier in incoming.get(queue.pop(), ()):
                if earlier not in assigned:
                    assigned.add(earlier)
                    group.append(earlier)
                    queue.append(earlier)
        components.append(group)
    return components
