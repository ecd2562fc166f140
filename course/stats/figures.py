"""What a teacher is shown of a group's answers: each question's figure, drawn from the
group's stored snapshots through `combine` and `suppress`, the one rule set. Pure functions.

A group is one class (its dashboard) or all the classes of a school (the school view): its
sources for a question are the stored snapshots of its classes that hold at least k
respondents. For one class that is its own snapshot or nothing, so both views take the same
path and a school adds up only what its classes show.

A stored snapshot never changes once taken (the next one has more respondents), so a figure is
a function of its sources alone: `question_stats` keeps the last few thousand it drew, and a
dashboard that polls every 20 seconds redraws only what five more answers have moved.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from course.content.schema import BranchingItem, ChoiceItem, Item, Lesson, OrderItem
from course.content.schema import RedFlagsItem as RedFlags
from course.stats import categories as cats
from course.stats.snapshots import CORRECT, decision_question
from course.stats.suppress import Hidden, Snapshot, combine, suppress

WORTH_DISCUSSING_BELOW = 50  # percent right at the first attempt
RIGHT_FIRST_TIME = "right at the first attempt"
PROMPT_LENGTH = 240
KEPT_FIGURES = 4096

# The stored snapshots (respondents, counts as JSON) of a group's classes that hold at least k
# respondents, in class order.
Sources = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Bar:
    """One category of a shown breakdown: how it reads, its share, and what it is."""

    label: str
    share: str  # "45%", "all or nearly all", "none or almost none"
    percent: int
    right: bool | None
    note: str


@dataclass(frozen=True)
class Figure:
    """One breakdown as a teacher sees it: its bars, or why it is held back."""

    key: str  # the question, for ids in the page and the CSV
    title: str
    bars: tuple[Bar, ...] = ()
    right: Bar | None = None  # right at the first attempt, for a graded question
    respondents: int = 0  # how many answers the shown snapshot holds (a multiple of 5)
    held_back: str | None = None

    @property
    def shown(self) -> bool:
        return self.held_back is None


@dataclass(frozen=True)
class QuestionStats:
    """One quiz item: right at the first attempt, the commonest mistake, every category."""

    item_id: str
    kind: str
    lesson: str
    prompt: str
    figure: Figure
    right: str | None  # the share right at the first attempt; None while held back
    right_percent: int | None
    mistake_measure: str  # e.g. "most chosen wrong answer"
    mistake: str | None  # the category, when one stands out
    decisions: tuple[Figure, ...] = ()  # a chat's choice map, one figure per decision

    @property
    def worth_discussing(self) -> bool:
        """Most of the group got it wrong at the first attempt."""
        return self.right_percent is not None and self.right_percent < WORTH_DISCUSSING_BELOW


@lru_cache(maxsize=65536)
def stored(respondents: int, counts: str) -> Snapshot:
    """A stored snapshot, read once however many views draw on it."""
    return Snapshot(respondents, json.loads(counts))


def group_snapshot(sources: Sources, min_group: int) -> Snapshot | None:
    """A group's snapshot: the sum of its classes' shown snapshots (suppress.combine)."""
    return combine((stored(respondents, counts) for respondents, counts in sources), min_group)


def figure(
    key: str,
    title: str,
    snapshot: Snapshot | None,
    min_group: int,
    categories: Sequence[cats.Category],
    *,
    graded: bool,
) -> Figure:
    """A breakdown as shown: through `suppress`, so held back below k, shares never counts.
    A graded question also shows the share right at the first attempt."""
    breakdown = suppress(snapshot, min_group, [c.id for c in categories])
    if isinstance(breakdown, Hidden):
        return Figure(key, title, held_back=breakdown.message)
    bars = []
    for category in categories:
        share = breakdown.share(category.id)
        bars.append(Bar(category.label, share.label, share.percent, category.right, category.note))
    right = None
    if graded:
        share = breakdown.share(CORRECT)
        right = Bar(RIGHT_FIRST_TIME, share.label, share.percent, True, "")
    return Figure(key, title, tuple(bars), right, breakdown.respondents)


_drawn: OrderedDict[tuple[object, ...], QuestionStats] = OrderedDict()
_drawn_lock = threading.Lock()


def question_stats(
    version: str,
    lesson: Lesson,
    item: Item,
    sources: Mapping[str, Sources],
    min_group: int,
) -> QuestionStats:
    """One item's figures (a chat's decisions too) for a group, from its sources by question.

    `version` is the catalogue's content hash: with the item, the sources and k it decides the
    result, which is kept for the next view."""
    questions = [item.id]
    if isinstance(item, BranchingItem):
        questions += [decision_question(item.id, n.id) for n in cats.decision_nodes(item)]
    key = (version, lesson.slug, item.id, min_group, *(sources.get(q, ()) for q in questions))
    with _drawn_lock:
        found = _drawn.get(key)
        if found is not None:
            _drawn.move_to_end(key)
            return found
    drawn = draw_question(lesson, item, sources, min_group)
    with _drawn_lock:
        _drawn[key] = drawn
        while len(_drawn) > KEPT_FIGURES:
            _drawn.popitem(last=False)
    return drawn


def draw_question(
    lesson: Lesson, item: Item, sources: Mapping[str, Sources], min_group: int
) -> QuestionStats:
    """One item's figures, drawn afresh."""
    prompt = cats.plain(item.prompt_html, limit=PROMPT_LENGTH)
    snapshot = cats.item_snapshot(item, group_snapshot(sources.get(item.id, ()), min_group))
    shown = figure(item.id, prompt, snapshot, min_group, cats.categories(item), graded=True)
    decisions: tuple[Figure, ...] = ()
    if isinstance(item, BranchingItem):
        decisions = tuple(
            figure(
                (question := decision_question(item.id, node.id)),
                cats.decision_label(node),
                cats.decision_snapshot(node, group_snapshot(sources.get(question, ()), min_group)),
                min_group,
                cats.decision_categories(node),
                graded=False,
            )
            for node in cats.decision_nodes(item)
        )
    measure, mistake = commonest_mistake(item, shown)
    right = shown.right
    return QuestionStats(
        item_id=item.id,
        kind=item.type,
        lesson=lesson.title,
        prompt=prompt,
        figure=shown,
        right=right.share if right else None,
        right_percent=right.percent if right else None,
        mistake_measure=measure,
        mistake=mistake,
        decisions=decisions,
    )


def commonest_mistake(item: Item, shown: Figure) -> tuple[str, str | None]:
    """What most often went wrong, judged by the shown (rounded) shares alone, so it says no
    more than the bars do: the wrong answer chosen most, the warning sign most often missed,
    the pair of steps most often the wrong way round, the risky ending reached most."""
    bars = shown.bars
    if isinstance(item, ChoiceItem):
        measure, wrong = "most chosen wrong answer", [b for b in bars if b.right is False]
    elif isinstance(item, RedFlags):
        measure, wrong = "warning sign most often missed", [b for b in bars if b.right]
        wrong = [Bar(b.label, b.share, 100 - b.percent, b.right, b.note) for b in wrong]
    elif isinstance(item, OrderItem):
        measure = "pair of steps most often the wrong way round"
        wrong = [Bar(b.label, b.share, 100 - b.percent, b.right, b.note) for b in bars]
    else:
        measure, wrong = "risky ending reached most", [b for b in bars if b.right is False]
    # `percent` now reads "how wrong": the first of the largest wins, and none at zero.
    worst = max(wrong, key=lambda b: b.percent, default=None)
    return measure, worst.label if worst is not None and worst.percent > 0 else None


def ordered(questions: Iterable[QuestionStats]) -> tuple[QuestionStats, ...]:
    """Worth discussing first (the least right first), then the rest in course order."""
    listed = list(questions)
    first = sorted((q for q in listed if q.worth_discussing), key=lambda q: q.right_percent or 0)
    return (*first, *(q for q in listed if not q.worth_discussing))
