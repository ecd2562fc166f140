"""Security headers on every response, and CSRF protection on every state change."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "course_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


def security_headers(*, hsts: bool) -> list[tuple[bytes, bytes]]:
    """The headers every response carries."""
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if hsts:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


class SecurityHeadersMiddleware:
    """Adds the security headers, and no-store unless a response set its own caching."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = security_headers(hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name for name, _ in headers}
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                headers.extend(pair for pair in self.headers if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token_for(cookie_value: str, secret: str) -> str:
    """The form token that matches a CSRF cookie: only the server can compute it."""
    return hmac.new(secret.encode(), cookie_value.encode(), hashlib.sha256).hexdigest()


def new_csrf_cookie() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(24)


class CsrfRejected(HTTPException):
    """A state change that did not prove it came from our own page."""

    def __init__(self) -> None:
        super().__init__(status_code=403, detail="csrf")


def submitted_tokens(request: Request, form_values: Iterable[str]) -> list[str]:
    """The CSRF tokens a request carries, in its header or its form."""
    header = request.headers.get(CSRF_HEADER)
    return [header, *form_values] if header else list(form_values)


def make_csrf_check(secret: str) -> Callable[[Request], object]:
    """A dependency that refuses any unsafe request without a valid CSRF token."""

    async def verify_csrf(request: Request) -> None:
        if request.method in SAFE_METHODS:
            return
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise CsrfRejected()
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie:
            raise CsrfRejected()
        expected = csrf_token_for(cookie, secret)
        form_values: list[str] = []
        if CSRF_HEADER not in request.headers:
            form = await request.form()
            form_values = [v for v in form.getlist(CSRF_FIELD) if isinstance(v, str)]
        if not any(
            hmac.compare_digest(expected, t) for t in submitted_tokens(request, form_values)
        ):
            raise CsrfRejected()

    return verify_csrf
