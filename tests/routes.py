"""Every route of the app, for tests that walk them all (so a route added later is checked
without touching the test): included routers are opened up, as FastAPI matches them."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import BaseRoute


def all_routes(app: FastAPI) -> list[BaseRoute]:
    """The app's routes, with each included router's own routes in its place."""
    pending, found = list(app.routes), []
    while pending:
        route = pending.pop(0)
        if hasattr(route, "original_router"):  # an included router (no prefixes here)
            pending += route.original_router.routes
        else:
            found.append(route)
    return found


def method_paths(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path pattern) of every route: one pair per method a route answers."""
    return [
        (method, route.path)  # type: ignore[attr-defined]
        for route in all_routes(app)
        for method in sorted(getattr(route, "methods", None) or ())
    ]
