"""Teachers' own accounts: home, sign-up, confirming the address, passwords (change, reset).

Every form is a real POST that answers with a redirect (POST, redirect, GET), or with its page
again (422) and a message beside each field that was wrong. The pages never say whether an
email address has an account. Sign-in and two-factor pages are in sign_in_pages.py, the
admin's in admin_pages.py; `include_teacher_accounts` mounts all three.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, FastAPI, Form, Request
from fastapi.responses import Response

from course.db import write_session
from course.deps import EngineDep, SettingsDep
from course.schools import admin_pages, sign_in_pages
from course.schools.accounts import (
    add_teacher,
    clean_text,
    confirm_email,
    create_school,
    email_problem,
    find_teacher,
    normalise_email,
    set_password,
    text_problem,
)
from course.schools.deps import (
    CurrentTeacher,
    CurrentVisit,
    MaybeTeacher,
    NotAdmin,
    SignedInVisit,
)
from course.schools.links import create_link, find_link, forget_links, use_link
from course.schools.mail import (
    already_registered_mail,
    confirm_mail,
    link_to,
    page_url,
    reset_mail,
    send_mail,
)
from course.schools.pages import (
    AttemptWait,
    failures_key,
    form_errors,
    go_to,
    show_not_admin,
    teacher_page,
    too_many_attempts,
)
from course.schools.passwords import hash_password, password_problem, verify_password
from course.schools.sessions import end_sessions_of, set_session_cookie, start_session

router = APIRouter(prefix="/teachers", tags=["schools"])
WRONG_PASSWORD = "Your current password is not right. Try again."  # noqa: S105 - a message
Text = Annotated[str, Form()]


def include_teacher_accounts(app: FastAPI) -> None:
    """Mount the teacher account pages (this module's, sign-in and admin) and their 403 page."""
    for pages in (router, sign_in_pages.router, admin_pages.router):
        app.include_router(pages)
    app.add_exception_handler(NotAdmin, show_not_admin)


@router.get("")
def show_teacher_home(request: Request, visit: CurrentVisit) -> Response:
    """The teacher's home: their classes (to come), and their account."""
    return teacher_page(request, "teachers/home.html", {"visit": visit, "teacher": visit.teacher})


@router.get("/sign-up")
def show_sign_up(request: Request, teacher: MaybeTeacher) -> Response:
    """The sign-up form: a new school and its first teacher, its admin."""
    if teacher is not None:
        return go_to(request, "show_teacher_home")
    return teacher_page(request, "teachers/sign_up.html", {"title": "Create an account"})


@router.post("/sign-up")
def sign_up(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    wait: AttemptWait,
    school: Text = "",
    name: Text = "",
    email: Text = "",
    password: Text = "",
) -> Response:
    """Create the school and its admin, and mail a link to confirm the address.

    Whether or not the address already has an account, the page says the same: a mail is on
    its way (to a known address, one saying it already has an account)."""
    if wait:
        return too_many_attempts(request, wait)
    school, name, address = clean_text(school), clean_text(name), normalise_email(email)
    errors = {
        field: problem
        for field, problem in (
            ("school", text_problem(school, "the name of your school")),
            ("name", text_problem(name, "your name")),
            ("email", email_problem(address)),
            ("password", password_problem(password, about=(name, school, address))),
        )
        if problem
    }
    if errors:
        values = {"school": school, "name": name, "email": email}
        context = {"title": "Create an account", "values": values}
        return form_errors(request, "teachers/sign_up.html", errors, context)
    password_hash = hash_password(password)  # before the lookup: both answers take as long
    with write_session(engine) as session:
        if find_teacher(address, session=session) is None:
            new_school = create_school(school, session=session)
            add_teacher(new_school.id, name, address, password_hash, is_admin=True, session=session)
            token = create_link("confirm", address, new_school.id, session=session)
            mail = confirm_mail(address, link_to(request, "show_confirm_email", token))
        else:
            mail = already_registered_mail(
                address,
                page_url(request, "show_sign_in"),
                page_url(request, "show_forgotten_password"),
            )
    background.add_task(send_mail, settings, mail)
    return go_to(request, "show_sign_in", done="signed-up")


@router.get("/confirm-email")
def show_confirm_email(request: Request, engine: EngineDep, token: str = "") -> Response:
    """A confirmation link's page: a button that confirms (mail scanners only GET)."""
    with write_session(engine) as session:
        valid = find_link(token, "confirm", session=session) is not None
    context = {"title": "Confirm your email address", "token": token, "valid": valid}
    return teacher_page(request, "teachers/confirm_email.html", context)


@router.post("/confirm-email")
def confirm_email_address(
    request: Request, engine: EngineDep, teacher: MaybeTeacher, token: Text = ""
) -> Response:
    """Use the link: the address is confirmed."""
    with write_session(engine) as session:
        link = use_link(token, "confirm", session=session)
        confirmed = link is not None and confirm_email(link.email, link.school_id, session=session)
    if not confirmed:
        context = {"title": "Confirm your email address", "token": "", "valid": False}
        return teacher_page(request, "teachers/confirm_email.html", context, status_code=422)
    return go_to(request, "show_teacher_home" if teacher else "show_sign_in", done="confirmed")


@router.post("/confirm-email/send")
def send_confirmation(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    visit: SignedInVisit,
) -> Response:
    """Mail a new confirmation link to the signed-in teacher."""
    teacher = visit.teacher
    if not teacher.email_confirmed:
        with write_session(engine) as session:
            token = create_link("confirm", teacher.email, teacher.school_id, session=session)
        link = link_to(request, "show_confirm_email", token)
        background.add_task(send_mail, settings, confirm_mail(teacher.email, link))
    return go_to(request, "show_teacher_home", done="confirm-sent")


@router.get("/change-password")
def show_change_password(request: Request, teacher: CurrentTeacher) -> Response:
    """The form to change one's password."""
    context = {"title": "Change your password", "teacher": teacher}
    return teacher_page(request, "teachers/change_password.html", context)


@router.post("/change-password")
def change_password(
    request: Request,
    engine: EngineDep,
    visit: CurrentVisit,
    wait: AttemptWait,
    current_password: Text = "",
    new_password: Text = "",
) -> Response:
    """Check the current password, keep the new one, and sign out every other session."""
    if wait:
        return too_many_attempts(request, wait)
    teacher = visit.teacher
    errors: dict[str, str] = {}
    with write_session(engine) as session:
        stored = find_teacher(teacher.email, session=session)
        if not verify_password(current_password, stored.password_hash if stored else None):
            errors["current_password"] = WRONG_PASSWORD
    problem = password_problem(new_password, about=(teacher.name, teacher.email))
    if problem:
        errors["new_password"] = problem
    if errors:
        context = {"title": "Change your password", "teacher": teacher}
        return form_errors(request, "teachers/change_password.html", errors, context)
    with write_session(engine) as session:
        address = failures_key(request, teacher.email)
        set_password(teacher.id, hash_password(new_password), address=address, session=session)
        end_sessions_of(teacher.id, session=session)
        token = start_session(teacher.id, two_factor_done=True, session=session)
    response = go_to(request, "show_teacher_home", done="password-changed")
    set_session_cookie(response, token, request)
    return response


@router.get("/forgotten-password")
def show_forgotten_password(request: Request) -> Response:
    """The form to ask for a password reset link."""
    return teacher_page(
        request, "teachers/forgotten_password.html", {"title": "Reset your password"}
    )


@router.post("/forgotten-password")
def send_password_reset(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    wait: AttemptWait,
    email: Text = "",
) -> Response:
    """Mail a reset link when the address has an account; the page says the same either way."""
    if wait:
        return too_many_attempts(request, wait)
    address = normalise_email(email)
    problem = email_problem(address)
    if problem:
        context = {"title": "Reset your password", "values": {"email": email}}
        return form_errors(request, "teachers/forgotten_password.html", {"email": problem}, context)
    with write_session(engine) as session:
        teacher = find_teacher(address, session=session)
        token = create_link("reset", address, teacher.school_id, session=session) if teacher else ""
    if token:
        link = link_to(request, "show_reset_password", token)
        background.add_task(send_mail, settings, reset_mail(address, link))
    return go_to(request, "show_sign_in", done="sent")


@router.get("/reset-password")
def show_reset_password(request: Request, engine: EngineDep, token: str = "") -> Response:
    """A reset link's page: the form for a new password."""
    with write_session(engine) as session:
        valid = find_link(token, "reset", session=session) is not None
    context = {"title": "Choose a new password", "token": token, "valid": valid}
    return teacher_page(request, "teachers/reset_password.html", context)


@router.post("/reset-password")
def reset_password(
    request: Request,
    engine: EngineDep,
    wait: AttemptWait,
    token: Text = "",
    new_password: Text = "",
) -> Response:
    """Use the link: keep the new password and sign out every session of the account."""
    if wait:
        return too_many_attempts(request, wait)
    template = "teachers/reset_password.html"
    with write_session(engine) as session:
        link = find_link(token, "reset", session=session)
        teacher = find_teacher(link.email, session=session) if link else None
        context = {"title": "Choose a new password", "token": token, "valid": teacher is not None}
        if link is None or teacher is None:
            return teacher_page(request, template, context, status_code=422)
        problem = password_problem(new_password, about=(teacher.name, teacher.email))
        if problem:
            return form_errors(request, template, {"new_password": problem}, context)
        if use_link(token, "reset", session=session) is None:
            return teacher_page(request, template, {**context, "valid": False}, status_code=422)
        address = failures_key(request, teacher.email)
        set_password(teacher.id, hash_password(new_password), address=address, session=session)
        forget_links(teacher.email, "reset", session=session)
        end_sessions_of(teacher.id, session=session)
        confirm_email(teacher.email, teacher.school_id, session=session)  # the link proved it
    return go_to(request, "show_sign_in", done="password-reset")
