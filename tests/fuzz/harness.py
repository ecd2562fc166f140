"""Running schemathesis against the app in this process: one app and database per test module,
each operation fed 100 generated requests as someone with a real cookie and CSRF token, then
30 as someone without.

What every response must be: not a server error (no 5xx), and no stack trace in its body.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.python.asgi import ASGIClient, get_client, shutdown_lifespans

from course.app import create_app, mount_routes
from course.content.schema import (
    AUDIENCES,
    BranchingItem,
    Catalogue,
    ChoiceItem,
    OrderItem,
    RedFlagsItem,
)
from course.db import write_session
from course.film.models import FILM_EVENTS
from course.learning.identity import LearnerCookie, encode_cookie
from course.learning.progress import create_learner
from course.quizzes.grading import ORDER_FIELD
from course.security.cookies import csrf_binding
from course.security.csrf import CSRF_FIELD, CSRF_HEADER, csrf_token_for, new_csrf_cookie
from course.settings import REPO_ROOT, Settings
from tests.fuzz.schema import FORM_TYPE, app_schema, schema_operations
from tests.live_servers import postgres_schema
from tests.migrated import migrated_sqlite

EXAMPLES = 100  # per operation, as someone with a cookie and a CSRF token
STATELESS = 30  # per operation, as nobody, a forged cookie or without the token
# As htmx sends its requests, and as live.js asks for the step's fragment.
HEADERS = ({}, {"hx-request": "true"}, {"x-live-fragment": "1"})
BASE_URL = "http://testserver"
# Numbers as people and fuzzers type them: digits Python's isdigit() and int() take but 0-9
# are not, signs, spaces, too many digits (each of these once gave a 500 or could have).
ODD_NUMBERS = ["²", "1²", "١٢", "-0", " 7 ", "1e3", "0x10", "9" * 30]
# What a Python, Jinja or SQLAlchemy stack trace looks like in a body.
TRACEBACK = re.compile(
    rb"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|sqlalchemy\.exc\.|"
    rb"jinja2\.exceptions|psycopg\.errors|sqlite3\.\w+Error"
)
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the first request of an operation warms caches
    derandomize=True,  # the same examples on every run, so CI is reproducible
    database=None,  # and nothing kept between runs
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


def operations(prefix: str, *, outside: bool = False) -> list[str]:
    """The labels (`POST /start`) of the app's operations under a path prefix (or outside it),
    from its routes as create_app mounts them (no content or database needed to list them)."""
    bare = FastAPI(openapi_url=None)
    mount_routes(bare)
    found = schema_operations(app_schema(bare))
    return sorted(
        f"{method} {path}" for method, path in found if path.startswith(prefix) != outside
    )


@dataclass(frozen=True)
class Identity:
    """Who sends a request: their cookies, and the CSRF token that fits them (or none)."""

    name: str
    cookies: Mapping[str, str] = field(default_factory=dict)
    csrf: str | None = None

    def __repr__(self) -> str:
        return self.name


def fuzz_settings(database_url: str, folder: Path) -> Settings:
    """Settings for fuzzing: the limits that would refuse a fuzzer's hundreds of requests from
    one address raised, so the requests reach the routes."""
    return Settings(
        database_url=database_url,
        secret_key=secrets.token_urlsafe(32),
        data_dir=folder / "data",
        content_dir=REPO_ROOT,
        starts_per_minute=1_000_000,
        posts_per_minute=1_000_000,
        sign_in_attempts_per_minute=1_000_000,
        join_guesses_per_minute=1_000_000,
    )


def fuzzer_on(url: str, folder: Path, catalogue: Catalogue) -> Fuzzer:
    """The app on this database, with the shared catalogue, ready to fuzz (as many examples on
    PostgreSQL as on SQLite: it is there for what only PostgreSQL refuses)."""
    return Fuzzer(create_app(fuzz_settings(url, folder), catalogue=catalogue))


@contextmanager
def database(kind: str, folder: Path, postgres_url: str) -> Iterator[str]:
    """A migrated, empty database of this kind."""
    if kind == "sqlite":
        yield migrated_sqlite(folder / "fuzz.db")
        return
    with postgres_schema(postgres_url, prefix="fuzz") as url:
        yield url


class Fuzzer:
    """One app, its description, and a client to it."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.description = app_schema(app)
        self.schema = schemathesis.openapi.from_dict(self.description)
        # One event of a stream is enough: the live streams never end on their own.
        self.client: ASGIClient = get_client(app, max_stream_events=1)

    def identity(
        self, name: str, cookies: Mapping[str, str] | None = None, *, csrf: bool = True
    ) -> Identity:
        """Someone with these cookies and a CSRF cookie, with its valid token when `csrf`."""
        names = self.app.state.cookie_names
        jar = {**(cookies or {}), names.csrf: new_csrf_cookie()}
        binding = csrf_binding(jar, names)
        token = csrf_token_for(jar[names.csrf], self.app.state.secret_key, binding)
        return Identity(name, jar, token if csrf else None)

    def learner(self, age_band: str, class_id: int | None = None) -> dict[str, str]:
        """The cookie of a new learner in an age band (and a class)."""
        with write_session(self.app.state.engine) as session:
            token, _ = create_learner(age_band, session=session, class_id=class_id)
        value = encode_cookie(LearnerCookie(token=token), self.app.state.secret_key)
        return {self.app.state.cookie_names.learner: value}

    def run(
        self,
        label: str,
        with_state: Sequence[Identity],
        without_state: Sequence[Identity],
        values: Mapping[str, Sequence[str]],
    ) -> None:
        """Send generated requests to one operation, EXAMPLES as the identities with state and
        STATELESS as those without; every answer must be sound.

        Half the time a parameter or field named in `values` takes one of them instead (a real
        slug, option id or class code: what the schema allows, but that a random string never
        hits), so that requests get past "not found" to the code behind it."""
        method, path = label.split(" ", 1)
        operation = self.schema[path][method]
        strategy = operation.as_strategy()
        fields = body_fields(self.description["paths"][path][method.lower()])
        client = self.client

        def send(case: Any, who: Identity, extra: dict[str, str], data: st.DataObject) -> None:
            realistic(case, fields, values, data)
            headers = dict(extra)
            if who.csrf is not None:
                if isinstance(case.body, dict):
                    case.body = {**case.body, CSRF_FIELD: who.csrf}
                else:
                    headers[CSRF_HEADER] = who.csrf
            client.cookies.clear()  # only the identity's cookies, never what came back
            response = case.call(
                base_url=BASE_URL,
                session=client,
                headers=headers,
                cookies=dict(who.cookies),
                timeout=10,
                allow_redirects=False,
            )
            trace = TRACEBACK.search(response.content)
            if response.status_code >= 500 or trace is not None:
                repro = case.as_curl_command(headers=headers, base_url=BASE_URL)
                found = f"a stack trace ({trace.group(0)!r})" if trace else "a server error"
                raise AssertionError(f"{response.status_code}, {found}, for {who!r}: {repro}")

        with client:
            for identities, examples in zip(
                (with_state, without_state), (EXAMPLES, STATELESS), strict=True
            ):
                fuzz = settings(FUZZ_SETTINGS, max_examples=examples)(
                    given(
                        case=strategy,
                        who=st.sampled_from(identities),
                        extra=st.sampled_from(HEADERS),
                        data=st.data(),
                    )(send)
                )
                fuzz()

    def close(self) -> None:
        shutdown_lifespans()
        self.app.state.engine.dispose()


def catalogue_values(catalogue: Catalogue) -> dict[str, list[str]]:
    """The values from the content that lead somewhere: slugs, item, option and part ids, and
    a position for every step of an order question."""
    items = [item for quiz in catalogue.quizzes.values() for item in quiz.items]
    options: set[str] = set()
    parts: set[str] = set()
    values: dict[str, list[str]] = {}
    for item in items:
        if isinstance(item, ChoiceItem):
            options.update(option.id for option in item.options)
        elif isinstance(item, RedFlagsItem):
            parts.update(part.id for part in item.parts())
        elif isinstance(item, BranchingItem):
            options.update(choice.id for node in item.nodes for choice in node.choices)
        elif isinstance(item, OrderItem):
            for step in item.steps:
                positions = [str(n) for n in range(1, len(item.steps) + 1)]
                values[ORDER_FIELD.format(step.id)] = positions
    questions = [
        f"{lesson.slug}/{item.id}"
        for lesson in catalogue.lessons
        if lesson.quiz and (quiz := catalogue.quiz(lesson.quiz))
        for item in quiz.items
    ]
    return {
        **values,
        "slug/item_id": questions,
        "slug": sorted(lesson.slug for lesson in catalogue.lessons),
        "band": list(AUDIENCES),
        "age_band": list(AUDIENCES),
        "item_id": sorted({item.id for item in items}),
        "choice": sorted(options),
        "part": sorted(parts),
        "path": sorted(options),
        "step": ["-1", "0", "1", "2", "3", *ODD_NUMBERS],
        "seen": ["-1", "0", "1", "2", *ODD_NUMBERS],
        "event": sorted(FILM_EVENTS),
    }


def body_fields(operation: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A form's declared fields and its families of fields (patterns), by name."""
    content = operation.get("requestBody", {}).get("content", {}).get(FORM_TYPE, {})
    schema = content.get("schema", {})
    return schema.get("properties", {}), schema.get("patternProperties", {})


def realistic(
    case: Any,
    fields: tuple[dict[str, Any], dict[str, Any]],
    values: Mapping[str, Sequence[str]],
    data: st.DataObject,
) -> None:
    """Replace some of a generated case's parameters and declared fields by real values."""

    def real(name: str) -> str:
        return data.draw(st.sampled_from(values[name]), label=name)

    for parameters in (case.path_parameters, case.query):
        for name in list(parameters or ()):
            if name in values and data.draw(st.booleans()):
                parameters[name] = real(name)
        # Values that only lead somewhere together (a question of that lesson): "slug/item_id".
        for joint in (key for key in values if "/" in key):
            names = joint.split("/")
            if (
                parameters
                and all(name in parameters for name in names)
                and data.draw(st.booleans())
            ):
                parameters.update(zip(names, real(joint).split("/"), strict=True))
    if not isinstance(case.body, dict):
        return
    properties, patterns = fields
    body = dict(case.body)
    for name in values:
        declared = properties.get(name)
        if declared is None and not any(re.match(pattern, name) for pattern in patterns):
            continue
        if data.draw(st.booleans()):
            many = (declared or {}).get("type") == "array"
            body[name] = (
                [real(name) for _ in range(data.draw(st.integers(1, 3)))] if many else real(name)
            )
    case.body = body
