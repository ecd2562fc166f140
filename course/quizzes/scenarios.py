"""Branching chats: a learner's walk through the graph, one choice at a time.

Pure functions of a BranchingItem. A learner's place is a node plus the flags their choices
have set (`sets`), which decide the choices offered later (`requires`, `unless`); which
choices a node offers is the content's rule (course/content/graph.py), and the content
checks (course/content/graph_checks.py) make sure every walk can reach an ending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from course.content.graph import offered
from course.content.schema import BranchingItem, Choice, Node
from course.quizzes.grading import InvalidChoice

ENDED = "This chat has ended. Go back a step, or start again to try another way."
NOT_OFFERED = "That choice is not offered here. Choose one of the choices shown."


@dataclass(frozen=True)
class ScenarioState:
    """Where a learner is: the node, the flags set so far, and the choice ids taken."""

    node: Node
    flags: frozenset[str]
    choices: tuple[str, ...]


def start(item: BranchingItem) -> ScenarioState:
    """The state before any choice."""
    return ScenarioState(item.node(item.start), frozenset(), ())


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
