"""What the database keeps for statistics: each class's breakdown snapshots (stats/suppress.py).

A row holds totals only (how many of the class's respondents gave each answer), never who. Its
`respondents` and `counts` are the snapshot, taken when the respondents last reached a multiple
of five: every view of a breakdown is drawn from them and from nothing else. `live_respondents`
and `live_counts` are the running totals the next snapshot is taken from; they are never read
for a page, a fragment or a CSV (course/stats/aggregate.py selects only the snapshot).
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, PrimaryKeyConstraint, Text
from sqlmodel import Field, SQLModel

from course.schools.models import ID_TYPE


class BreakdownSnapshot(SQLModel, table=True):
    """One question's (or one chat decision's) totals in one class, at a multiple of five."""

    __tablename__ = "breakdown_snapshot"
    __table_args__ = (PrimaryKeyConstraint("class_id", "question"),)

    class_id: int = Field(
        sa_column=Column(ID_TYPE, ForeignKey("school_class.id", ondelete="CASCADE"), nullable=False)
    )
    question: str = Field(max_length=200)  # an item id, or "<item id>/<node id>" in a chat
    respondents: int  # 0 until the first snapshot
    counts: str = Field(sa_column=Column(Text, nullable=False))  # JSON: category -> total
    live_respondents: int  # never shown
    live_counts: str = Field(sa_column=Column(Text, nullable=False))  # JSON; never shown
