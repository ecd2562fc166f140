"""Chart geometry: bars as long as their share (or count), inside the chart, with words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from course.stats.aggregate import LessonCounts
from course.stats.charts import TRACK, element_id, funnel_chart, share_chart, short
from course.stats.figures import Bar, Figure
from course.stats.suppress import share_label

bars = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=300), st.integers(0, 30), st.sampled_from([True, False, None])
    ),
    min_size=1,
    max_size=8,
)


@settings(deadline=None)  # no deadline: a busy machine is not a broken rule
@given(bars)
def test_a_share_bar_is_as_long_as_its_shown_share_and_never_longer_than_the_track(
    given_bars: list[tuple[str, int, bool | None]],
) -> None:
    shown = Figure(
        "wis/node",
        "A question",
        tuple(Bar(label, *share_label(n, 30), right, "") for label, n, right in given_bars),
        respondents=30,
    )
    chart = share_chart(shown)
    assert len(chart.bars) == len(given_bars)
    for drawn, bar in zip(chart.bars, shown.bars, strict=True):
        assert 0 <= drawn.width <= TRACK
        assert drawn.width == round(TRACK * bar.percent / 100)
        assert drawn.value == bar.share  # the words beside the bar are the table's
        assert len(drawn.label) <= 72
        assert drawn.kind in ("right", "wrong", "other")
    rows = [bar.y for bar in chart.bars]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)
    assert chart.height > rows[-1]


def test_the_funnel_measures_every_bar_against_the_largest_count() -> None:
    lessons = [LessonCounts("a", "One", 10, 4, 1), LessonCounts("b", "Two", 0, 0, 0)]
    chart = funnel_chart("funnel", "Lessons", 20, lessons)
    widths = [bar.width for bar in chart.bars]
    assert widths == [TRACK, TRACK // 2, round(TRACK * 4 / 20), 0, 0]
    assert [bar.value for bar in chart.bars][:2] == ["20 pupils", "10 pupils"]
    assert chart.bars[1].label == "Lesson 1, One: started"
    assert funnel_chart("f", "t", 0, []).bars[0].width == 0


def test_ids_are_safe_for_html_and_labels_are_cut_for_one_line() -> None:
    assert element_id("wtd-chat/start node") == "stats-wtd-chat--start--node"
    assert short("x" * 100).endswith("…")
    assert short("short") == "short"
