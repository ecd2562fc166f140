"""Teachers' statistics: a class's dashboard (page, htmx fragment, CSV) and, for a school's
admin, the school's (page, CSV). Another school's class, or a colleague's for a teacher who is
not the admin, answers 404 everywhere, the fragment and the CSV included.

Every page is no-store and rendered for its request (never `render(..., cache_key=...)`): its
figures move as pupils answer. Only a question's section, a function of its figures alone, is
kept once rendered (course/stats/sections.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Engine

from course.content.schema import Catalogue
from course.db import read_session
from course.deps import CatalogueDep, EngineDep, SettingsDep
from course.schools.classes import Viewer, class_for, classes_for
from course.schools.deps import CurrentAdmin, CurrentTeacher, KnownTeacher
from course.stats import charts, export
from course.stats.aggregate import ClassStats, SchoolStats, class_stats, school_stats
from course.stats.figures import QuestionStats
from course.stats.sections import questions_block
from course.stats.suppress import group_size
from course.web import is_htmx, render, url_path

router = APIRouter(prefix="/teachers", tags=["stats"])

POLL_EVERY = "20s"
LARGEST_ID = 2**63 - 1


def viewer_of(teacher: KnownTeacher) -> Viewer:
    return Viewer(teacher.id, teacher.school_id, teacher.is_admin)


def read_class_stats(
    engine: Engine, catalogue: Catalogue, teacher: KnownTeacher, class_id: int, min_group: int
) -> ClassStats:
    """The class's statistics if this teacher may see the class; else a 404."""
    if not 0 < class_id <= LARGEST_ID:
        raise HTTPException(status_code=404)
    with read_session(engine) as session:
        found = class_for(viewer_of(teacher), class_id, session=session)
        if found is None:
            raise HTTPException(status_code=404)
        return class_stats(catalogue, found, group_size(min_group), session=session)


def read_school_stats(
    engine: Engine, catalogue: Catalogue, admin: KnownTeacher, min_group: int
) -> SchoolStats:
    """The admin's school's statistics, every class of it."""
    with read_session(engine) as session:
        classes = classes_for(viewer_of(admin), session=session)
        return school_stats(
            catalogue, admin.school_id, classes, group_size(min_group), session=session
        )


def questions_html(request: Request, questions: Sequence[QuestionStats]) -> Markup:
    """Every question's figures as HTML, with this app's templates (kept once rendered)."""
    return questions_block(request.app.state.templates, questions)


def dashboard_paths(request: Request, class_ids: list[int]) -> dict[int, str]:
    """Each class's dashboard path, from one lookup of the named route (a school has many
    classes, and each lookup walks every route)."""
    head, tail = url_path(request, "show_class_dashboard", class_id="0").rsplit("/0/", 1)
    return {class_id: f"{head}/{class_id}/{tail}" for class_id in class_ids}


def fresh(response: Response) -> Response:
    """Never kept by a browser or a proxy; the fragment and the page differ by HX-Request."""
    response.headers["cache-control"] = "no-store"
    response.headers["vary"] = "HX-Request"
    return response


@router.get("/classes/{class_id}/dashboard")
def show_class_dashboard(
    request: Request,
    class_id: int,
    engine: EngineDep,
    catalogue: CatalogueDep,
    settings: SettingsDep,
    teacher: CurrentTeacher,
) -> Response:
    """A class's dashboard; with HX-Request, just the part that refreshes itself."""
    stats = read_class_stats(engine, catalogue, teacher, class_id, settings.stats_min_group)
    context = {
        "title": f"Statistics: {stats.name}",
        "teacher": teacher,
        "stats": stats,
        "funnel": charts.class_funnel(stats),
        "questions_html": questions_html(request, stats.questions),
        "poll_every": POLL_EVERY,
    }
    template = "stats/_class.html" if is_htmx(request) else "stats/class.html"
    return fresh(render(request, template, context))


@router.get("/classes/{class_id}/dashboard.csv")
def export_class_dashboard(
    class_id: int,
    engine: EngineDep,
    catalogue: CatalogueDep,
    settings: SettingsDep,
    teacher: CurrentTeacher,
) -> Response:
    """The class's dashboard as a CSV file: the same figures, suppressed the same way."""
    stats = read_class_stats(engine, catalogue, teacher, class_id, settings.stats_min_group)
    body = export.to_csv(export.class_rows(stats))
    disposition = export.attachment(export.file_name("class", stats.name))
    headers = {"content-disposition": disposition}
    return fresh(Response(body, media_type=export.MEDIA_TYPE, headers=headers))


@router.get("/school/dashboard")
def show_school_dashboard(
    request: Request,
    engine: EngineDep,
    catalogue: CatalogueDep,
    settings: SettingsDep,
    admin: CurrentAdmin,
) -> Response:
    """The school's statistics: every class, the whole school, and its breakdowns."""
    stats = read_school_stats(engine, catalogue, admin, settings.stats_min_group)
    context = {
        "title": f"Statistics: {stats.name}",
        "teacher": admin,
        "stats": stats,
        "dashboards": dashboard_paths(request, [row.class_id for row in stats.classes]),
        "questions_html": questions_html(request, stats.questions),
    }
    return fresh(render(request, "stats/school.html", context))


@router.get("/school/dashboard.csv")
def export_school_dashboard(
    engine: EngineDep, catalogue: CatalogueDep, settings: SettingsDep, admin: CurrentAdmin
) -> Response:
    """The school's statistics as a CSV file."""
    stats = read_school_stats(engine, catalogue, admin, settings.stats_min_group)
    body = export.to_csv(export.school_rows(stats))
    disposition = export.attachment(export.file_name("school", stats.name))
    headers = {"content-disposition": disposition}
    return fresh(Response(body, media_type=export.MEDIA_TYPE, headers=headers))
