"""Building quiz items for tests: red-flags items from their parts, order items from steps."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hypothesis import strategies as st

from course.content.schema import Constraint, OrderItem, Part, Profile, RedFlagsItem, Step


def part(part_id: str, flag: bool, sender: str | None = None) -> Part:
    return Part(
        id=part_id,
        text_html=part_id,
        flag=flag,
        explanation_html=f"why {part_id}",
        sender=sender,
    )


def red_flags(profile_flags: dict[str, bool], chat_flags: dict[str, bool]) -> RedFlagsItem:
    profile = None
    if profile_flags:
        parts = tuple(part(i, flag) for i, flag in profile_flags.items())
        profile = Profile(name="Mia", handle="mia", avatar="cat", parts=parts)
    return RedFlagsItem(
        id="rf",
        type="red-flags",
        prompt_html="Spot them",
        audiences=("adult",),
        explanation_html=None,
        line=1,
        profile=profile,
        chat=tuple(part(i, flag, "them") for i, flag in chat_flags.items()),
    )


NEW_FOLLOWER = red_flags({"joined": True, "school": False}, {"m1": True, "m2": False})


def order_item(
    ids: Sequence[str] = "abcd",
    item_id: str = "ord",
    pairs: Sequence[tuple[str, str]] | None = None,
) -> OrderItem:
    """An order item whose `pairs` (first, then) matter; by default every step follows the one
    before it, so only the written order is right."""
    pairs = list(itertools.pairwise(ids)) if pairs is None else pairs
    return OrderItem(
        id=item_id,
        type="order",
        prompt_html="Put in order",
        audiences=("adult",),
        explanation_html=None,
        line=1,
        steps=tuple(Step(id=i, text_html=i.upper(), reason_html=f"why {i}") for i in ids),
        constraints=tuple(
            Constraint(first=first, then=then, why_html=f"{first} first") for first, then in pairs
        ),
    )


step_ids = st.lists(
    st.text("abcdefghij-", min_size=1, max_size=6), min_size=4, max_size=7, unique=True
)
