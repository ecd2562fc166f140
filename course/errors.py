"""Friendly error pages: what went wrong and what to do next, never the internals.

Every error keeps its own status (a 405 its Allow header, a 429 its Retry-After), and no error
page is ever cached.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from course.security.headers import security_headers
from course.web import RedirectTo, render
from course.writer_turns import NoTurnToWrite

log = logging.getLogger("course")

ERROR_PAGES = {
    400: ("error/400.html", "We could not read that"),
    403: ("error/403.html", "We could not accept that"),
    404: ("error/404.html", "Page not found"),
    405: ("error/405.html", "That page cannot do that"),
    413: ("error/413.html", "That was too much to send"),
    415: ("error/415.html", "We could not read that"),
    422: ("error/422.html", "We could not use that"),
    429: ("error/429.html", "Too many at once"),
    500: ("error/500.html", "Something went wrong on our side"),
    503: ("error/503.html", "Busy for a moment"),
}
RETRY_AFTER_SECONDS = 5  # a database restarting, or a writer holding SQLite for long


def database_unavailable(error: Exception) -> bool:
    """Whether the database could not be reached or was busy, rather than the request failing:
    a connection refused or lost, a server starting up or shutting down (SQLSTATE classes 08
    and 57), SQLite locked past its busy timeout, or no turn to write in time. The error may
    come through SQLAlchemy or straight from the driver (the lesson page's own query)."""
    if isinstance(error, NoTurnToWrite):  # not any timeout: a mail server's is a real fault
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    driver_error = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(driver_error, sqlite3.OperationalError):
        return driver_error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
    if isinstance(driver_error, psycopg.OperationalError):
        sqlstate = driver_error.sqlstate or ""
        return not sqlstate or sqlstate[:2] in ("08", "57")
    return False


def error_page(
    request: Request, status_code: int, headers: Mapping[str, str] | None = None
) -> Response:
    """A friendly page for an error status, without any internals, with the status kept.

    A status without a page of its own gets the general page of its class (400 or 500)."""
    fallback = 400 if 400 <= status_code < 500 else 500
    template, title = ERROR_PAGES.get(status_code, ERROR_PAGES[fallback])
    response = render(request, template, {"title": title}, status_code=status_code)
    response.headers.update(headers or {})
    response.headers["cache-control"] = "no-store"
    if request.headers.get("hx-request") == "true":
        # htmx swaps error answers too: a whole page replaces the page, not the item it came from.
        response.headers["hx-retarget"] = "body"
        response.headers["hx-reswap"] = "outerHTML"
    return response


async def refuse_forgery(request: Request) -> Response:
    """The 403 page for a state change without our CSRF token."""
    return error_page(request, 403)


async def refuse_request(request: Request, status_code: int) -> Response:
    """The page for a request refused before routing (too big, wrong type, too many)."""
    return error_page(request, status_code)


def add_error_pages(app: FastAPI) -> None:
    """Friendly pages for every error; redirects for pages that need an age band first."""

    @app.exception_handler(RedirectTo)
    async def redirect(_request: Request, exc: RedirectTo) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_page(request, exc.status_code, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # A path that does not fit its route (an unknown outcome) is a page that does not exist.
        in_path = any(error.get("loc", ("",))[0] == "path" for error in exc.errors())
        return error_page(request, 404 if in_path else 422)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        if database_unavailable(exc):  # nothing was stored: the pupil can send it again
            log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
            retry = {"retry-after": str(RETRY_AFTER_SECONDS)}
            response = error_page(request, 503, retry)
        else:
            log.exception(
                "unhandled error on %s %s", request.method, request.url.path, exc_info=exc
            )
            response = error_page(request, 500)
        # This handler runs outside the middleware stack, so add the headers here too.
        for name, value in security_headers(hsts=app.state.settings.secure_cookies):
            response.headers[name.decode()] = value.decode()
        return response
