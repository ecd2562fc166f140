"""Signing in and out, the code step, and setting up two-factor sign-in.

Signing in is two steps when the teacher uses an authenticator app: the password starts a
session that opens nothing but the code page (`two_factor_done` false); the code, or a
recovery code, completes it. Every sign-in gets a new session token; the browser's old one,
if any, is ended.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from course.db import read_session, write_session
from course.deps import EngineDep
from course.schools.accounts import (
    check_password,
    is_locked,
    normalise_email,
    record_failure,
    record_success,
    rehash_if_old,
    teacher_by_id,
    turn_off_two_factor,
    turn_on_two_factor,
)
from course.schools.deps import MaybeTeacher, PendingVisit, SignedInVisit
from course.schools.pages import (
    AttemptWait,
    failures_key,
    form_errors,
    go_to,
    teacher_page,
    too_many_attempts,
)
from course.schools.passwords import verify_password
from course.schools.sessions import (
    end_expired_sessions,
    end_session,
    finish_two_factor,
    forget_session_cookie,
    hash_session_token,
    read_session_cookie,
    set_session_cookie,
    start_session,
)
from course.schools.two_factor import (
    code_step,
    is_secret,
    new_recovery_codes,
    new_secret,
    normalise_secret,
    provisioning_uri,
    qr_svg,
    recovery_codes_left,
    replace_recovery_codes,
    spaced,
    spend_code_step,
    use_recovery_code,
)

router = APIRouter(prefix="/teachers", tags=["schools"])
Text = Annotated[str, Form()]

WRONG_SIGN_IN = (
    "The email address or password is not right. Check them and try again, or reset your password."
)
LOCKED = (
    "There have been too many wrong sign-ins in a row with this email address, so signing in "
    "with it is locked for 15 minutes. Wait, then try again, or reset your password by email."
)
WRONG_PASSWORD = "Your password is not right. Try again."  # noqa: S105 - a message
WRONG_CODE = (
    "That code is not right, or it has been used. Enter the 6-digit code your app shows now "
    "(each code signs in once)."
)
WRONG_RECOVERY = "That recovery code is not right, or it has been used. Check it and try again."


@router.get("/sign-in")
def show_sign_in(request: Request, teacher: MaybeTeacher) -> Response:
    """The sign-in form."""
    if teacher is not None:
        return go_to(request, "show_teacher_home")
    return teacher_page(request, "teachers/sign_in.html", {"title": "Sign in"})


@router.post("/sign-in")
def sign_in(
    request: Request,
    engine: EngineDep,
    wait: AttemptWait,
    email: Text = "",
    password: Text = "",
) -> Response:
    """Check the password, then start a new session (waiting for the code when one is used)."""
    if wait:
        return too_many_attempts(request, wait)
    old_token = read_session_cookie(request)
    address = normalise_email(email)
    key = failures_key(request, address)
    with read_session(engine) as session:
        attempt = check_password(address, password, address=key, session=session)
    teacher, locked = attempt.teacher, attempt.locked
    with write_session(engine) as session:
        if teacher is None:
            locked = locked or (bool(address) and record_failure(key, session=session))
        else:
            record_success(key, session=session)
            rehash_if_old(teacher, password, session=session)
            end_expired_sessions(session=session)
            if old_token:
                end_session(hash_session_token(old_token), session=session)
            needs_code = teacher.totp_secret is not None
            token = start_session(teacher.id, two_factor_done=not needs_code, session=session)
    if teacher is None:
        message = LOCKED if locked else WRONG_SIGN_IN
        context = {"title": "Sign in", "values": {"email": email}}
        return form_errors(request, "teachers/sign_in.html", {"email": message}, context)
    response = go_to(request, "show_code_step" if needs_code else "show_teacher_home")
    set_session_cookie(response, token, request)
    return response


@router.post("/sign-out")
def sign_out(request: Request, engine: EngineDep) -> Response:
    """End this browser's session on the server, and drop its cookie."""
    token = read_session_cookie(request)
    if token:
        with write_session(engine) as session:
            end_session(hash_session_token(token), session=session)
    response = go_to(request, "show_sign_in", done="signed-out")
    forget_session_cookie(response, request)
    return response


@router.get("/sign-in/code")
def show_code_step(request: Request, visit: PendingVisit) -> Response:
    """The second step: the code from the authenticator app, or a recovery code."""
    return teacher_page(request, "teachers/code_step.html", {"title": "Enter your code"})


@router.post("/sign-in/code")
def check_sign_in_code(
    request: Request,
    engine: EngineDep,
    visit: PendingVisit,
    wait: AttemptWait,
    code: Text = "",
    recovery_code: Text = "",
) -> Response:
    """Check the code (or spend a recovery code); wrong ones count towards the lock-out."""
    if wait:
        return too_many_attempts(request, wait)
    field = "recovery_code" if recovery_code else "code"
    with write_session(engine) as session:
        teacher = teacher_by_id(visit.teacher.id, session=session)
        assert teacher is not None  # the session's row cascades with its teacher's
        key = failures_key(request, teacher.email)
        locked = is_locked(key, session=session)
        if locked:
            right = False
        elif field == "code":
            step = code_step(teacher.totp_secret, code)
            right = step is not None and spend_code_step(teacher.id, step, session=session)
        else:
            right = use_recovery_code(teacher.id, recovery_code, session=session)
        if right:
            record_success(key, session=session)
            finish_two_factor(visit.token_hash, session=session)
        elif not locked:
            locked = record_failure(key, session=session)
    if not right:
        message = LOCKED if locked else WRONG_CODE if field == "code" else WRONG_RECOVERY
        context = {"title": "Enter your code"}
        return form_errors(request, "teachers/code_step.html", {field: message}, context)
    return go_to(request, "show_teacher_home")


@router.get("/two-factor")
def show_two_factor(request: Request, visit: SignedInVisit) -> Response:
    """Two-factor sign-in: its state, or setting it up (a new secret, as a QR code)."""
    return two_factor_page(request, visit, new_secret())


def two_factor_page(
    request: Request,
    visit: SignedInVisit,
    secret: str,
    errors: dict[str, str] | None = None,
) -> Response:
    """The two-factor page (422 with errors), offering this secret when not yet set up."""
    with read_session(request.app.state.engine) as session:
        codes_left = recovery_codes_left(visit.teacher.id, session=session)
    context = {
        "title": "Two-factor sign-in",
        "visit": visit,
        "teacher": visit.teacher,
        "codes_left": codes_left,
        "secret": secret,
        "spaced_secret": spaced(secret),
        "qr_code": qr_svg(provisioning_uri(secret, visit.teacher.email)),
    }
    if errors:
        return form_errors(request, "teachers/two_factor.html", errors, context)
    return teacher_page(request, "teachers/two_factor.html", context)


@router.post("/two-factor")
def set_up_two_factor(
    request: Request,
    engine: EngineDep,
    visit: SignedInVisit,
    wait: AttemptWait,
    secret: Text = "",
    code: Text = "",
    password: Text = "",
) -> Response:
    """Check the password and a code for the offered secret; keep it, and show (once only:
    they are never kept) the ten new recovery codes."""
    if wait:
        return too_many_attempts(request, wait)
    secret = normalise_secret(secret)
    if not is_secret(secret):
        return go_to(request, "show_two_factor")
    errors = {}
    with write_session(engine) as session:
        teacher = teacher_by_id(visit.teacher.id, session=session)
        stored = teacher.password_hash if teacher else None
    if not verify_password(password, stored):
        errors["password"] = WRONG_PASSWORD
    step = code_step(secret, code)
    if step is None:
        errors["code"] = WRONG_CODE
    if errors or step is None:
        return two_factor_page(request, visit, secret, errors)
    codes = new_recovery_codes()
    with write_session(engine) as session:
        turn_on_two_factor(visit.teacher.id, secret, step, codes, session=session)
        finish_two_factor(visit.token_hash, session=session)
    context = {"title": "Your recovery codes", "codes": codes}
    return teacher_page(request, "teachers/recovery_codes.html", context)


@router.post("/two-factor/recovery-codes")
def renew_recovery_codes(
    request: Request,
    engine: EngineDep,
    visit: SignedInVisit,
    wait: AttemptWait,
    codes_password: Text = "",
) -> Response:
    """Ten new recovery codes, with the password (the old ones stop working), shown once."""
    if wait:
        return too_many_attempts(request, wait)
    if not visit.teacher.two_factor_enabled:
        return go_to(request, "show_two_factor")
    with read_session(engine) as session:
        teacher = teacher_by_id(visit.teacher.id, session=session)
    if not verify_password(codes_password, teacher.password_hash if teacher else None):
        errors = {"codes_password": WRONG_PASSWORD}
        return two_factor_page(request, visit, new_secret(), errors)
    codes = new_recovery_codes()
    with write_session(engine) as session:
        replace_recovery_codes(visit.teacher.id, codes, session=session)
    context = {"title": "Your new recovery codes", "codes": codes, "renewed": True}
    return teacher_page(request, "teachers/recovery_codes.html", context)


@router.post("/two-factor/off")
def switch_off_two_factor(
    request: Request, engine: EngineDep, visit: SignedInVisit, off_password: Text = ""
) -> Response:
    """Turn two-factor sign-in off, with the password, unless the school requires it."""
    if visit.school_requires_two_factor or not visit.teacher.two_factor_enabled:
        return go_to(request, "show_two_factor")
    with write_session(engine) as session:
        teacher = teacher_by_id(visit.teacher.id, session=session)
        right = verify_password(off_password, teacher.password_hash if teacher else None)
        if right:
            turn_off_two_factor(visit.teacher.id, session=session)
    if not right:
        errors = {"off_password": WRONG_PASSWORD}
        return two_factor_page(request, visit, new_secret(), errors)
    return go_to(request, "show_two_factor", done="two-factor-off")
