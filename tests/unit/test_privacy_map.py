"""docs/PRIVACY.md describes every column the database stores: a new one fails here until it is."""

from __future__ import annotations

from sqlmodel import SQLModel

import course.models  # noqa: F401 - registers every table
from course.settings import REPO_ROOT


def test_every_stored_column_is_described_in_the_privacy_data_map() -> None:
    page = (REPO_ROOT / "docs" / "PRIVACY.md").read_text(encoding="utf-8")
    missing = [
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if f"`{table.name}.{column.name}`" not in page
    ]
    assert not missing, f"describe these columns in docs/PRIVACY.md: {', '.join(missing)}"
