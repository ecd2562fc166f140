"""What every teacher account page shares: rendering uncached, redirects, notices, limits.

Teacher pages are never cached (`Cache-Control: no-store`) and never rendered through
render()'s page cache, which is for learner pages only.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from course.schools.accounts import address_key
from course.security.rate import WINDOW_SECONDS, Counter, client_key, wall_clock
from course.web import render

# Said once on the page a redirect lands on, chosen by a fixed key in the address (`?done=`),
# so nothing typed by anyone is ever shown from it.
NOTICES = {
    "signed-up": "Check your email: we have sent a link to confirm your address. "
    "It works for 10 minutes.",
    "sent": "If that address has an account, we have sent it a link. It works for 10 minutes. "
    "Check your spam folder if it does not arrive.",
    "confirmed": "Your email address is confirmed.",
    "confirm-sent": "We have sent you a new link to confirm your email address. "
    "It works for 10 minutes.",
    "signed-out": "You have signed out.",
    "password-changed": "Your password is changed. Any other device signed in as you has "
    "been signed out.",
    "password-reset": "Your password is changed. Sign in with it now.",
    "invited": "Invitation sent. The link in it works for 10 minutes.",
    "removed": "That teacher has been removed from your school and signed out.",
    "two-factor-required": "Every teacher of your school must now sign in with a code too.",
    "two-factor-optional": "Two-factor sign-in is now each teacher's own choice.",
    "two-factor-off": "Two-factor sign-in is turned off for your account.",
    "expired": "For your security you were signed out. Sign in again.",
}


def teacher_page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A teacher page, with the notice its address asks for, never cached."""
    notice = NOTICES.get(request.query_params.get("done", ""))
    page = {"notice": notice, "errors": {}, "values": {}, **(context or {})}
    response = render(request, template, page, status_code=status_code)
    response.headers["cache-control"] = "no-store"
    return response


def form_errors(
    request: Request,
    template: str,
    errors: dict[str, str],
    context: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The form's page again (422), each message beside its field and in the summary."""
    return teacher_page(request, template, {**(context or {}), "errors": errors}, status_code=422)


def go_to(request: Request, name: str, done: str = "") -> RedirectResponse:
    """A 303 to a named page (after a POST), with the notice it should show."""
    path = str(request.app.url_path_for(name))
    query = f"?{urlencode({'done': done})}" if done else ""
    return RedirectResponse(path + query, status_code=303)


async def show_not_admin(request: Request, _exc: Exception) -> Response:
    """The 403 page for a teacher on an admin's page."""
    return teacher_page(request, "teachers/not_admin.html", status_code=403)


def attempts_counter(request: Request) -> Counter:
    """This app's counter of sign-in attempts per address (in memory, or Redis when set),
    made with the app and closed when it shuts down."""
    counter: Counter = request.app.state.sign_in_counter
    return counter


async def sign_in_wait(request: Request) -> int:
    """Count one sign-in attempt (a password, a code, a sign-up, a reset) from this address;
    the seconds to wait when it is over COURSE_SIGN_IN_ATTEMPTS_PER_MINUTE, else 0.

    Uses the rate limits' own counter and keyed address hash (course/security/rate.py), in
    windows of a minute, under keys of its own."""
    state = request.app.state
    at = wall_clock()
    window = int(at // WINDOW_SECONDS)
    key = f"sign-in:{client_key(request.scope, state.secret_key)}"
    hits = await attempts_counter(request).hit(key, window)
    if hits <= state.settings.sign_in_attempts_per_minute:
        return 0
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - at))


AttemptWait = Annotated[int, Depends(sign_in_wait)]


def failures_key(request: Request, email: str) -> str:
    """The key that sign-in failures for this (normalised) address are counted under."""
    return address_key(email, request.app.state.secret_key)


def too_many_attempts(request: Request, wait: int) -> HTMLResponse:
    """The 429 page for an address past its sign-in attempts, with Retry-After."""
    response = teacher_page(
        request, "teachers/too_many.html", {"title": "Too many attempts"}, status_code=429
    )
    response.headers["retry-after"] = str(wait)
    return response
