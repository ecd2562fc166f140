"""Pages for teachers: the guide to running a session (classes and statistics come later)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from course.deps import CatalogueDep
from course.web import render

router = APIRouter(prefix="/teachers", tags=["schools"])


@router.get("/guide")
async def show_teachers_guide(request: Request, catalogue: CatalogueDep) -> Response:
    """The teacher's guide: a 50-minute session, disclosures, and talking about suicide safely."""
    return render(request, "guide/teachers.html", {"lessons": catalogue.lessons}, cache_key="guide")
