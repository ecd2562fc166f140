"""Whatever a client posts to whatever route, the answer is never a 5xx.

Generated bodies (our forms' own fields, garbage, JSON, multipart, odd encodings, sizes either
side of every limit) with generated content types, at every POST route of the app, its path
filled with real slugs and ids or with garbage, all with a valid CSRF token in the header so
they reach the routes.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.content.schema import AUDIENCES
from course.film.models import FILM_EVENTS
from course.migrations.run import upgrade
from tests.pages import csrf_token, start_learner
from tests.routes import method_paths

AGE_BAND = "14-18"
FORM = "application/x-www-form-urlencoded"
CONTENT_TYPES = [
    FORM,
    "Application/X-WWW-Form-Urlencoded",
    "APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8",
    f"{FORM}; charset=utf-16",
    f"{FORM}; charset=nonsense",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "Multipart/Form-Data; boundary=",
    "application/json",
    "text/plain",
    "application/octet-stream",
    "",
    ";",
]
ENCODINGS = ["utf-8", "latin-1", "utf-16", "cp1252", "shift_jis"]
MULTIPART = (
    b'--x\r\nContent-Disposition: form-data; name="age_band"\r\n\r\n14-18\r\n'
    b'--x\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\n'
    + b"A" * 2000
    + b"\r\n--x--\r\n"
)
# Each example is a request through the whole app (about 20 ms with Hypothesis's own work):
# with some 36 POST routes, 50 each keeps this test under a minute.
EXAMPLES_PER_ROUTE = 50
NAME_OR_VALUE = re.compile(r'(?:name|value)="([^"]*)"')


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: what is refused here is refused before any query, so PostgreSQL would
    only double the time (the web tests run every route on both)."""
    url = f"sqlite:///{tmp_path / 'course.db'}"
    upgrade(url)
    return url


def post_routes(app: FastAPI) -> list[str]:
    """The path of every POST route of the app, included routers and all."""
    return [path for method, path in method_paths(app) if method == "POST"]


def real_path_params(app: FastAPI) -> list[dict[str, str]]:
    """Real values for every path parameter of the app's routes, consistent with each other:
    one set per quiz item (with its lesson), and one per lesson without a quiz."""
    catalogue = app.state.catalogue
    found = []
    for n, lesson in enumerate(catalogue.lessons_for(AGE_BAND)):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        items = [item.id for item in quiz.items_for(AGE_BAND)] if quiz else ["none"]
        for item in items:
            outcome = ("complete", "skip")[n % 2]
            event = sorted(FILM_EVENTS)[n % len(FILM_EVENTS)]
            found.append(
                {
                    "band": AGE_BAND,
                    "slug": lesson.slug,
                    "item_id": item,
                    "outcome": outcome,
                    "event": event,
                }
            )
    # No class exists in a fresh database: a well-formed class id and join code instead.
    for n, params in enumerate(found):
        params.update(class_id=str(n % 3 + 1), code=("23456789", "ABCD-EFGH")[n % 2])
    return found


def form_words(client: TestClient, app: FastAPI) -> list[str]:
    """Every field name and value our pages' forms can send (the CSRF token aside)."""
    pages = ["/start", "/help"] + [
        f"/lessons/{lesson.slug}/quiz"
        for lesson in app.state.catalogue.lessons_for(AGE_BAND)
        if lesson.quiz
    ]
    words = {word for page in pages for word in NAME_OR_VALUE.findall(client.get(page).text)}
    return sorted(words - {csrf_token(client)} | set(AUDIENCES))


def bodies(words: list[str]) -> st.SearchStrategy[bytes]:
    """Request bodies: forms of our own words and of garbage, in many encodings, and not forms."""
    word = st.sampled_from(words) | st.text(max_size=30)
    fields = st.lists(st.tuples(word, word), max_size=25)
    encoded_forms = st.builds(
        lambda pairs, encoding: urlencode(pairs, encoding=encoding, errors="replace").encode(),
        fields,
        st.sampled_from(ENCODINGS),
    )
    raw_forms = st.builds(
        lambda pairs, encoding: "&".join(f"{k}={v}" for k, v in pairs).encode(encoding, "replace"),
        fields,
        st.sampled_from(ENCODINGS),
    )
    return st.one_of(
        encoded_forms,
        raw_forms,
        st.binary(max_size=2000),
        st.just(b""),
        st.just(b'{"age_band": "14-18", "choice": ["a"]}'),
        st.just(MULTIPART),
        # either side of the limits: fields in a form, bytes in a field, bytes in a body
        st.integers(190, 210).map(lambda n: "&".join(f"f{i}=1" for i in range(n)).encode()),
        st.integers(4000, 4200).map(lambda n: b"choice=" + b"x" * n),
        st.integers(65_000, 66_500).map(lambda n: b"a=1&" * (n // 4)),
    )


def paths(route: str, real: list[dict[str, str]]) -> st.SearchStrategy[str]:
    """The route's path with real values for its parameters, each now and then garbage."""
    names = re.findall(r"{(\w+)}", route)
    unknown = [name for name in names if name not in real[0]]
    assert not unknown, f"give real values for the new path parameters {unknown} above"
    garbage = st.text(min_size=1, max_size=20).map(lambda text: quote(text, safe=""))
    kept = st.none()  # keep the real value
    swaps = st.fixed_dictionaries({name: st.one_of(kept, kept, kept, garbage) for name in names})

    def fill(values: dict[str, str], swapped: dict[str, str | None]) -> str:
        chosen = {name: swapped[name] or values[name] for name in names}
        return re.sub(r"{(\w+)}", lambda match: chosen[match.group(1)], route)

    return st.builds(fill, st.sampled_from(real), swaps)


FORM_TYPES = st.sampled_from([t for t in CONTENT_TYPES if t.lower().startswith(FORM)])
OTHER_TYPES = st.one_of(
    st.none(),
    st.sampled_from(CONTENT_TYPES),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
# About half of them forms, so that most bodies reach the routes (a flatmap: Hypothesis merges
# sampled_from branches of a one_of, which would make forms rare).
CONTENT_TYPE_HEADERS = st.booleans().flatmap(lambda form: FORM_TYPES if form else OTHER_TYPES)


def post_anything(
    client: TestClient, path: st.SearchStrategy[str], body: st.SearchStrategy[bytes]
) -> Counter[int]:
    """Post generated bodies to generated paths of one route, as a learner; how often each
    status came."""
    statuses: Counter[int] = Counter()
    start_learner(client, AGE_BAND)  # afresh: a route before may have ended the last one
    token = [csrf_token(client)]

    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(path=path, body=body, content_type=CONTENT_TYPE_HEADERS, htmx=st.booleans())
    def posting_never_fails(path: str, body: bytes, content_type: str | None, htmx: bool) -> None:
        headers = {"X-CSRF-Token": token[0]}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if htmx:
            headers["HX-Request"] = "true"
        response = client.post(path, content=body, headers=headers)
        assert response.status_code < 500, (path, content_type, body[:200])
        statuses[response.status_code] += 1
        if "set-cookie" in response.headers:  # a new learner: the token is bound to the old one
            token[0] = csrf_token(client)

    posting_never_fails()
    return statuses


def test_no_post_route_answers_a_5xx_whatever_it_is_sent(client: TestClient, app: FastAPI) -> None:
    start_learner(client, AGE_BAND)
    words = form_words(client, app)
    real = real_path_params(app)
    routes = post_routes(app)
    assert len(routes) >= 8, routes
    for route in routes:
        statuses = post_anything(client, paths(route, real), bodies(words))
        # the route itself answered some (not only our guards: bad token, too big, wrong type)
        answered = set(statuses) - {400, 403, 413, 415}
        assert answered, (route, statuses)
