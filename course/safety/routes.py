"""Safety on every page: the quick exit, the help page, and what we store."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from course.deps import SettingsDep
from course.learning.identity import LEARNER_COOKIE
from course.safety.services import UK_SERVICES
from course.web import render

router = APIRouter()


@router.get("/exit")
def quick_exit(settings: SettingsDep) -> Response:
    """Forget this device's learner and leave for a neutral site."""
    response = RedirectResponse(settings.exit_url, status_code=303)
    response.delete_cookie(LEARNER_COOKIE, path="/", httponly=True, samesite="lax")
    response.headers["cache-control"] = "no-store"
    response.headers["clear-site-data"] = '"cookies"'
    response.headers["referrer-policy"] = "no-referrer"
    return response


@router.get("/help")
def show_help(request: Request) -> Response:
    """Where to get help now, service by service."""
    return render(request, "safety/help.html", {"services": UK_SERVICES})


@router.get("/privacy")
def show_privacy(request: Request) -> Response:
    """What we store about you, in plain words."""
    return render(request, "safety/privacy.html")
