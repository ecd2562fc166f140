"""Each item type's two halves: reading a submission, and what its template shows.

Choice and multi options are shown in an order of the learner's own: a shuffle seeded by a hash
of (learner id, quiz slug, item id), worked out again on every request and never stored, so a
reload, the feedback and a retry all show the same order. Learner ids are random and never leave
the server, so the order cannot be predicted from outside. The stored answer is still the option
ids, so grading, statistics and CSV do not depend on the order. Without a key (the teacher's
preview) options keep the order they are written in. Red-flags parts keep the order of the
profile and the messages, and branching choices their written order: they are a conversation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course.content.schema import (
    BranchingItem,
    ChoiceItem,
    Item,
    Option,
    OrderItem,
    RedFlagsItem,
)
from course.quizzes import grading, scenarios


@dataclass(frozen=True)
class Submission:
    """A checked answer, ready to store: its encoded choice and whether it was fully right."""

    choice: str
    correct: bool
    ordered: bool = False  # the choice is an order of steps (its pairs are counted for stats)


def read_submission(item: Item, form: Mapping[str, list[str]]) -> Submission:
    """Parse and grade a submitted form for an answerable item; raises InvalidChoice."""
    if isinstance(item, ChoiceItem):
        chosen = grading.parse_choice(item, form.get("choice", []))
        return Submission(grading.encode_choice(chosen), grading.grade(item, chosen).correct)
    if isinstance(item, RedFlagsItem):
        parts = grading.parse_red_flags(item, form.get("part", []))
        return Submission(
            grading.encode_choice(parts), grading.grade_red_flags(item, parts).correct
        )
    if isinstance(item, OrderItem):
        fields = {name: values[-1] for name, values in form.items() if values}
        order = grading.parse_order(item, fields)
        correct = grading.grade_order(item, order).correct
        return Submission(grading.encode_order(order), correct, ordered=True)
    raise grading.InvalidChoice("This question is answered step by step.")


def shuffle_key(learner_id: int, quiz_slug: str, item_id: str) -> int:
    """The seed of one learner's option order for one item: the same on every request."""
    digest = hashlib.sha256(f"{learner_id}\0{quiz_slug}\0{item_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def displayed_options(item: ChoiceItem, key: int | None) -> tuple[Option, ...]:
    """The options in the order this learner sees them; the written order when `key` is None."""
    if key is None:
        return item.options
    options = list(item.options)
    random.Random(key).shuffle(options)
    return tuple(options)


def item_view(
    item: Item,
    stored: str | None,
    path: tuple[str, ...] = (),
    error: str | None = None,
    *,
    key: int | None = None,
) -> dict[str, Any]:
    """What an item's template needs: the item, its result once answered, or its error.

    `key` (from shuffle_key) orders a choice or multi item's options for one learner."""
    view: dict[str, Any] = {"item": item, "grade": None, "error": error}
    if isinstance(item, ChoiceItem):
        view["shown_options"] = displayed_options(item, key)
    if isinstance(item, BranchingItem):
        state = scenarios.replay(item, path)
        view["scenario"] = state
        view["choices"] = scenarios.available_choices(item, state)
        view["history"] = scenario_history(item, state.choices)
        return view
    if stored is None:
        if isinstance(item, OrderItem):
            view["steps"] = item.shuffled()
        return view
    if isinstance(item, ChoiceItem):
        graded = grading.grade(item, grading.decode_choice(stored))
        position = {option.id: n for n, option in enumerate(view["shown_options"])}
        in_order = sorted(graded.options, key=lambda result: position[result.option.id])
        view["grade"] = dataclasses.replace(graded, options=tuple(in_order))
    elif isinstance(item, RedFlagsItem):
        view["grade"] = grading.grade_red_flags(item, grading.decode_choice(stored))
    elif isinstance(item, OrderItem):
        view["grade"] = grading.grade_order(item, grading.decode_order(stored))
    return view


def scenario_history(item: BranchingItem, choice_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The chat so far: each earlier node's messages and the choice the learner made there."""
    history = []
    state = scenarios.start(item)
    for choice_id in choice_ids:
        choice = next(c for c in state.node.choices if c.id == choice_id)
        history.append({"node": state.node, "choice": choice})
        state = scenarios.choose(item, state, choice_id)
    return history
