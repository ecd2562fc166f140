"""What a question's totals mean: from the totals a snapshot keeps to the categories a teacher
reads (options, warning signs, steps in place, endings, chat choices). Pure functions.

A snapshot's totals need no content (course/stats/snapshots.py); here an item's content picks
out of them a snapshot of the same respondents over the item's categories, which then goes
through `suppress` like any other. Each respondent adds at most one to a category, so the result
is a valid snapshot; and the result of a sum is the sum of the results, so a school's `combine`
may be taken before or after. Content removed since an answer was given is left out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from course.content.schema import BranchingItem, ChoiceItem, Item, Node, OrderItem, RedFlagsItem
from course.stats.snapshots import BEFORE, CHOSE, CORRECT
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
    if isinstance(item, OrderItem):  # the pairs whose order matters
        steps = {s.id: plain(s.text_html) for s in item.steps}
        return tuple(
            Category(
                pair_id(c.first, c.then),
                f"{steps.get(c.first, c.first)} before {steps.get(c.then, c.then)}",
                True,
                "the right way round",
            )
            for c in item.constraints
        )
    return tuple(
        Category(node.id, ending_label(node), node.ending == "safe", f"{node.ending} ending")
        for node in item.nodes
        if node.ending is not None
    )


def pair_id(first: str, then: str) -> str:
    """How an order item's pair is named in its totals: "first>then"."""
    return f"{first}>{then}"


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


def item_snapshot(item: Item, snapshot: Snapshot | None) -> Snapshot | None:
    """An item's snapshot as its categories, plus CORRECT: the options chosen, the parts
    marked, the pairs of steps the right way round, or the ending reached."""
    if snapshot is None:
        return None
    counts = snapshot.counts
    if isinstance(item, OrderItem):
        keys = {
            pair_id(c.first, c.then): BEFORE + pair_id(c.first, c.then) for c in item.constraints
        }
    else:
        keys = {category.id: CHOSE + category.id for category in categories(item)}
    totals = {category: counts.get(key, 0) for category, key in keys.items()}
    return Snapshot(snapshot.respondents, {CORRECT: counts.get(CORRECT, 0), **totals})


def decision_snapshot(node: Node, snapshot: Snapshot | None) -> Snapshot | None:
    """A decision's snapshot as the choices taken there."""
    if snapshot is None:
        return None
    counts = snapshot.counts
    return Snapshot(snapshot.respondents, {c.id: counts.get(CHOSE + c.id, 0) for c in node.choices})
