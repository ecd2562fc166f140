"""Friendly error pages: what went wrong and what to do next, never the internals."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from course.security.headers import security_headers
from course.web import RedirectTo, render

log = logging.getLogger("course")

ERROR_PAGES = {
    403: ("error/403.html", "We could not accept that"),
    404: ("error/404.html", "Page not found"),
    405: ("error/404.html", "Page not found"),
    500: ("error/500.html", "Something went wrong on our side"),
}


def error_page(request: Request, status_code: int) -> Response:
    """A friendly page for an error status, without any internals."""
    template, title = ERROR_PAGES.get(status_code, ERROR_PAGES[500])
    return render(request, template, {"title": title}, status_code=status_code)


async def refuse_forgery(request: Request) -> Response:
    """The 403 page for a state change without our CSRF token."""
    return error_page(request, 403)


def add_error_pages(app: FastAPI) -> None:
    """Friendly 403, 404 and 500 pages; redirects for pages that need an age band first."""

    @app.exception_handler(RedirectTo)
    async def redirect(_request: Request, exc: RedirectTo) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_page(request, exc.status_code if exc.status_code in ERROR_PAGES else 500)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, _exc: RequestValidationError) -> Response:
        return error_page(request, 404)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        response = error_page(request, 500)
        # This handler runs outside the middleware stack, so add the headers here too.
        for name, value in security_headers(hsts=app.state.settings.secure_cookies):
            response.headers[name.decode()] = value.decode()
        return response
