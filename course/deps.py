"""App-wide request dependencies: the settings, the catalogue and the database engine.

Each feature keeps its own dependencies beside its routes (the learner's are in
course/learning/deps.py). Dependencies are `async def`, so FastAPI runs them on the event loop
instead of handing each to a worker thread (a hand-off costs more than the work).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from course.content.schema import Catalogue
from course.settings import Settings


async def get_settings_of(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_catalogue(request: Request) -> Catalogue:
    """The course content, loaded at start."""
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


async def get_engine(request: Request) -> Engine:
    """The database engine; a use case opens its own session on it (course.db)."""
    engine: Engine = request.app.state.engine
    return engine


SettingsDep = Annotated[Settings, Depends(get_settings_of)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
EngineDep = Annotated[Engine, Depends(get_engine)]
