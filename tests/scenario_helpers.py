"""Test helpers for branching chats: stepping back, every reachable state, and endings."""

from __future__ import annotations

from course.content.graph import MAX_STATES, explore
from course.content.schema import BranchingItem
from course.quizzes.scenarios import ScenarioState, replay


def ended(state: ScenarioState) -> bool:
    """Whether the learner has reached an ending."""
    return state.node.ending is not None


def back(item: BranchingItem, state: ScenarioState) -> ScenarioState:
    """The state one choice earlier (the start stays the start)."""
    return replay(item, state.choices[:-1])


def reachable_states(item: BranchingItem, limit: int = MAX_STATES) -> tuple[ScenarioState, ...]:
    """Every state a learner can reach (at most `limit`), nearest first, each by its shortest
    choice path."""
    nodes = {node.id: node for node in item.nodes}
    return tuple(
        ScenarioState(nodes[node_id], flags, path)
        for (node_id, flags), path in explore(item, limit).paths.items()
    )
