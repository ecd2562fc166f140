"""The catalogue's items (course/content/schema.py): a red-flags item's parts and flags, and an
order item's fixed display order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.quiz_items import NEW_FOLLOWER, order_item, red_flags, step_ids


def test_red_flags_parts_and_flags() -> None:
    assert [p.id for p in NEW_FOLLOWER.parts()] == ["joined", "school", "m1", "m2"]
    assert NEW_FOLLOWER.flags() == frozenset({"joined", "m1"})
    chat_only = red_flags({}, {"m1": True, "m2": False})
    assert chat_only.profile is None
    assert [p.id for p in chat_only.parts()] == ["m1", "m2"]


@given(step_ids, st.text(min_size=1, max_size=20))
def test_the_display_order_is_fixed_and_never_the_answer(ids: list[str], item_id: str) -> None:
    item = order_item(ids, item_id)
    shown = item.shuffled()
    assert shown != item.steps
    assert sorted(shown, key=item.steps.index) == list(item.steps)
    assert order_item(ids, item_id).shuffled() == shown
