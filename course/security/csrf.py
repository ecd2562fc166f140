"""CSRF protection on every state change: a signed double-submit token, checked before routing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from course.security.cookies import CookieNames, csrf_binding

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token_for(cookie_value: str, secret: str, binding: str = "") -> str:
    """The form token that matches a CSRF cookie and the learner it is bound to: only the server
    can compute it."""
    message = f"{cookie_value}\n{binding}".encode("utf-8", "surrogateescape")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def new_csrf_cookie() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(24)


MAX_FORM_BYTES = 64 * 1024


class CsrfMiddleware:
    """Refuses every unsafe request that is not our own; safe methods pass untouched.

    It runs before routing, so a new route is protected without doing anything. A state change
    must come from our own origin (the Origin header, or without it Sec-Fetch-Site) and carry
    our token for this browser's CSRF cookie and learner: in the X-CSRF-Token header (htmx) or
    the form field csrf_token (plain forms). The form body is read here and replayed to the app
    unchanged.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        secret: str,
        reject: Rejecter,
        cookies: CookieNames,
        public_origin: str = "",
    ) -> None:
        self.app = app
        self.secret = secret
        self.reject = reject
        self.cookies = cookies
        self.public_origin = public_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(self.cookies.csrf)
        binding = csrf_binding(request.cookies, self.cookies)
        token = request.headers.get(CSRF_HEADER)
        ours = self.from_our_site(request)
        body = b""
        if token is None and ours:
            body, complete = await read_body(receive, MAX_FORM_BYTES)
            if complete and is_form(request.headers.get("content-type", "")):
                fields = parse_qs(body.decode("latin-1"), keep_blank_values=True)
                values = fields.get(CSRF_FIELD)
                token = values[-1] if values else None
        expected = csrf_token_for(cookie, self.secret, binding) if cookie else None
        if not ours or not expected or not token or not matches(expected, token):
            response = await self.reject(request)
            await response(scope, receive, send)
            return
        await self.app(scope, replay(body, receive) if body else receive, send)

    def from_our_site(self, request: Request) -> bool:
        """Whether the browser says the request comes from this site.

        The Origin must be ours (the configured public origin, else this request's own host);
        `Origin: null` never is. Without an Origin, Sec-Fetch-Site must be same-origin or none
        (typed or bookmarked), or absent (an older browser, or no browser at all).
        """
        origin = request.headers.get("origin")
        if origin is not None:
            if self.public_origin:
                return origin.lower() == self.public_origin
            host = request.headers.get("host", "").lower()
            try:
                netloc = urlsplit(origin.lower()).netloc
            except ValueError:  # not a URL at all
                return False
            return origin != "null" and bool(host) and netloc == host
        return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def is_form(content_type: str) -> bool:
    """Whether a Content-Type names a URL-encoded form, in any case, with any parameters."""
    return content_type.split(";", 1)[0].strip().lower() == FORM_TYPE


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
