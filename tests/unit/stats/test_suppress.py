"""The suppression rules, proved for any input: answers in any order, views at any two moments,
classes and their school."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from course.stats.suppress import (
    ALL,
    NONE,
    STEP,
    Hidden,
    Shown,
    Snapshot,
    advance,
    combine,
    group_size,
    share_label,
    suppress,
)

OPTIONS = ("a", "b", "c", "d")
responses = st.lists(st.frozensets(st.sampled_from(OPTIONS), min_size=1), max_size=60)
ks = st.integers(min_value=-3, max_value=30)


def replay(answers: list[frozenset[str]]) -> list[Snapshot | None]:
    """The kept snapshot after each response, as the answer route maintains it."""
    snapshot, kept = None, []
    live: Counter[str] = Counter()
    for number, chosen in enumerate(answers, start=1):
        live.update(chosen)
        snapshot = advance(snapshot, number, live)
        kept.append(snapshot)
    return kept


@settings(deadline=None)  # no deadline: a busy machine is not a broken rule
@given(ks)
def test_k_is_never_below_five(k: int) -> None:
    assert group_size(k) >= 5
    assert group_size(k) == max(k, 5)


@settings(deadline=None)
@given(responses, ks)
def test_a_breakdown_shows_only_at_k_or_more_and_in_steps_of_five(
    answers: list[frozenset[str]], k: int
) -> None:
    for number, snapshot in enumerate(replay(answers), start=1):
        shown = suppress(snapshot, k, OPTIONS)
        if isinstance(shown, Hidden):
            assert snapshot is None or snapshot.respondents < group_size(k)
            assert str(group_size(k)) in shown.message
            continue
        assert shown.respondents % STEP == 0
        assert group_size(k) <= shown.respondents <= number


@settings(deadline=None)
@given(responses, ks, st.data())
def test_two_views_at_any_moments_differ_by_five_pupils_or_not_at_all(
    answers: list[frozenset[str]], k: int, data: st.DataObject
) -> None:
    kept = replay(answers)
    if len(kept) < 2:
        return
    first = data.draw(st.integers(0, len(kept) - 2))
    second = data.draw(st.integers(first + 1, len(kept) - 1))
    before, after = suppress(kept[first], k, OPTIONS), suppress(kept[second], k, OPTIONS)
    if before == after:
        return
    if isinstance(before, Shown) and isinstance(after, Shown):
        assert after.respondents - before.respondents >= STEP
        assert (after.respondents - before.respondents) % STEP == 0


@settings(deadline=None)
@given(responses, ks, st.data())
def test_the_latest_pupils_answers_change_nothing_until_five_more_have_answered(
    answers: list[frozenset[str]], k: int, data: st.DataObject
) -> None:
    """Whatever the pupils since the last multiple of five chose, the view is the same."""
    settled = len(answers) - len(answers) % STEP
    recent = len(answers) - settled
    other = data.draw(
        st.lists(
            st.frozensets(st.sampled_from(OPTIONS), min_size=1), min_size=recent, max_size=recent
        )
    )
    changed = answers[:settled] + other
    assert suppress(replay(answers)[-1] if answers else None, k, OPTIONS) == suppress(
        replay(changed)[-1] if changed else None, k, OPTIONS
    )


@settings(deadline=None)
@given(st.integers(0, 200), st.integers(1, 200))
def test_no_share_reads_one_hundred_or_zero_percent(count: int, whole: int) -> None:
    label, percent = share_label(min(count, whole), whole)
    assert label not in ("100%", "0%")
    assert label in (ALL, NONE) or (15 <= percent <= 85 and label == f"{percent}%")
    if count >= whole:
        assert label == ALL
    if count == 0:
        assert label == NONE


@settings(deadline=None)
@given(responses, ks)
def test_a_shown_breakdown_carries_shares_never_counts(
    answers: list[frozenset[str]], k: int
) -> None:
    shown = suppress((replay(answers) or [None])[-1], k, OPTIONS)
    if isinstance(shown, Shown):
        assert [share.category for share in shown.shares][: len(OPTIONS)] == list(OPTIONS)
        for share in shown.shares:
            assert not hasattr(share, "count")


classes = st.lists(responses, min_size=1, max_size=5)


@settings(deadline=None)
@given(classes, ks, st.data())
def test_a_school_minus_its_shown_classes_reveals_no_hidden_class(
    answers_by_class: list[list[frozenset[str]]], k: int, data: st.DataObject
) -> None:
    """The school's breakdown is the sum of the classes it shows: a class below k can answer
    anything at all without changing what the school shows."""
    snapshots = [(replay(answers) or [None])[-1] for answers in answers_by_class]
    school = combine(snapshots, k)
    hidden = [i for i, s in enumerate(snapshots) if isinstance(suppress(s, k), Hidden)]
    if hidden:
        index = data.draw(st.sampled_from(hidden))
        other = data.draw(
            st.lists(
                st.frozensets(st.sampled_from(OPTIONS), min_size=1),
                max_size=len(answers_by_class[index]),
            )
        )
        changed = list(snapshots)
        # Still hidden after the change: fewer respondents than k.
        replacement = (replay(other) or [None])[-1]
        if isinstance(suppress(replacement, k), Hidden):
            changed[index] = replacement
            assert combine(changed, k) == school
    shown = [s for s in snapshots if isinstance(suppress(s, k), Shown)]
    if school is None:
        assert not shown
    else:
        assert school.respondents == sum(s.respondents for s in shown if s is not None)


@settings(deadline=None)
@given(responses, ks)
def test_a_class_shown_as_a_group_of_one_shows_exactly_what_it_shows_alone(
    answers: list[frozenset[str]], k: int
) -> None:
    """The dashboards draw a class and a school the same way (course/stats/figures.py): a
    class's breakdown is the combine of its own snapshot alone, which must change nothing."""
    snapshot = (replay(answers) or [None])[-1]
    assert suppress(combine([snapshot], k), k, OPTIONS) == suppress(snapshot, k, OPTIONS)
