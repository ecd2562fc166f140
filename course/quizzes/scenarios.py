"""Branching chats: walking the graph, and checking that every walk can reach an ending.

Pure functions of a BranchingItem. A learner's place is a node plus the flags their choices
have set (`sets`), which decide the choices offered later (`requires`, `unless`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from course.content.problems import Finding
from course.content.schema import BranchingItem, Choice, Node
from course.quizzes.grading import InvalidChoice

# The most (node, flags) states checked in one item; more means too many flags to follow.
MAX_STATES = 10_000

ENDED = "This chat has ended. Go back a step, or start again to try another way."
NOT_OFFERED = "That choice is not offered here. Choose one of the choices shown."


@dataclass(frozen=True)
class ScenarioState:
    """Where a learner is: the node, the flags set so far, and the choice ids taken."""

    node: Node
    flags: frozenset[str]
    choices: tuple[str, ...]

    @property
    def ended(self) -> bool:
        """Whether the learner has reached an ending."""
        return self.node.ending is not None


def start(item: BranchingItem) -> ScenarioState:
    """The state before any choice."""
    return ScenarioState(item.node(item.start), frozenset(), ())


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


def available_choices(item: BranchingItem, state: ScenarioState) -> tuple[Choice, ...]:
    """The choices the learner can take now, in file order; none at an ending."""
    return offered(state.node, state.flags)


def choose(item: BranchingItem, state: ScenarioState, choice_id: str) -> ScenarioState:
    """Take a choice; InvalidChoice (with a message for the learner) if it is not offered."""
    if state.node.ending is not None:
        raise InvalidChoice(ENDED)
    choice = next((c for c in available_choices(item, state) if c.id == choice_id), None)
    if choice is None:
        raise InvalidChoice(NOT_OFFERED)
    return ScenarioState(
        node=item.node(choice.next),
        flags=state.flags | frozenset(choice.sets),
        choices=(*state.choices, choice.id),
    )


def replay(item: BranchingItem, choice_ids: Sequence[str]) -> ScenarioState:
    """Replay stored choices from the start, stopping at the first that no longer fits."""
    state = start(item)
    for choice_id in choice_ids:
        try:
            state = choose(item, state, choice_id)
        except (InvalidChoice, KeyError):
            break
    return state


def back(item: BranchingItem, state: ScenarioState) -> ScenarioState:
    """The state one choice earlier (the start stays the start)."""
    return replay(item, state.choices[:-1])


# --- Checking the graph -------------------------------------------------------------------

StateKey = tuple[str, frozenset[str]]


@dataclass(frozen=True)
class _Exploration:
    """Every (node, flags) state reachable from the start, and the edges between them."""

    paths: dict[StateKey, tuple[str, ...]]  # the first (shortest) choice path to each state
    edges: dict[StateKey, tuple[StateKey, ...]]
    too_many: bool


def _explore(item: BranchingItem, limit: int = MAX_STATES) -> _Exploration:
    """Breadth-first over (node, flags); flags come from `sets`, so the space is finite."""
    nodes = {node.id: node for node in item.nodes}
    paths: dict[StateKey, tuple[str, ...]] = {}
    edges: dict[StateKey, tuple[StateKey, ...]] = {}
    if item.start not in nodes:
        return _Exploration(paths, edges, too_many=False)
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
    return _Exploration(paths, edges, too_many)


def reachable_states(item: BranchingItem, limit: int = MAX_STATES) -> tuple[ScenarioState, ...]:
    """Every state a learner can reach (at most `limit`), nearest first, each by its shortest
    choice path."""
    nodes = {node.id: node for node in item.nodes}
    return tuple(
        ScenarioState(nodes[node_id], flags, path)
        for (node_id, flags), path in _explore(item, limit).paths.items()
    )


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
    explored = _explore(item, limit)
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


def _unreachable(item: BranchingItem, explored: _Exploration) -> Iterator[Finding]:
    reached = {node_id for node_id, _ in explored.paths}
    for node in item.nodes:
        if node.id not in reached:
            yield (
                node.line,
                f"node `{node.id}` cannot be reached from the start. Add a choice that leads "
                "to it (check the `requires:` and `unless:` on the way), or remove it",
            )


def _never_offered(item: BranchingItem, explored: _Exploration) -> Iterator[Finding]:
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


def _stuck(
    item: BranchingItem, nodes: dict[str, Node], explored: _Exploration
) -> Iterator[Finding]:
    """States from which no ending can be reached: dead ends, and loops with no way out."""
    states = list(explored.edges)
    endings = [key for key in states if nodes[key[0]].ending is not None]
    can_end = _backwards_from(endings, explored.edges)
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
    trapped = set(states) - can_end - _backwards_from(stops, explored.edges)
    seen_loops: set[frozenset[str]] = set()
    for loop in _closed_components(trapped, explored.edges):
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


def _backwards_from(
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


def _closed_components(
    states: set[StateKey], edges: dict[StateKey, tuple[StateKey, ...]]
) -> list[list[StateKey]]:
    """The strongly connected groups of `states` that no edge leaves: the loops themselves."""
    components = _strongly_connected(states, edges)
    group_of = {key: index for index, group in enumerate(components) for key in group}
    return [
        group
        for index, group in enumerate(components)
        if all(
            group_of.get(following) == index for key in group for following in edges.get(key, ())
        )
    ]


def _strongly_connected(
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
