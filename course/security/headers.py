"""Security headers on every response: a strict CSP, no framing, no sniffing, no caching."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


# The film page alone widens frame-src to its one external player (course/film/).
# A response that sets its own content-security-policy keeps it: the middleware below adds only
# the headers a response does not already have.
def content_security_policy(*, frame_src: str | None = None) -> str:
    """The site's CSP; with frame_src, the same policy also letting that one origin be framed."""
    if not frame_src:
        return CONTENT_SECURITY_POLICY
    if not frame_src.startswith("https://") or any(c in frame_src for c in " ;,'\"\n"):
        raise ValueError(f"not a single https origin: {frame_src!r}")
    return f"{CONTENT_SECURITY_POLICY}; frame-src {frame_src}"


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
