"""The fuzzers' description of the app covers every route it has, with each form's real
fields: a new route, or a form field read by hand, cannot be left out of the fuzzing."""

from __future__ import annotations

import re

from fastapi import FastAPI, routing
from fastapi.testclient import TestClient

from course.settings import REPO_ROOT
from tests.fuzz.harness import operations
from tests.fuzz.schema import app_routes, app_schema, schema_operations
from tests.fuzz.test_fuzz_learner import LEARNER_OPERATIONS
from tests.fuzz.test_fuzz_teacher_accounts import ACCOUNT_OPERATIONS
from tests.fuzz.test_fuzz_teacher_classes import CLASS_OPERATIONS

HAND_READ = re.compile(r"\.form\(\)")


def test_the_description_has_every_route_of_the_app(app: FastAPI, client: TestClient) -> None:
    schema = app_schema(app)
    assert schema_operations(schema) == set(app_routes(app))
    assert len(schema_operations(schema)) > 90
    assert app.openapi_schema is None  # nothing of it is kept on the app,
    for path in ("/openapi.json", "/docs", "/redoc"):  # and the app serves none
        assert client.get(path).status_code == 404


def test_the_fuzzers_between_them_run_every_operation(app: FastAPI) -> None:
    every = {f"{method} {path}" for method, path in schema_operations(app_schema(app))}
    modules = [LEARNER_OPERATIONS, ACCOUNT_OPERATIONS, CLASS_OPERATIONS]
    assert sorted(label for labels in modules for label in labels) == sorted(every)
    assert operations("/") == sorted(every)


def test_every_state_change_carries_the_csrf_field(app: FastAPI) -> None:
    for operations_ in app_schema(app)["paths"].values():
        for method, operation in operations_.items():
            if method == "get":
                continue
            form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
            assert "csrf_token" in form["schema"]["required"]


def test_forms_read_by_hand_are_described_with_their_fields(app: FastAPI) -> None:
    """The answer form carries a checkbox list per option and one field per order step."""
    paths = app_schema(app)["paths"]
    answer = paths["/lessons/{slug}/quiz/{item_id}"]["post"]["requestBody"]["content"]
    schema = answer["application/x-www-form-urlencoded"]["schema"]
    assert schema["properties"]["choice"] == {"type": "array", "items": {"type": "string"}}
    assert set(schema["properties"]) == {"choice", "part", "csrf_token"}
    assert list(schema["patternProperties"]) == ["^position\\-"]
    start = paths["/start"]["post"]["requestBody"]["content"]
    assert {"age_band", "next"} <= set(
        start["application/x-www-form-urlencoded"]["schema"]["properties"]
    )
    assert [p["name"] for p in paths["/lessons/{slug}"]["get"]["parameters"]] == ["slug"]


def test_only_declared_forms_are_read_by_hand() -> None:
    """A route that read request.form() itself would read fields no description declares:
    hand-read forms go through DeclaredForm (course/security/forms.py), which reads only what it
    describes; FastAPI's Form() parameters describe themselves."""
    readers = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "course").rglob("*.py")
        if HAND_READ.search(path.read_text())
    ]
    assert readers == ["course/security/forms.py"]


def test_every_fastapi_route_is_described_by_fastapi(app: FastAPI) -> None:
    """Only routes FastAPI cannot describe (plain Starlette ones, the static files) are
    described by the tests; each of those is listed here, so a new one is a decision."""
    plain = sorted(
        context.original_route.name
        for context in routing.iter_route_contexts(app.routes)
        if not isinstance(context.original_route, routing.APIRoute)
    )
    assert plain == ["show_lesson", "static"]
