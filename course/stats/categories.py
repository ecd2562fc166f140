"""What a question's totals mean: from the exact answers a snapshot counts to the categories a
teacher reads (options, warning signs, steps in place, endings, chat choices). Pure functions.

A snapshot counts each exact answer (course/stats/snapshots.py); here an item's content turns
it into a snapshot of the same respondents over the item's categories, which then goes through
`suppress` like any other. Each respondent adds at most one to a category, so the result is a
valid snapshot; and the sum of classes' results equals the result of their sum, so a school's
`combine` may be taken before or after.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from course.content.schema import BranchingItem, ChoiceItem, Item, Node, OrderItem, RedFlagsItem
from course.quizzes.grading import decode_choice, decode_order, grade_order
from course.stats.snapshots import ANSWER, CORRECT
from course.stats.suppress import Snapshot

_TAG = re.compile(r"<[^>]*>")
LABEL_LENGTH = 200


def plain(rendered: str, limit: int = LABEL_LENGTH) -> str:
    """Rendered content HTML as one line of plain text, cut at a word near `limit`."""
    words = " ".join(html.unescape(_TAG.sub(" ", rendered)).split())
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Category:
    """One thing a breakdown shares out: its id in the totals, how it reads, and whether
    choosing it is right (True), wrong (False) or neither (None)."""

    id: str
    label: str
    right: bool | None
    note: str = ""  # said in words beside the bar, so colour is never the only cue


def categories(item: Item) -> tuple[Category, ...]:
    """The categories of an item's breakdown, in the item's order."""
    if isinstance(item, ChoiceItem):
        return tuple(
            Category(o.id, plain(o.text_html), o.correct, "right answer" if o.correct else "")
            for o in item.options
        )
    if isinstance(item, RedFlagsItem):
        return tuple(
            Category(
                p.id, plain(p.text_html), p.flag, "warning sign" if p.flag else "not a warning sign"
            )
            for p in item.parts()
        )
    if isinstance(item, OrderItem):
        return tuple(
            Category(s.id, f"{n}. {plain(s.text_html)}", True, "in the right place")
            for n, s in enumerate(item.steps, start=1)
        )
    return tuple(
        Category(node.id, ending_label(node), node.ending == "safe", f"{node.ending} ending")
        for node in item.nodes
        if node.ending is not None
    )


def decision_categories(node: Node) -> tuple[Category, ...]:
    """The choices offered at a decision in a chat."""
    return tuple(Category(c.id, plain(c.text_html), None) for c in node.choices)


def ending_label(node: Node) -> str:
    """How an ending reads: its title, else its first words."""
    if node.title:
        return node.title
    first = node.text_html or (node.messages[-1].text_html if node.messages else node.id)
    return plain(first)


def decision_label(node: Node) -> str:
    """How a decision reads: the last message the learner saw before choosing."""
    return plain(node.messages[-1].text_html) if node.messages else node.id


def decision_nodes(item: BranchingItem) -> tuple[Node, ...]:
    """The nodes of a chat where the learner chooses, in file order."""
    return tuple(node for node in item.nodes if node.ending is None and node.choices)


def answers(snapshot: Snapshot) -> Mapping[str, int]:
    """The exact answers a snapshot counts, by stored choice."""
    return {
        key.removeprefix(ANSWER): n for key, n in snapshot.counts.items() if key.startswith(ANSWER)
    }


def item_snapshot(item: Item, snapshot: Snapshot | None) -> Snapshot | None:
    """An item's snapshot of exact answers as its categories, plus CORRECT."""
    if snapshot is None:
        return None
    known = {category.id for category in categories(item)}
    totals: dict[str, int] = {CORRECT: snapshot.counts.get(CORRECT, 0)}
    for choice, n in answers(snapshot).items():
        for category in _chosen(item, choice) & known:  # content since removed is left out
            totals[category] = totals.get(category, 0) + n
    return Snapshot(snapshot.respondents, totals)


def decision_snapshot(node: Node, snapshot: Snapshot | None) -> Snapshot | None:
    """A decision's snapshot of exact answers as the choices taken there."""
    if snapshot is None:
        return None
    known = {choice.id for choice in node.choices}
    taken = {choice: n for choice, n in answers(snapshot).items() if choice in known}
    return Snapshot(snapshot.respondents, taken)


def _chosen(item: Item, choice: str) -> frozenset[str]:
    """The categories one stored answer falls in."""
    if isinstance(item, ChoiceItem | RedFlagsItem):
        return decode_choice(choice)
    if isinstance(item, OrderItem):
        placed = grade_order(item, decode_order(choice)).placed
        return frozenset(p.step.id for p in placed if p.in_place)
    return frozenset((choice,))  # a chat: the ending reached
