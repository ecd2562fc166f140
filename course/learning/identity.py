"""The learner cookie: a random token (stored only as a hash) and the help country, signed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from course.security.cookies import LEARNER_COOKIE

__all__ = [
    "LEARNER_COOKIE",
    "LearnerCookie",
    "decode_cookie",
    "forget_learner_cookie",
    "read_learner_cookie",
    "set_learner_cookie",
]

LEARNER_COOKIE_MAX_AGE = 60 * 60 * 24 * 395  # 13 months, the retention period
DEFAULT_COUNTRY = "uk"


@dataclass(frozen=True)
class LearnerCookie:
    """What the cookie holds: the learner's token (empty before they start) and their country."""

    token: str = ""
    country: str = DEFAULT_COUNTRY


def new_token() -> str:
    """A fresh 128-bit random learner token."""
    return secrets.token_urlsafe(16)


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token: all the database ever sees of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def _mac(payload: str, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:32]


def encode_cookie(cookie: LearnerCookie, secret: str) -> str:
    """The signed cookie value: `token:country.mac`."""
    payload = f"{cookie.token}:{cookie.country}"
    return f"{payload}.{_mac(payload, secret)}"


def decode_cookie(value: str | None, secret: str) -> LearnerCookie:
    """The cookie's contents; an empty cookie when it is missing, malformed or forged."""
    if not value or value.count(".") != 1:
        return LearnerCookie()
    payload, mac = value.split(".")
    given = mac.encode("utf-8", "surrogateescape")  # a forged cookie may hold any characters
    if not hmac.compare_digest(_mac(payload, secret).encode(), given) or payload.count(":") != 1:
        return LearnerCookie()
    token, country = payload.split(":")
    return LearnerCookie(token=token, country=country or DEFAULT_COUNTRY)


def read_learner_cookie(request: Request) -> LearnerCookie:
    """What this request's learner cookie says (empty when missing, malformed or forged)."""
    state = request.app.state
    return decode_cookie(request.cookies.get(state.cookie_names.learner), state.secret_key)


def set_learner_cookie(response: Response, cookie: LearnerCookie, request: Request) -> None:
    """Attach the learner cookie: HttpOnly, SameSite=Lax, Secure behind TLS, for 13 months."""
    state = request.app.state
    response.set_cookie(
        state.cookie_names.learner,
        encode_cookie(cookie, state.secret_key),
        max_age=LEARNER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
        path="/",
    )


def forget_learner_cookie(response: Response, request: Request) -> None:
    """Tell the browser to drop the learner cookie."""
    state = request.app.state
    response.delete_cookie(
        state.cookie_names.learner,
        path="/",
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
    )
