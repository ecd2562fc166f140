"""Requests the routes never see as sent: HEAD answered as GET, and trailing-slash redirects.

- HEAD: uptime monitors and link checkers ask with HEAD; every GET page answers it, with the
  GET's status and headers and no body (FastAPI routes answer only the methods they name).
- A path with a trailing slash is redirected to the path without it, by a relative Location:
  never built from the request's Host header, and never to another site (`//evil.example/`).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    """Serve HEAD as GET, sending the headers and dropping the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class SlashRedirectMiddleware:
    """Redirect `/help/` to `/help` with a relative Location; other paths pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "/") if scope["type"] == "http" else "/"
        if path == "/" or not path.endswith("/") or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        target = "/" + path.strip("/")
        if target.startswith("//") or "\\" in target or target == "/":
            await self.app(scope, receive, send)  # nothing of ours looks like that: a 404
            return
        query = scope.get("query_string", b"")
        location = target.encode("utf-8", "surrogateescape") + (b"?" + query if query else b"")
        await send(
            {
                "type": "http.response.start",
                "status": 308,
                "headers": [(b"location", location), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})
