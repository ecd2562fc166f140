"""CSRF protection on every state change: a signed double-submit token, checked before routing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "course_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token_for(cookie_value: str, secret: str) -> str:
    """The form token that matches a CSRF cookie: only the server can compute it."""
    return hmac.new(secret.encode(), cookie_value.encode(), hashlib.sha256).hexdigest()


def new_csrf_cookie() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(24)


MAX_FORM_BYTES = 64 * 1024


class CsrfMiddleware:
    """Refuses every unsafe request without our CSRF token; safe methods pass untouched.

    It runs before routing, so a new route is protected without doing anything. The token comes
    in the X-CSRF-Token header (htmx) or the form field csrf_token (plain forms); the form body is
    read here and replayed to the app unchanged.
    """

    def __init__(self, app: ASGIApp, *, secret: str, reject: Rejecter) -> None:
        self.app = app
        self.secret = secret
        self.reject = reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(CSRF_COOKIE)
        cross_site = request.headers.get("sec-fetch-site") == "cross-site"
        token = request.headers.get(CSRF_HEADER)
        body = b""
        if token is None:
            body, complete = await read_body(receive, MAX_FORM_BYTES)
            if complete and request.headers.get("content-type", "").startswith(FORM_TYPE):
                fields = parse_qs(body.decode("latin-1"), keep_blank_values=True)
                values = fields.get(CSRF_FIELD)
                token = values[-1] if values else None
        expected = csrf_token_for(cookie, self.secret) if cookie else None
        if cross_site or not expected or not token or not matches(expected, token):
            response = await self.reject(request)
            await response(scope, receive, send)
            return
        await self.app(scope, replay(body, receive) if body else receive, send)


def matches(expected: str, token: str) -> bool:
    """Compare tokens in constant time; any characters may arrive, so compare bytes."""
    return hmac.compare_digest(expected.encode(), token.encode("utf-8", "surrogateescape"))


FORM_TYPE = "application/x-www-form-urlencoded"
Rejecter = Callable[[Request], Awaitable[Response]]


async def read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The request body, and whether it was read whole within the limit."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that hands the app the body already read, then carries on."""
    sent = False

    async def receive_again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return receive_again
