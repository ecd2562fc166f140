"""CSV exports of a class's and a school's statistics, made from the very structures the pages
show (course/stats/aggregate.py), so a download can say no more than the dashboard does.

One row per figure: section, id (a lesson slug, an item id, or "<item>/<node>" for a decision in
a chat; never a pupil), subject, measure, value, note. UTF-8 with a byte-order mark, so Excel
reads the accents; a cell that a spreadsheet would take for a formula gets a leading
apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from course.content.schema import AUDIENCE_LABELS
from course.stats.aggregate import ClassStats, SchoolStats
from course.stats.figures import RIGHT_FIRST_TIME, Figure, QuestionStats

HEADER = ("section", "id", "subject", "measure", "value", "note")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
NO_MISTAKE = "none stands out"
MEDIA_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Row:
    """One figure in an export."""

    section: str
    id: str
    subject: str
    measure: str
    value: str
    note: str = ""

    def cells(self) -> tuple[str, ...]:
        return (self.section, self.id, self.subject, self.measure, self.value, self.note)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def to_csv(rows: Iterable[Row]) -> str:
    """The rows as CSV text, with the header, formulas neutralised, starting with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row.cells()])
    return BOM + out.getvalue()


def file_name(kind: str, name: str) -> str:
    """A download's file name: plain ASCII letters, digits and dashes only."""
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return f"{kind}-{words or 'statistics'}-statistics.csv"


def attachment(file: str) -> str:
    """The Content-Disposition that makes the browser save the file."""
    return f'attachment; filename="{file}"'


def class_rows(stats: ClassStats) -> list[Row]:
    """Every figure of the class dashboard."""
    rows = [
        Row("class", "", stats.name, "age group", AUDIENCE_LABELS.get(stats.age_band, "")),
        Row("class", "", stats.name, "pupils joined", str(stats.joined)),
        Row("class", "", stats.name, "completed every lesson", str(stats.completed_all)),
        Row("film", "film", "The film", "started", str(stats.film_started)),
        Row("film", "film", "The film", "finished", str(stats.film_finished)),
    ]
    for lesson in stats.lessons:
        for measure, count in (
            ("started", lesson.started),
            ("completed", lesson.completed),
            ("skipped", lesson.skipped),
        ):
            rows.append(Row("lesson", lesson.slug, lesson.title, measure, str(count)))
    return rows + question_rows(stats.questions)


def school_rows(stats: SchoolStats) -> list[Row]:
    """Every figure of the school view."""
    rows = [
        Row("school", "", stats.name, "pupils joined", str(stats.joined)),
        Row("school", "", stats.name, "started", str(stats.started)),
        Row("school", "", stats.name, "completed every lesson", str(stats.completed_all)),
    ]
    for found in stats.classes:
        band = AUDIENCE_LABELS.get(found.age_band, "")
        rows += [
            Row("class", "", found.name, "age group", band),
            Row("class", "", found.name, "pupils joined", str(found.joined)),
            Row("class", "", found.name, "started", str(found.started)),
            Row("class", "", found.name, "completed every lesson", str(found.completed_all)),
        ]
    return rows + question_rows(stats.questions)


def question_rows(questions: Sequence[QuestionStats]) -> list[Row]:
    """Each question's summary and shares, and each chat decision's."""
    rows = []
    for question in questions:
        subject = question.prompt
        rows.append(Row("question", question.item_id, subject, "lesson", question.lesson))
        if question.right is None:
            held_back = question.figure.held_back or ""
            rows.append(Row("question", question.item_id, subject, RIGHT_FIRST_TIME, held_back))
        else:
            rows += [
                Row("question", question.item_id, subject, RIGHT_FIRST_TIME, question.right),
                Row(
                    "question",
                    question.item_id,
                    subject,
                    question.mistake_measure,
                    question.mistake or NO_MISTAKE,
                ),
                *figure_rows("question", question.figure),
            ]
        for decision in question.decisions:
            rows += figure_rows("chat decision", decision)
    return rows


def figure_rows(section: str, shown: Figure) -> list[Row]:
    """A breakdown's shares, or the one row saying why it is held back."""
    if shown.held_back is not None:
        return [Row(section, shown.key, shown.title, "shown", shown.held_back)]
    rows = [Row(section, shown.key, shown.title, "answers counted", str(shown.respondents))]
    rows += [
        Row(section, shown.key, shown.title, bar.label, bar.share, bar.note) for bar in shown.bars
    ]
    return rows
