"""Reading the statistics pages and their CSV in tests: every figure as (subject, measure) to
value, so a page and its download can be compared cell for cell."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from course.stats.export import BOM

WORTH_TAG = " worth discussing"


@dataclass
class Table:
    """One table of a page: its id and classes, caption, column headers and rows."""

    id: str
    classes: list[str]
    caption: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # the row header first


class TableReader(HTMLParser):
    """Collects every table's text, cell by cell."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.text: list[str] | None = None
        self.row: list[str] | None = None
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.tables.append(Table(values.get("id") or "", (values.get("class") or "").split()))
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td", "caption"):
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if not self.tables:
            return
        table = self.tables[-1]
        if tag in ("th", "td", "caption") and self.text is not None:
            words = " ".join("".join(self.text).split())
            self.text = None
            if tag == "caption":
                table.caption = words
            elif self.in_head:
                table.columns.append(words)
            elif self.row is not None:
                self.row.append(words)
        elif tag == "thead":
            self.in_head = False
        elif tag == "tr" and self.row is not None:
            if self.row:
                table.rows.append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def tables(html: str) -> list[Table]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables


def page_figures(html: str) -> dict[tuple[str, str], str]:
    """Every figure a statistics page shows in its tables, as (subject, measure) -> value."""
    found: dict[tuple[str, str], str] = {}
    for table in tables(html):
        if "stats-table--grid" in table.classes:
            for header, *cells in table.rows:
                subject = header.removesuffix(WORTH_TAG)
                for column, value in zip(table.columns[1:], cells, strict=False):
                    if column == "Commonest mistake":
                        if ": " in value:
                            measure, value = value.split(": ", 1)
                            found[(subject, measure.lower())] = value
                    elif column and value:
                        found[(subject, column.lower())] = value
        else:
            notes = len(table.columns) > 2
            for header, value, *rest in table.rows:
                found[(table.caption, header.lower())] = value
                if notes and rest and rest[0]:
                    found[(table.caption, header.lower() + " [note]")] = rest[0]
    return found


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def csv_figures(text: str) -> dict[tuple[str, str], str]:
    """The same figures from a CSV download (its "answers counted" and "shown" rows aside)."""
    found: dict[tuple[str, str], str] = {}
    for row in csv_rows(text):
        if row["measure"] in ("answers counted", "shown"):
            continue
        found[(row["subject"], row["measure"].lower())] = row["value"]
        if row["note"]:
            found[(row["subject"], row["measure"].lower() + " [note]")] = row["note"]
    return found


def svg_elements(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)
