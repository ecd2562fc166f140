"""A teacher's classes: create, rename, open and close joining, a new code, limits, delete, and
the projector's join screen. Another school's class, or a colleague's, answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import Engine
from sqlmodel import Session

from course.content.schema import AUDIENCES
from course.db import read_session, write_session
from course.deps import EngineDep
from course.schools.classes import (
    Viewer,
    class_for,
    classes_for,
    create_class,
    delete_class,
    joined_count,
    shown_code,
    unused_code,
)
from course.schools.deps import CurrentTeacher, KnownTeacher
from course.schools.join_links import join_link, join_qr_svg
from course.schools.models import SchoolClass
from course.web import render, url_path

router = APIRouter(prefix="/teachers/classes", tags=["classes"])

NAME_ERROR = "Give the class a name of 1 to 80 characters, such as “Year 9 Blue”."
BAND_ERROR = "Choose the age group of the class."


def viewer_of(teacher: KnownTeacher) -> Viewer:
    return Viewer(teacher.id, teacher.school_id, teacher.is_admin)


def own_class_or_404(session: Session, teacher: KnownTeacher, class_id: int) -> SchoolClass:
    """The class if this teacher may see it; 404 for anything else, whatever the id."""
    found = class_for(viewer_of(teacher), class_id, session=session)
    if found is None:
        raise HTTPException(status_code=404)
    return found


def class_page(
    request: Request,
    engine: Engine,
    teacher: KnownTeacher,
    class_id: int,
    errors: dict[str, str] | None = None,
) -> Response:
    with read_session(engine) as session:
        found = own_class_or_404(session, teacher, class_id)
        joined = joined_count(found.id, session=session)
    context = {
        "teacher": teacher,
        "school_class": found,
        "joined": joined,
        "code": shown_code(found.join_code),
        "errors": errors or {},
    }
    return render(request, "teachers/class.html", context, status_code=422 if errors else 200)


@router.get("")
def show_classes(request: Request, engine: EngineDep, teacher: CurrentTeacher) -> Response:
    """Your classes, and a form to create one."""
    with read_session(engine) as session:
        classes = classes_for(viewer_of(teacher), session=session)
    context = {"teacher": teacher, "classes": classes, "errors": {}, "typed": {}}
    return render(request, "teachers/classes.html", context)


@router.post("")
def add_class(
    request: Request,
    engine: EngineDep,
    teacher: CurrentTeacher,
    name: Annotated[str, Form()] = "",
    age_band: Annotated[str, Form()] = "",
) -> Response:
    """Create a class, open for joining, and show its page."""
    name = " ".join(name.split())
    errors = {}
    if not teacher.email_confirmed:
        errors["name"] = "Confirm your email address first: we sent you a link."
    elif not 1 <= len(name) <= 80:
        errors["name"] = NAME_ERROR
    if age_band not in AUDIENCES:
        errors["age_band"] = BAND_ERROR
    if errors:
        with read_session(engine) as session:
            classes = classes_for(viewer_of(teacher), session=session)
        context = {
            "teacher": teacher,
            "classes": classes,
            "errors": errors,
            "typed": {"name": name, "age_band": age_band},
        }
        return render(request, "teachers/classes.html", context, status_code=422)
    with write_session(engine) as session:
        created = create_class(viewer_of(teacher), name, age_band, session=session)
    return RedirectResponse(url_path(request, "show_class", class_id=str(created.id)), 303)


@router.get("/{class_id}")
def show_class(
    request: Request, class_id: int, engine: EngineDep, teacher: CurrentTeacher
) -> Response:
    """A class: its code, who may join, and its settings."""
    return class_page(request, engine, teacher, class_id)


def back_to_class(request: Request, class_id: int) -> Response:
    return RedirectResponse(url_path(request, "show_class", class_id=str(class_id)), 303)


@router.post("/{class_id}/name")
def rename_class(
    request: Request,
    class_id: int,
    engine: EngineDep,
    teacher: CurrentTeacher,
    name: Annotated[str, Form()] = "",
) -> Response:
    """Rename the class."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= 80:
        return class_page(request, engine, teacher, class_id, {"name": NAME_ERROR})
    with write_session(engine) as session:
        own_class_or_404(session, teacher, class_id).name = name
    return back_to_class(request, class_id)


@router.post("/{class_id}/joining")
def set_joining(
    request: Request,
    class_id: int,
    engine: EngineDep,
    teacher: CurrentTeacher,
    joining: Annotated[str, Form()] = "",
) -> Response:
    """Open or close the class for new pupils."""
    with write_session(engine) as session:
        own_class_or_404(session, teacher, class_id).joining_open = joining == "open"
    return back_to_class(request, class_id)


@router.post("/{class_id}/code")
def renew_code(
    request: Request, class_id: int, engine: EngineDep, teacher: CurrentTeacher
) -> Response:
    """A new join code: the old one stops working at once."""
    with write_session(engine) as session:
        own_class_or_404(session, teacher, class_id).join_code = unused_code(session=session)
    return back_to_class(request, class_id)


@router.post("/{class_id}/limits")
def set_limits(
    request: Request,
    class_id: int,
    engine: EngineDep,
    teacher: CurrentTeacher,
    cap: Annotated[str, Form()] = "",
    closes_on: Annotated[str, Form()] = "",
) -> Response:
    """An optional most number of pupils, and an optional last day for joining."""
    errors = {}
    limit = None
    if cap.strip():
        digits = cap.strip().isascii() and cap.strip().isdigit()  # not '²', a digit to Python
        limit = int(cap) if digits and 0 < len(cap.strip()) < 5 else 0
        if not 1 <= limit <= 1000:
            errors["cap"] = "Give a number from 1 to 1000, or leave it empty for no limit."
    last_day = None
    if closes_on.strip():
        try:
            last_day = dt.date.fromisoformat(closes_on.strip())
        except ValueError:
            errors["closes_on"] = "Give a date like 2027-03-31, or leave it empty."
    if errors:
        return class_page(request, engine, teacher, class_id, errors)
    with write_session(engine) as session:
        found = own_class_or_404(session, teacher, class_id)
        found.cap, found.closes_on = limit, last_day
    return back_to_class(request, class_id)


@router.get("/{class_id}/delete")
def confirm_delete(
    request: Request, class_id: int, engine: EngineDep, teacher: CurrentTeacher
) -> Response:
    """Are you sure? Deleting removes every pupil's data in the class."""
    with read_session(engine) as session:
        found = own_class_or_404(session, teacher, class_id)
        joined = joined_count(found.id, session=session)
    context = {"teacher": teacher, "school_class": found, "joined": joined}
    return render(request, "teachers/class_delete.html", context)


@router.post("/{class_id}/delete")
def remove_class(
    request: Request, class_id: int, engine: EngineDep, teacher: CurrentTeacher
) -> Response:
    """Delete the class and all its learners' data."""
    with write_session(engine) as session:
        delete_class(own_class_or_404(session, teacher, class_id), session=session)
    return RedirectResponse(url_path(request, "show_classes"), 303)


@router.get("/{class_id}/join-screen")
def show_join_screen(
    request: Request, class_id: int, engine: EngineDep, teacher: CurrentTeacher
) -> Response:
    """For the projector: the code large, the join link, and a QR code of the link."""
    with read_session(engine) as session:
        found = own_class_or_404(session, teacher, class_id)
    link = join_link(request, found.join_code)
    context = {
        "teacher": teacher,
        "school_class": found,
        "code": shown_code(found.join_code),
        "link": link,
        "join_address": join_link(request, None),
        "qr": Markup(join_qr_svg(link)),  # noqa: S704 - segno's SVG of our own link
    }
    return render(request, "teachers/join_screen.html", context)
