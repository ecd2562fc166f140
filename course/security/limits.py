"""Request bodies within limits: the app takes small URL-encoded forms, or nothing, and no more.

Every form of the course is a few short fields (the largest, a red-flags question with every
box ticked, is 236 bytes in 12 fields), so anything much bigger, or of another kind, is refused
here, before routing and before the CSRF check reads it: with 413 unread when its Content-Length
is too big, 413 as soon as a streamed body passes the limit, 415 for a type we never take
(multipart, JSON, anything but a form), 400 for more fields than any form has, 413 for one
field longer than any of ours. The body read here is replayed to the app unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from course.security.csrf import replay
from course.settings import Settings

FORM_TYPE = "application/x-www-form-urlencoded"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Refuser = Callable[[Request, int], Awaitable[Response]]


@dataclass(frozen=True)
class BodyLimits:
    """How much one request may send."""

    body_bytes: int
    form_fields: int
    field_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> BodyLimits:
        """The limits an instance is configured with."""
        return cls(settings.max_body_bytes, settings.max_form_fields, settings.max_field_bytes)


def is_form(content_type: str) -> bool:
    """Whether a Content-Type names a URL-encoded form, in any case, with any parameters."""
    return content_type.split(";", 1)[0].strip().lower() == FORM_TYPE


def refusal_before_reading(method: str, headers: Headers, limits: BodyLimits) -> int | None:
    """The status to refuse a request with from its headers alone, or None to read on."""
    length = headers.get("content-length")
    if length is not None:
        if not (length.isascii() and length.isdigit()):
            return 400
        if int(length) > limits.body_bytes:
            return 413
    content_type = headers.get("content-type", "").strip()
    if method not in SAFE_METHODS and content_type and not is_form(content_type):
        return 415
    return None


def refusal_of_body(body: bytes, content_type: str, limits: BodyLimits) -> int | None:
    """The status to refuse a whole body with, or None when it is a form we could have sent."""
    if not body:
        return None
    if not content_type.strip():
        return 415  # a body must say that it is a form
    fields = [field for field in body.split(b"&") if field]
    if len(fields) > limits.form_fields:
        return 400
    if any(len(field) > limits.field_bytes for field in fields):
        return 413
    return None


class BodyLimitMiddleware:
    """Refuses a request body that is too big, of a type we never take, or not a form of ours.

    Safe methods are checked on their headers only: the app never reads their body.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings, refuse: Refuser) -> None:
        self.app = app
        self.limits = BodyLimits.from_settings(settings)
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        status = refusal_before_reading(scope["method"], headers, self.limits)
        if status is None and scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = b""
        if status is None:
            read = await read_within(receive, self.limits.body_bytes)
            if read is None:
                return  # the client went away: nobody to answer
            body, complete = read
            status = 413 if not complete else None
        if status is None:
            status = refusal_of_body(body, headers.get("content-type", ""), self.limits)
        if status is not None:
            response = await self.refuse(Request(scope), status)
            await response(scope, receive, send)
            return
        await self.app(scope, replay(body, receive), send)


async def read_within(receive: Receive, limit: int) -> tuple[bytes, bool] | None:
    """The body and True, or what was read and False once it passes the limit (the rest is left
    unread); None when the client disconnects."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
