"""The anonymous learner's identity: a random token in a signed cookie, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

LEARNER_COOKIE = "course_learner"
LEARNER_COOKIE_MAX_AGE = 60 * 60 * 24 * 395  # 13 months, the retention period


def new_token() -> str:
    """A fresh 128-bit random learner token."""
    return secrets.token_urlsafe(16)


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token: all the database ever sees of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign(token: str, secret: str) -> str:
    """The cookie value for a token: the token and its HMAC."""
    mac = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{token}.{mac}"


def unsign(value: str | None, secret: str) -> str | None:
    """The token inside a cookie value, or None when it is missing or forged."""
    if not value or value.count(".") != 1:
        return None
    token, _ = value.split(".")
    return token if hmac.compare_digest(sign(token, secret), value) else None
