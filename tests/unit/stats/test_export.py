"""The CSV: a header, a byte-order mark for Excel, formulas neutralised, plain file names."""

from __future__ import annotations

import csv
import io

import pytest

from course.stats.aggregate import ClassStats, LessonCounts
from course.stats.export import (
    BOM,
    HEADER,
    Row,
    attachment,
    class_rows,
    file_name,
    neutralise,
    to_csv,
)
from course.stats.figures import Figure, QuestionStats


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_could_be_a_formula_gets_a_leading_apostrophe(start: str) -> None:
    assert neutralise(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_other_cells_are_left_alone() -> None:
    for cell in ("45%", "all or nearly all", "Year 9 = best", "", "12"):
        assert neutralise(cell) == cell


def test_the_csv_starts_with_a_bom_and_the_header_and_neutralises_every_column() -> None:
    text = to_csv([Row("class", "=1+1", "@name", "-measure", "+value", "=note")])
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows[0] == list(HEADER)
    assert rows[1] == ["class", "'=1+1", "'@name", "'-measure", "'+value", "'=note"]


def test_a_file_name_is_plain_ascii_whatever_the_class_is_called() -> None:
    name = file_name("class", 'Year 9 "Blue"; <script>\r\nÉcole')
    assert name == "class-year-9-blue-script-cole-statistics.csv"
    assert file_name("class", "!!!") == "class-statistics-statistics.csv"
    assert attachment(name) == f'attachment; filename="{name}"'


def test_class_rows_hold_counts_and_shares_and_no_pupil() -> None:
    held = Figure("q1", "Question one", held_back="Shown when at least 10 pupils have answered.")
    stats = ClassStats(
        class_id=123456789,
        name="9B",
        age_band="14-18",
        joined=4,
        completed_all=1,
        lessons=(LessonCounts("one", "Lesson one", 3, 1, 1),),
        film_started=2,
        film_finished=1,
        questions=(
            QuestionStats(
                "q1",
                "choice",
                "Lesson one",
                "Question one",
                held,
                None,
                None,
                "most chosen wrong answer",
                None,
            ),
        ),
        min_group=10,
        live=False,
    )
    rows = class_rows(stats)
    cells = {(row.section, row.subject, row.measure): row.value for row in rows}
    assert cells[("class", "9B", "pupils joined")] == "4"
    assert cells[("lesson", "Lesson one", "skipped")] == "1"
    held_back = cells[("question", "Question one", "right at the first attempt")]
    assert held_back.startswith("Shown when at least 10")
    assert all("123456789" not in cell for row in rows for cell in row.cells())
