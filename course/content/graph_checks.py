"""Checking a branching chat: every walk can reach an ending, and every part can be seen.

Each finding names the line to fix and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterator

from course.content.graph import (
    MAX_STATES,
    Exploration,
    backwards_from,
    closed_components,
    explore,
    offered,
)
from course.content.problems import Finding
from course.content.schema import BranchingItem, Node


def graph_problems(item: BranchingItem, limit: int = MAX_STATES) -> list[Finding]:
    """Everything that could strand a learner or hide content, with the line to fix."""
    findings = list(_node_problems(item))
    nodes = {node.id: node for node in item.nodes}
    if item.start not in nodes:
        findings.append(
            (
                item.line,
                f"`start` names `{item.start}`, but there is no node with that id in item "
                f"`{item.id}`. Use the id of the node the chat starts at",
            )
        )
        return sorted(findings, key=lambda finding: finding[0])
    explored = explore(item, limit)
    if explored.too_many:
        findings.append(
            (
                item.line,
                f"branching item `{item.id}` has more than {limit} combinations of nodes and "
                "remembered choices to check. Use fewer `sets:` flags",
            )
        )
        return sorted(findings, key=lambda finding: finding[0])
    findings += _unreachable(item, explored)
    findings += _never_offered(item, explored)
    findings += _stuck(item, nodes, explored)
    return sorted(findings, key=lambda finding: finding[0])


def _node_problems(item: BranchingItem) -> Iterator[Finding]:
    """Problems visible in one node at a time: endings, choices, names."""
    node_ids = {node.id for node in item.nodes}
    set_flags = {flag for node in item.nodes for choice in node.choices for flag in choice.sets}
    if not any(node.ending == "safe" for node in item.nodes):
        yield (
            item.line,
            f"branching item `{item.id}` has no safe ending. Add a node with `ending: safe`, "
            "so a learner can find the right way",
        )
    for node in item.nodes:
        yield from _ending_problems(node)
        for choice in node.choices:
            if choice.next not in node_ids:
                yield (
                    choice.line,
                    f"choice `{choice.id}` leads to `{choice.next}`, but there is no node with "
                    "that id. Fix `next:` to name a node of this item",
                )
            for flag in (*choice.requires, *choice.unless):
                if flag not in set_flags:
                    field = "requires" if flag in choice.requires else "unless"
                    yield (
                        choice.line,
                        f"choice `{choice.id}` has `{field}: [{flag}]`, but no choice sets "
                        f"`{flag}`. Fix the name, or add it to a choice's `sets:`",
                    )


def _ending_problems(node: Node) -> Iterator[Finding]:
    if node.ending is None:
        if not node.choices:
            yield (
                node.line,
                f"node `{node.id}` has no choices and is not an ending, so the path stops "
                "there. Add choices, or make it an ending with `ending: safe` or `ending: risky`",
            )
        for name, value in (("title", node.title), ("text", node.text_html)):
            if value is not None:
                yield (
                    node.line,
                    f"node `{node.id}` has a `{name}` but is not an ending. Add `ending: safe` "
                    f"or `ending: risky`, or remove the `{name}`",
                )
        return
    if node.choices:
        yield (
            node.line,
            f"node `{node.id}` is an ending but has choices. Remove the choices, or remove "
            "`ending:` so the chat goes on",
        )
    if node.title is None:
        yield (
            node.line,
            f"ending `{node.id}` has no `title`. Add `title:` with a short heading for what "
            "happened",
        )
    if node.text_html is None:
        yield (
            node.line,
            f"ending `{node.id}` has no `text`. Add `text:` explaining what happened and the "
            "right next steps",
        )


def _unreachable(item: BranchingItem, explored: Exploration) -> Iterator[Finding]:
    reached = {node_id for node_id, _ in explored.paths}
    for node in item.nodes:
        if node.id not in reached:
            yield (
                node.line,
                f"node `{node.id}` cannot be reached from the start. Add a choice that leads "
                "to it (check the `requires:` and `unless:` on the way), or remove it",
            )


def _never_offered(item: BranchingItem, explored: Exploration) -> Iterator[Finding]:
    """Choices at reachable nodes that no way of getting there ever shows."""
    flags_at: dict[str, list[frozenset[str]]] = {}
    for node_id, flags in explored.paths:
        flags_at.setdefault(node_id, []).append(flags)
    set_flags = {flag for node in item.nodes for choice in node.choices for flag in choice.sets}
    for node in item.nodes:
        if node.id not in flags_at or node.ending is not None:
            continue
        shown = {choice.id for flags in flags_at[node.id] for choice in offered(node, flags)}
        for choice in node.choices:
            named = set(choice.requires) | set(choice.unless)
            if choice.id not in shown and named <= set_flags:
                yield (
                    choice.line,
                    f"choice `{choice.id}` is never shown: no way to reach node `{node.id}` "
                    "meets its `requires:` and `unless:`. Change them, or remove the choice",
                )


def _stuck(item: BranchingItem, nodes: dict[str, Node], explored: Exploration) -> Iterator[Finding]:
    """States from which no ending can be reached: dead ends, and loops with no way out."""
    states = list(explored.edges)
    endings = [key for key in states if nodes[key[0]].ending is not None]
    can_end = backwards_from(endings, explored.edges)
    # A dead end: the node has choices, but none is offered (no choices is reported above).
    reported: set[str] = set()
    for node_id, flags in states:
        node = nodes[node_id]
        if node.ending is None and node.choices and not offered(node, flags):
            if node_id in reported:
                continue
            reported.add(node_id)
            yield (
                node.line,
                f"node `{node_id}` offers no choice {_path_phrase(explored.paths[node_id, flags])}"
                ", so the chat gets stuck there. Add a choice without `requires:`, or change the "
                "`requires:` and `unless:` of its choices",
            )
    stops = [key for key in states if not explored.edges[key] and nodes[key[0]].ending is None]
    trapped = set(states) - can_end - backwards_from(stops, explored.edges)
    seen_loops: set[frozenset[str]] = set()
    for loop in closed_components(trapped, explored.edges):
        node_ids = frozenset(node_id for node_id, _ in loop)
        if node_ids in seen_loops:
            continue
        seen_loops.add(node_ids)
        ordered = sorted((nodes[node_id] for node_id in node_ids), key=lambda n: n.line)
        names = ", ".join(f"`{node.id}`" for node in ordered)
        first = min(loop, key=lambda key: len(explored.paths[key]))
        when = f" {_path_phrase(explored.paths[first])}" if explored.paths[first] else ""
        if len(ordered) == 1:
            subject = f"node {names} loops back to itself"
        else:
            subject = f"nodes {names} form a loop"
        yield (
            ordered[0].line,
            f"{subject} with no way out{when}: no ending can be reached from there. Add a "
            "choice that leads towards an ending",
        )


def _path_phrase(path: tuple[str, ...]) -> str:
    """How a learner gets somewhere: "after the choices `send`, `pay`"."""
    if not path:
        return "at the start"
    names = ", ".join(f"`{choice_id}`" for choice_id in path)
    return f"after the choice{'s' * (len(path) > 1)} {names}"
