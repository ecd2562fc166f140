"""The app's OpenAPI description, for the fuzzing tests only (the app serves none).

It is built from the app's own routes, so it cannot drift from them:

- FastAPI describes its routes and their declared fields (`Form()`, `Query()`, path
  parameters), and the forms a route reads by hand through their `DeclaredForm`
  (course/security/forms.py, as the route's `openapi_extra`);
- the plain Starlette routes (the lesson page, kept off FastAPI for speed) are described from
  their own path parameters, and the static files by their one path parameter;
- every state change gets the form field the CSRF middleware reads (`CSRF_FIELD`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from fastapi import FastAPI, routing
from starlette.routing import Mount

from course.security.csrf import CSRF_FIELD, SAFE_METHODS
from course.security.forms import FORM_TYPE

__all__ = ["FORM_TYPE", "app_routes", "app_schema", "schema_operations"]

Operation = tuple[str, str]  # (METHOD, path template)


def app_routes(app: FastAPI) -> Iterator[Operation]:
    """Every (method, path) the app answers, as its router holds them (HEAD aside: every GET
    answers it, course/security/paths.py)."""
    for context in routing.iter_route_contexts(app.routes):
        yield from route_operations(context)


def route_operations(context: routing.RouteContext) -> Iterator[Operation]:
    """The (method, path) pairs of one route: a mount (the static files) answers GET."""
    route = context.original_route
    if isinstance(route, Mount):
        yield "GET", f"{route.path}/{{path}}"
        return
    path = context.path_format if isinstance(route, routing.APIRoute) else route.path_format
    for method in sorted(getattr(route, "methods", None) or ()):
        if method != "HEAD":
            yield method, path


def plain_operation(name: str, path: str) -> dict[str, Any]:
    """The operation of a route FastAPI does not describe: its path parameters, as strings."""
    names = [part[1:-1].split(":")[0] for part in path.split("/") if part.startswith("{")]
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in names
    ]
    return {"operationId": name, "parameters": parameters, "responses": {}}


def app_schema(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI description of every operation of the app, built from its routes."""
    schema = copy.deepcopy(app.openapi())
    app.openapi_schema = None  # nothing of it stays on the app
    paths: dict[str, dict[str, Any]] = schema["paths"]
    for context in routing.iter_route_contexts(app.routes):
        if isinstance(context.original_route, routing.APIRoute):
            continue
        name = getattr(context.original_route, "name", None) or ""
        for method, path in route_operations(context):
            paths.setdefault(path, {})[method.lower()] = plain_operation(name, path)
    components = schema.get("components", {}).get("schemas", {})
    for operations in paths.values():
        for method, operation in operations.items():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                content["schema"] = resolved(content.get("schema", {}), components)
            if method.upper() not in SAFE_METHODS:
                add_csrf_field(operation)
    return schema


def add_csrf_field(operation: dict[str, Any]) -> None:
    """The CSRF token field every state change must carry (the middleware reads it)."""
    body = operation.setdefault("requestBody", {"content": {FORM_TYPE: {"schema": {}}}})
    form = body["content"].setdefault(FORM_TYPE, {"schema": {}})
    target = form["schema"]
    target.setdefault("type", "object")
    target.setdefault("properties", {})[CSRF_FIELD] = {"type": "string"}
    required = target.setdefault("required", [])
    if CSRF_FIELD not in required:
        required.append(CSRF_FIELD)
    body["required"] = True


def schema_operations(schema: Mapping[str, Any]) -> set[Operation]:
    """The (method, path) of every operation the description holds."""
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def resolved(schema: dict[str, Any], components: Mapping[str, Any]) -> dict[str, Any]:
    """A body schema with its `$ref` (FastAPI's form models) replaced by the model itself."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return copy.deepcopy(components[ref.rsplit("/", 1)[1]])
    return schema
