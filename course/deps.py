"""Request dependencies shared by the routers: the catalogue, the engine, the learner."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from course.content.schema import Catalogue
from course.learning.identity import LEARNER_COOKIE, LearnerCookie, decode_cookie
from course.learning.progress import CurrentLearner, find_learner
from course.settings import Settings


class RedirectTo(Exception):
    """Send the browser elsewhere (303), e.g. to choose an age band first."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def get_settings_of(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_catalogue(request: Request) -> Catalogue:
    """The course content, loaded at start."""
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


def get_engine(request: Request) -> Engine:
    """The database engine."""
    engine: Engine = request.app.state.engine
    return engine


def learner_cookie(request: Request) -> LearnerCookie:
    """What this device's learner cookie says (empty when there is none)."""
    return decode_cookie(request.cookies.get(LEARNER_COOKIE), request.app.state.secret_key)


def optional_learner(
    request: Request, cookie: Annotated[LearnerCookie, Depends(learner_cookie)]
) -> CurrentLearner | None:
    """The learner behind the cookie, or None for a first visit."""
    return find_learner(request.app.state.engine, cookie.token) if cookie.token else None


def required_learner(
    learner: Annotated[CurrentLearner | None, Depends(optional_learner)],
) -> CurrentLearner:
    """The learner, or a redirect to the start page to choose an age band."""
    if learner is None:
        raise RedirectTo("/start")
    return learner


SettingsDep = Annotated[Settings, Depends(get_settings_of)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
EngineDep = Annotated[Engine, Depends(get_engine)]
CookieDep = Annotated[LearnerCookie, Depends(learner_cookie)]
MaybeLearner = Annotated[CurrentLearner | None, Depends(optional_learner)]
CurrentLearnerDep = Annotated[CurrentLearner, Depends(required_learner)]
