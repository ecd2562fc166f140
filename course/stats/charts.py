"""Charts drawn on the server as SVG: bars for shares, a funnel for lessons. Pure geometry.

The template stats/_chart.html draws a `Chart` with classes and the `x`, `y` and `width`
attributes only (the CSP forbids inline styles). Each chart is an image with a title and a
description (`role="img"`, `aria-labelledby`); the table printed beside it holds the same figures
and is its text alternative. Every bar carries its words (the label, the share or count, and a
note such as "right answer"), so colour is never the only cue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from course.stats.aggregate import ClassStats, LessonCounts
from course.stats.figures import Figure

WIDTH = 720
TRACK = 500  # a bar's length at 100%, or at the largest count
VALUE_X = TRACK + 10
ROW = 48
LABEL_LENGTH = 72
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class ChartBar:
    """One bar: its words, its row and its length."""

    label: str
    value: str
    note: str
    y: int  # top of the bar's row
    width: int
    kind: str  # a class modifier: right, wrong, other, joined, started, completed

    @property
    def label_y(self) -> int:
        return self.y + 15

    @property
    def bar_y(self) -> int:
        return self.y + 22

    @property
    def value_y(self) -> int:
        return self.y + 35


@dataclass(frozen=True)
class Chart:
    """A chart as the template draws it."""

    id: str
    title: str
    description: str
    bars: tuple[ChartBar, ...]
    width: int = WIDTH
    track: int = TRACK
    value_x: int = VALUE_X
    bar_height: int = 16

    @property
    def height(self) -> int:
        return ROW * len(self.bars) + 4


def element_id(key: str) -> str:
    """An HTML id for a question, a decision or a chart (content ids and a slash become safe)."""
    return "stats-" + _NOT_ID.sub("--", key)


def short(label: str) -> str:
    """A label short enough for one line of a chart (the table gives it whole)."""
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1].rstrip() + "…"


def share_chart(shown: Figure) -> Chart:
    """Bars for the shares of a shown breakdown, each its share of the respondents."""
    bars = tuple(
        ChartBar(
            label=short(bar.label),
            value=bar.share,
            note=bar.note,
            y=ROW * n,
            width=round(TRACK * bar.percent / 100),
            kind={True: "right", False: "wrong", None: "other"}[bar.right],
        )
        for n, bar in enumerate(shown.bars)
    )
    return Chart(
        id=element_id(shown.key) + "-chart",
        title=f"How {shown.respondents} answers split: {short(shown.title)}",
        description="Each bar is the share of pupils in that group, rounded to the nearest "
        "5%. The table beside the chart gives the same figures.",
        bars=bars,
    )


def funnel_chart(chart_id: str, title: str, joined: int, lessons: Sequence[LessonCounts]) -> Chart:
    """The funnel: pupils who joined, then who started and completed each lesson (exact)."""
    rows = [("Joined the class", joined, "joined")]
    for n, lesson in enumerate(lessons, start=1):
        rows.append((f"Lesson {n}, {lesson.title}: started", lesson.started, "started"))
        rows.append((f"Lesson {n}, {lesson.title}: completed", lesson.completed, "completed"))
    largest = max([count for _, count, _ in rows] + [1])
    bars = tuple(
        ChartBar(
            label=short(label),
            value=f"{count} {'pupil' if count == 1 else 'pupils'}",
            note="",
            y=ROW * n,
            width=round(TRACK * count / largest),
            kind=kind,
        )
        for n, (label, count, kind) in enumerate(rows)
    )
    return Chart(
        id=chart_id,
        title=title,
        description="Each bar is a number of pupils: those who joined, then those who started "
        "and completed each lesson. The table beside the chart gives the same figures.",
        bars=bars,
    )


def class_funnel(stats: ClassStats) -> Chart:
    """The class dashboard's funnel."""
    return funnel_chart(
        "stats-funnel-chart", f"Lessons: {short(stats.name)}", stats.joined, stats.lessons
    )
