"""The app's cookies, and their names: `__Host-` prefixed whenever cookies are Secure.

A `__Host-` cookie can only be set by this exact host, over HTTPS, for the whole site, so a
neighbour on a sibling subdomain cannot plant a learner, teacher or CSRF cookie in a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

LEARNER_COOKIE = "course_learner"
CSRF_COOKIE = "course_csrf"
TEACHER_COOKIE = "course_teacher"


def cookie_name(base: str, *, secure: bool) -> str:
    """The name a cookie goes by: `__Host-<base>` when cookies are Secure, else `<base>`."""
    return f"__Host-{base}" if secure else base


@dataclass(frozen=True)
class CookieNames:
    """The names of the learner, CSRF and teacher-session cookies for one app."""

    learner: str
    csrf: str
    teacher: str

    @classmethod
    def for_site(cls, *, secure: bool) -> CookieNames:
        """The names to use when cookies are (or are not) Secure."""
        return cls(
            learner=cookie_name(LEARNER_COOKIE, secure=secure),
            csrf=cookie_name(CSRF_COOKIE, secure=secure),
            teacher=cookie_name(TEACHER_COOKIE, secure=secure),
        )


def learner_binding(learner_cookie: str | None) -> str:
    """What a CSRF token is bound to: the learner's token from their cookie (`token:country.mac`),
    or nothing before they start. A token made for one learner is refused for another."""
    if not learner_cookie:
        return ""
    return learner_cookie.split(":", 1)[0][:64]


def csrf_binding(cookies: Mapping[str, str], names: CookieNames) -> str:
    """What a CSRF token is bound to: the learner (as learner_binding) and, once a teacher has
    signed in, their session token too. A token made before a sign-in, or for another session,
    is refused after it; with no teacher cookie the binding is the learner's alone."""
    learner = learner_binding(cookies.get(names.learner))
    teacher = cookies.get(names.teacher)
    if not teacher:
        return learner
    return f"{learner}\nteacher:{teacher[:64]}"
