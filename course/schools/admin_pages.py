"""A school's admin: its teachers, inviting and removing them, requiring two-factor sign-in;
and the invited teacher's page to join.

Every admin route takes CurrentAdmin (a 403 page for other teachers), and every query is
scoped to the admin's own school: a teacher id from another school is a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, HTTPException, Request
from fastapi.responses import Response

from course.db import read_session, write_session
from course.deps import EngineDep, SettingsDep
from course.schools.accounts import (
    add_teacher,
    clean_text,
    email_problem,
    find_teacher,
    normalise_email,
    remove_teacher,
    require_two_factor,
    school_by_id,
    school_teachers,
    teacher_by_id,
    text_problem,
)
from course.schools.classes import Viewer, classes_for
from course.schools.deps import CurrentAdmin
from course.schools.links import create_link as create_email_link
from course.schools.links import find_link, use_link
from course.schools.mail import already_registered_mail, invite_mail, link_to, page_url, send_mail
from course.schools.pages import AttemptWait, form_errors, go_to, teacher_page, too_many_attempts
from course.schools.passwords import hash_password, password_problem
from course.schools.sessions import (
    end_session,
    hash_session_token,
    read_session_cookie,
    set_session_cookie,
    start_session,
)

router = APIRouter(prefix="/teachers", tags=["schools"])
Text = Annotated[str, Form()]


def school_page(
    request: Request,
    engine: EngineDep,
    admin: CurrentAdmin,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """The admin's page of their school's teachers (422 when the invitation had errors)."""
    with read_session(engine) as session:
        school = school_by_id(admin.school_id, session=session)
        teachers = school_teachers(admin.school_id, session=session)
    context: dict[str, object] = {
        "title": "Your school’s teachers",
        "school": school,
        "teachers": teachers,
        "admin": admin,
        "teacher": admin,
        "values": values or {},
    }
    if errors:
        return form_errors(request, "teachers/school.html", errors, context)
    return teacher_page(request, "teachers/school.html", context)


@router.get("/school")
def show_school(request: Request, engine: EngineDep, admin: CurrentAdmin) -> Response:
    """The school's teachers, with the admin's forms: invite, remove, require two-factor."""
    return school_page(request, engine, admin)


@router.post("/school/invite")
def invite_teacher(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    admin: CurrentAdmin,
    email: Text = "",
) -> Response:
    """Mail a one-time link to join the school (an address with an account is told so)."""
    address = normalise_email(email)
    problem = email_problem(address)
    if problem:
        return school_page(
            request, engine, admin, errors={"email": problem}, values={"email": email}
        )
    with write_session(engine) as session:
        school = school_by_id(admin.school_id, session=session)
        assert school is not None  # the admin's row cascades with their school's
        if find_teacher(address, session=session) is None:
            token = create_email_link("invite", address, admin.school_id, session=session)
            link = link_to(request, "show_invitation", token)
            mail = invite_mail(address, school.name, admin.name, link)
        else:
            sign_in, reset = (
                page_url(request, "show_sign_in"),
                page_url(request, "show_forgotten_password"),
            )
            mail = already_registered_mail(address, sign_in, reset)
    background.add_task(send_mail, settings, mail)
    return go_to(request, "show_school", done="invited")


def teacher_id_or_404(teacher_id: str) -> int:
    """A teacher id from a form or an address: digits that fit the column, else a 404."""
    if not (teacher_id.isascii() and teacher_id.isdigit()) or int(teacher_id) >= 2**63:
        raise HTTPException(status_code=404)
    return int(teacher_id)


@router.get("/school/remove")
def confirm_remove(
    request: Request, engine: EngineDep, admin: CurrentAdmin, teacher_id: str = ""
) -> Response:
    """Ask before removing a teacher: who, what ends, and that their classes stay."""
    wanted = teacher_id_or_404(teacher_id)
    if wanted == admin.id:
        return go_to(request, "show_school")
    with read_session(engine) as session:
        member = teacher_by_id(wanted, session=session)
        if member is None or member.school_id != admin.school_id:
            raise HTTPException(status_code=404)
        owned = len(classes_for(Viewer(member.id, member.school_id, False), session=session))
    context = {
        "title": f"Remove {member.name}?",
        "member": member,
        "owned": owned,
        "teacher": admin,
    }
    return teacher_page(request, "teachers/remove_teacher.html", context)


@router.post("/school/remove")
def remove_from_school(
    request: Request, engine: EngineDep, admin: CurrentAdmin, teacher_id: Text = ""
) -> Response:
    """Remove a teacher of the school (not oneself): their account and sessions end."""
    wanted = teacher_id_or_404(teacher_id)
    if wanted == admin.id:
        errors = {"remove": "You cannot remove yourself from your school."}
        return school_page(request, engine, admin, errors=errors)
    with write_session(engine) as session:
        removed = remove_teacher(admin.school_id, wanted, session=session)
    if removed is None:
        raise HTTPException(status_code=404)
    return go_to(request, "show_school", done="removed")


@router.post("/school/two-factor")
def set_school_two_factor(
    request: Request, engine: EngineDep, admin: CurrentAdmin, required: Text = ""
) -> Response:
    """Require two-factor sign-in of every teacher of the school, or leave it to each."""
    on = required == "yes"
    with write_session(engine) as session:
        require_two_factor(admin.school_id, on, session=session)
    return go_to(
        request, "show_school", done="two-factor-required" if on else "two-factor-optional"
    )


def join_context(token: str, school_name: str | None) -> dict[str, object]:
    return {"title": "Join your school", "token": token, "school_name": school_name}


def invitation_gone(request: Request) -> Response:
    """The invitation's page when its link has run out or was used (422 after a POST)."""
    context = join_context("", None)
    return teacher_page(request, "teachers/invitation.html", context, status_code=422)


@router.get("/invitation")
def show_invitation(request: Request, engine: EngineDep, token: str = "") -> Response:
    """An invitation's page: the invited teacher gives their name and a password."""
    with read_session(engine) as session:
        link = find_link(token, "invite", session=session)
        school = school_by_id(link.school_id, session=session) if link else None
    context = join_context(token, school.name if school else None)
    return teacher_page(
        request, "teachers/invitation.html", {**context, "email": link.email if link else ""}
    )


@router.post("/invitation")
def accept_invitation(
    request: Request,
    engine: EngineDep,
    wait: AttemptWait,
    token: Text = "",
    name: Text = "",
    password: Text = "",
) -> Response:
    """Use the invitation: a new (confirmed) teacher of the school, signed in."""
    if wait:
        return too_many_attempts(request, wait)
    name = clean_text(name)
    with read_session(engine) as session:
        link = find_link(token, "invite", session=session)
        school = school_by_id(link.school_id, session=session) if link else None
    if link is None or school is None:
        return invitation_gone(request)
    about = (name, school.name, link.email)
    errors = {
        field: problem
        for field, problem in (
            ("name", text_problem(name, "your name")),
            ("password", password_problem(password, about=about)),
        )
        if problem
    }
    if errors:
        context = {
            **join_context(token, school.name),
            "email": link.email,
            "values": {"name": name},
        }
        return form_errors(request, "teachers/invitation.html", errors, context)
    password_hash = hash_password(password)
    old = read_session_cookie(request)
    with write_session(engine) as session:
        used = use_link(token, "invite", session=session)
        if used is None or find_teacher(used.email, session=session) is not None:
            teacher = None
        else:
            teacher = add_teacher(
                used.school_id,
                name,
                used.email,
                password_hash,
                email_confirmed=True,
                session=session,
            )
            if old:
                end_session(hash_session_token(old), session=session)
            session_token = start_session(teacher.id, two_factor_done=True, session=session)
    if teacher is None:
        return invitation_gone(request)
    response = go_to(request, "show_teacher_home")
    set_session_cookie(response, session_token, request)
    return response
