"""Safety on every page: the quick exit, the help directory, the card to keep, what we store."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from course.content.help_directory import COUNTRIES
from course.db import write_session
from course.deps import CatalogueDep, EngineDep, SettingsDep
from course.learning.deps import CookieDep, MaybeLearner
from course.learning.identity import LearnerCookie, forget_learner_cookie, set_learner_cookie
from course.learning.progress import revoke_learner
from course.safety.services import help_for
from course.web import render, url_path

router = APIRouter(tags=["safety"])


@router.get("/exit")
async def quick_exit(
    request: Request, settings: SettingsDep, engine: EngineDep, cookie: CookieDep
) -> Response:
    """Forget this device's learner, on the server too, and leave for a neutral site.

    The learner's token is revoked, so a copy of the cookie (a saved one, a synced browser)
    opens nothing afterwards; what they answered stays, unlinkable, for the class's counts
    until retention deletes it. A GET, so it works as a plain link without JavaScript.
    """
    if cookie.token:
        await run_in_threadpool(revoke, engine, cookie.token)
    response = RedirectResponse(settings.exit_url, status_code=303)
    forget_learner_cookie(response, request)
    response.headers["cache-control"] = "no-store"
    response.headers["clear-site-data"] = '"cookies"'
    response.headers["referrer-policy"] = "no-referrer"
    return response


def revoke(engine: Engine, token: str) -> None:
    """Revoke a learner's token in a write of its own."""
    with write_session(engine) as session:
        revoke_learner(token, session=session)


@router.get("/help")
async def show_help(
    request: Request,
    cookie: CookieDep,
    learner: MaybeLearner,
    catalogue: CatalogueDep,
    every: bool = False,
) -> Response:
    """Where to get help now: the learner's country first, then services that work anywhere;
    only those that suit the learner's age band, unless they ask to see every service."""
    band = None if every or learner is None else learner.age_band
    view = help_for(catalogue.help_directory, cookie.country, band)
    context = {
        "help": view,
        "countries": COUNTRIES,
        "learner_band": learner.age_band if learner else None,
    }
    return render(request, "safety/help.html", context)


@router.post("/help/country")
async def choose_country(
    request: Request,
    cookie: CookieDep,
    country: Annotated[str, Form()] = "uk",
) -> Response:
    """Remember the learner's country in their cookie and show its services."""
    response = RedirectResponse(url_path(request, "show_help") + "#services", status_code=303)
    if country in COUNTRIES:
        chosen = LearnerCookie(token=cookie.token, country=country)
        set_learner_cookie(response, chosen, request)
    return response


@router.get("/card")
async def show_card(request: Request, cookie: CookieDep, catalogue: CatalogueDep) -> Response:
    """The "what to do" card: one printable page to keep, with the chosen country's services,
    their numbers and addresses written out, for anyone of any age (a parent or a teacher
    helping a child needs the child's services too)."""
    view = help_for(catalogue.help_directory, cookie.country, None)
    return render(request, "safety/card.html", {"help": view, "age_band": None})


@router.get("/privacy")
async def show_privacy(request: Request) -> Response:
    """What we store about you, in plain words."""
    return render(request, "safety/privacy.html")


@router.get("/accessibility")
async def show_accessibility(request: Request, settings: SettingsDep) -> Response:
    """The accessibility statement: how accessible the course is and how to report a problem."""
    context = {"contact": settings.accessibility_contact}
    return render(request, "safety/accessibility.html", context, cache_key="accessibility")
