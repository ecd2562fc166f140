"""The one rule set that decides what a teacher may see of a group's answers. Pure functions.

Every page, fragment, CSV and JSON of class or school statistics goes through `suppress`:

- Counts of pupils who joined, started and completed are exact (`exact_count`).
- A breakdown (how answers split, a chat's choice map, red-flag rates, any percentage) is never
  drawn from the live answers. It comes from a snapshot, taken each time the number of
  respondents reaches a multiple of STEP (5): between snapshots nothing moves, so two views a
  minute apart differ by at least five pupils' answers, never one (`advance`).
- A snapshot is shown only once it holds at least k respondents (the setting
  COURSE_STATS_MIN_GROUP, default 10, never below 5); until then the page says
  "Shown when at least k pupils have answered".
- A share is rounded to the nearest 5%; "all or nearly all" stands for 90% and over (so "all"
  cannot be told from "all but one"), "none or almost none" for 10% and under. Only shares are
  shown, never a category's count, so a table says no more than its chart.
- A school's breakdown is the sum of its classes' shown snapshots, so subtracting a class from
  the school reveals nothing that the classes do not already show.
- No per-pupil rows, no "who has not answered", no time finer than a day exist to be shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

STEP = 5
SMALLEST_GROUP = 5  # k may be set higher, never lower
ALL = "all or nearly all"
NONE = "none or almost none"


def group_size(setting: int) -> int:
    """The k in force: the setting, but never below the smallest group allowed."""
    return max(setting, SMALLEST_GROUP)


@dataclass(frozen=True)
class Snapshot:
    """A group's answers to one question (or one decision) as they stood when the number of
    respondents last reached a multiple of STEP. `counts` maps each category (an option, a
    choice, a red flag) to how many of the respondents are in it; categories may overlap."""

    respondents: int
    counts: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.respondents % STEP or self.respondents < 0:
            raise ValueError(f"a snapshot holds a multiple of {STEP} respondents")
        if any(count < 0 or count > self.respondents for count in self.counts.values()):
            raise ValueError("a category cannot hold more pupils than answered")


def advance(
    snapshot: Snapshot | None, respondents: int, counts: Mapping[str, int]
) -> Snapshot | None:
    """The snapshot to keep after a new response, given the live totals now: a new one exactly
    when the respondents reach a multiple of STEP, else the one before (or none yet)."""
    at_step = respondents > 0 and respondents % STEP == 0
    if at_step and (snapshot is None or respondents > snapshot.respondents):
        return Snapshot(respondents, {key: n for key, n in counts.items() if n})
    return snapshot


@dataclass(frozen=True)
class Share:
    """One category of a shown breakdown, as a share of the respondents (never a count)."""

    category: str
    label: str
    percent: int  # for a bar's width and for sorting: 0 for "none…", 100 for "all…"


@dataclass(frozen=True)
class Shown:
    """A breakdown the teacher may see."""

    respondents: int
    shares: tuple[Share, ...]

    def share(self, category: str) -> Share:
        """The share of one category (zero when nobody chose it)."""
        found = next((share for share in self.shares if share.category == category), None)
        return found or share_of(category, 0, self.respondents)


@dataclass(frozen=True)
class Hidden:
    """A breakdown held back until enough pupils have answered."""

    needed: int

    @property
    def message(self) -> str:
        """What the page says instead of the breakdown."""
        return f"Shown when at least {self.needed} pupils have answered."


Breakdown = Shown | Hidden


def share_label(count: int, whole: int) -> tuple[str, int]:
    """How a count reads as a share of the whole, and the percent a bar may show."""
    percent = STEP * round(100 * count / whole / STEP) if whole > 0 else 0
    if percent <= 10:
        return NONE, 0
    if percent >= 90:
        return ALL, 100
    return f"{percent}%", percent


def share_of(category: str, count: int, whole: int) -> Share:
    """A category's share of the whole."""
    label, percent = share_label(count, whole)
    return Share(category, label, percent)


def suppress(
    snapshot: Snapshot | None, min_group: int, categories: Iterable[str] = ()
) -> Breakdown:
    """What may be shown of a group's snapshot: the breakdown, or why it is held back.

    `categories` lists every option in the order to show them (those nobody chose included)."""
    needed = group_size(min_group)
    if snapshot is None or snapshot.respondents < needed:
        return Hidden(needed)
    order = list(dict.fromkeys([*categories, *snapshot.counts]))
    shares = tuple(
        share_of(category, snapshot.counts.get(category, 0), snapshot.respondents)
        for category in order
    )
    return Shown(snapshot.respondents, shares)


def combine(snapshots: Iterable[Snapshot | None], min_group: int) -> Snapshot | None:
    """A school's snapshot: the sum of the classes' snapshots that are themselves shown."""
    needed = group_size(min_group)
    shown = [s for s in snapshots if s is not None and s.respondents >= needed]
    if not shown:
        return None
    counts: dict[str, int] = {}
    for snapshot in shown:
        for category, count in snapshot.counts.items():
            counts[category] = counts.get(category, 0) + count
    return Snapshot(sum(s.respondents for s in shown), counts)


def exact_count(count: int) -> int:
    """Joined, started and completed are shown exactly (they say who took part, not what)."""
    return max(0, count)
