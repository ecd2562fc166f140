"""Request dependencies shared by the routers: the catalogue, the engine, the learner.

Dependencies are `async def`, so FastAPI runs them on the event loop instead of handing each to
a worker thread (a hand-off costs more than the work). The learner lookup goes to a thread only
on PostgreSQL, where it waits on the network.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from course.content.schema import Catalogue
from course.learning.identity import LEARNER_COOKIE, LearnerCookie, decode_cookie
from course.learning.progress import CurrentLearner, find_learner
from course.settings import Settings


class RedirectTo(Exception):
    """Send the browser elsewhere (303), e.g. to choose an age band first."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


async def get_settings_of(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_catalogue(request: Request) -> Catalogue:
    """The course content, loaded at start."""
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


async def get_engine(request: Request) -> Engine:
    """The database engine."""
    engine: Engine = request.app.state.engine
    return engine


async def learner_cookie(request: Request) -> LearnerCookie:
    """What this device's learner cookie says (empty when there is none)."""
    return decode_cookie(request.cookies.get(LEARNER_COOKIE), request.app.state.secret_key)


async def optional_learner(request: Request) -> CurrentLearner | None:
    """The learner behind the cookie, or None for a first visit."""
    # Calls learner_cookie rather than depending on it: each level of dependencies costs
    # FastAPI more than the lookup does.
    cookie = await learner_cookie(request)
    if not cookie.token:
        return None
    engine: Engine = request.app.state.engine
    if engine.dialect.name == "sqlite":
        # An indexed read in WAL mode never waits for a writer: microseconds, so no thread.
        return find_learner(engine, cookie.token)
    return await run_in_threadpool(find_learner, engine, cookie.token)


async def required_learner(request: Request) -> CurrentLearner:
    """The learner, or a redirect to the start page to choose an age band."""
    learner = await optional_learner(request)
    if learner is None:
        raise RedirectTo("/start")
    return learner


SettingsDep = Annotated[Settings, Depends(get_settings_of)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
EngineDep = Annotated[Engine, Depends(get_engine)]
CookieDep = Annotated[LearnerCookie, Depends(learner_cookie)]
MaybeLearner = Annotated[CurrentLearner | None, Depends(optional_learner)]
CurrentLearnerDep = Annotated[CurrentLearner, Depends(required_learner)]
