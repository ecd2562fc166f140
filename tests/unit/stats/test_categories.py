"""From the exact answers a snapshot counts to an item's categories: every type, and the rule
that lets a school combine its classes before or after (the result of a sum is the sum of the
results)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from course.content.schema import BranchingItem, Catalogue, ChoiceItem, OrderItem
from course.content.schema import RedFlagsItem as RedFlags
from course.quizzes.grading import encode_choice, encode_order
from course.stats import categories as cats
from course.stats.snapshots import CHOSE, answer_keys
from course.stats.suppress import STEP, Snapshot, combine


def item(catalogue: Catalogue, item_id: str):  # type: ignore[no-untyped-def]
    found = catalogue.item(item_id)
    assert found is not None
    return found[1]


def totals(answers: dict[str, int], *, ordered: bool = False) -> Snapshot:
    """A snapshot of these stored answers (none of them right), as the answer route keeps it."""
    counts: Counter[str] = Counter()
    for choice, times in answers.items():
        for key in answer_keys(choice, False, ordered=ordered):
            counts[key] += times
    return Snapshot(sum(answers.values()), dict(counts))


def test_a_multi_answer_counts_for_each_option_it_chose(catalogue: Catalogue) -> None:
    multi = item(catalogue, "wis-warning-signs")
    assert isinstance(multi, ChoiceItem)
    raw = totals({encode_choice(frozenset({"camera-broken", "move-app"})): 3, "profile-photos": 2})
    derived = cats.item_snapshot(multi, raw)
    assert derived is not None
    assert {c: n for c, n in derived.counts.items() if n} == {
        "camera-broken": 3,
        "move-app": 3,
        "profile-photos": 2,
    }
    assert [c.id for c in cats.categories(multi)] == [o.id for o in multi.options]
    assert {c.id: c.right for c in cats.categories(multi)}["profile-photos"] is False


def test_red_flags_count_each_part_marked(catalogue: Catalogue) -> None:
    red = item(catalogue, "pt-spot-the-pressure")
    assert isinstance(red, RedFlags)
    raw = totals({"countdown,good-luck": 5})
    derived = cats.item_snapshot(red, raw)
    assert derived is not None
    assert derived.counts["countdown"] == 5
    assert derived.counts["good-luck"] == 5
    notes = {c.id: c.note for c in cats.categories(red)}
    assert notes["countdown"] == "warning sign"
    assert notes["good-luck"] == "not a warning sign"


def test_an_order_counts_each_pair_that_matters_the_right_way_round(catalogue: Catalogue) -> None:
    order = item(catalogue, "wtd-first-steps-order")
    assert isinstance(order, OrderItem)
    right = tuple(step.id for step in order.steps)
    first, then = order.constraints[0].first, order.constraints[0].then
    turned = tuple(then if s == first else first if s == then else s for s in right)
    raw = totals({encode_order(right): 2, encode_order(turned): 3}, ordered=True)
    derived = cats.item_snapshot(order, raw)
    assert derived is not None
    pairs = [cats.pair_id(c.first, c.then) for c in order.constraints]
    assert [c.id for c in cats.categories(order)] == pairs
    assert derived.counts[pairs[0]] == 2  # only the right orders keep the first pair
    assert all(derived.counts[pair] == 5 for pair in pairs[1:])
    assert {c.note for c in cats.categories(order)} == {"the right way round"}


def test_a_chat_counts_its_endings_and_decisions_keep_only_offered_choices(
    catalogue: Catalogue,
) -> None:
    chat = item(catalogue, "wtd-the-threat-chat")
    assert isinstance(chat, BranchingItem)
    endings = [node for node in chat.nodes if node.ending]
    raw = Snapshot(5, {CHOSE + endings[0].id: 4, CHOSE + "gone-since": 1})
    derived = cats.item_snapshot(chat, raw)
    assert derived is not None
    assert derived.counts[endings[0].id] == 4
    assert "gone-since" not in derived.counts  # content since removed is left out
    node = cats.decision_nodes(chat)[0]
    decision = cats.decision_snapshot(
        node, Snapshot(5, {CHOSE + node.choices[0].id: 4, CHOSE + "not-here": 1})
    )
    assert decision is not None
    assert {c: n for c, n in decision.counts.items() if n} == {node.choices[0].id: 4}
    assert cats.decision_snapshot(node, None) is None


def test_plain_text_drops_tags_unescapes_and_cuts_at_a_word() -> None:
    assert cats.plain("<p>Tom &amp; <em>Jerry</em></p>") == "Tom & Jerry"
    long = cats.plain("<p>" + "word " * 100 + "</p>", limit=20)
    assert long.endswith("…")
    assert len(long) <= 21


OPTIONS = ("camera-broken", "move-app", "too-nice-too-fast", "profile-photos", "same-team")
answers = st.lists(
    st.frozensets(st.sampled_from(OPTIONS), min_size=1).map(encode_choice), max_size=25
)


def counted(given_answers: list[str]) -> Snapshot | None:
    """A class's snapshot after these answers, taken at the last multiple of five."""
    settled = given_answers[: len(given_answers) - len(given_answers) % STEP]
    if not settled:
        return None
    return totals(Counter(settled))


@settings(deadline=None)  # no deadline: a busy machine is not a broken rule
@given(st.lists(answers, min_size=1, max_size=4), st.integers(5, 15))
def test_a_school_may_combine_before_or_after_reading_the_categories(
    catalogue: Catalogue, by_class: list[list[str]], k: int
) -> None:
    multi = item(catalogue, "wis-warning-signs")
    snapshots = [counted(a) for a in by_class]
    before = cats.item_snapshot(multi, combine(snapshots, k))
    after = combine([cats.item_snapshot(multi, s) for s in snapshots], k)
    if before is None or after is None:
        assert before is None and after is None
        return
    assert before.respondents == after.respondents
    assert {c: n for c, n in before.counts.items() if n} == {
        c: n for c, n in after.counts.items() if n
    }
