"""Pages for teachers: the guide to running a session (classes and statistics come later)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from course.web import render

router = APIRouter()


@router.get("/teachers/guide")
async def show_teachers_guide(request: Request) -> Response:
    """The teacher's guide: a 50-minute session, disclosures, and talking about suicide safely."""
    return render(request, "guide/teachers.html", cache_key="guide")
