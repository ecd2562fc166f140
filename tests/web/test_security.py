"""Security baseline: headers on every response, CSRF on every state change, no stack traces."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry import trace

from course.security.cookies import CSRF_COOKIE
from tests.pages import csrf_token, start_learner
from tests.routes import method_paths

PAGES = ["/", "/start", "/help", "/privacy", "/does-not-exist", "/static/css/course.css"]


def assert_security_headers(headers) -> None:  # type: ignore[no-untyped-def]
    csp = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in headers["permissions-policy"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    assert_security_headers(client.get(path).headers)


def every_page(app: FastAPI) -> list[str]:
    """Every GET route of the app, with path parameters filled from the shipped course."""
    catalogue = app.state.catalogue
    lesson = catalogue.lessons_for("14-18")[0].slug
    item = catalogue.quiz(catalogue.lesson(lesson).quiz).items_for("14-18")[0].id
    paths = []
    for method, path in method_paths(app):
        # A learner's pages only: teacher pages need a teacher, and a join page a class
        # (tests/web/test_access_matrix.py and test_join.py walk those).
        if method == "GET" and not path.startswith("/teachers") and "{code}" not in path:
            paths.append(path.replace("{slug}", lesson).replace("{item_id}", item))
    assert not [path for path in paths if "{" in path], "fill in the new path parameter here"
    return paths


def test_every_html_page_has_the_headers_and_is_not_cached(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    # Not pages: the exit, a live session's stream and catch-up (tests/web/test_live.py), and
    # the health check (tests/web/test_health.py), which still has the headers.
    not_pages = ("/exit", "/live/events", "/live/step", "/health")
    assert_security_headers(client.get("/health").headers)
    pages = [path for path in every_page(app) if path not in not_pages]
    assert len(pages) >= 10
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert_security_headers(response.headers)
        assert response.headers["cache-control"] == "no-store", path


def test_security_headers_on_learner_pages_and_they_are_not_cached(
    client: TestClient, app: FastAPI
) -> None:
    first = start_learner(client)
    for path in (first, f"{first}/quiz", "/complete"):
        response = client.get(path)
        assert_security_headers(response.headers)
        assert response.headers["cache-control"] == "no-store"


def test_versioned_static_files_are_cached_for_a_year(client: TestClient) -> None:
    page = client.get("/").text
    css = page.split('href="/static/css/course.css?v=')[1].split('"')[0]
    response = client.get(f"/static/css/course.css?v={css}")
    assert "immutable" in response.headers["cache-control"]


def test_post_without_csrf_token_is_refused_with_403_and_advice(client: TestClient) -> None:
    client.get("/start")  # sets the CSRF cookie, but the form token is left out
    response = client.post("/start", data={"age_band": "14-18"})
    assert response.status_code == 403
    assert "reload the page, and try again" in response.text
    assert_security_headers(response.headers)


def test_post_with_wrong_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/start")
    response = client.post("/start", data={"age_band": "14-18", "csrf_token": "0" * 64})
    assert response.status_code == 403


def test_post_without_csrf_cookie_is_refused(client: TestClient) -> None:
    token = csrf_token(client)
    client.cookies.delete(CSRF_COOKIE)
    assert client.post("/start", data={"age_band": "14-18", "csrf_token": token}).status_code == 403


def test_csrf_token_in_header_is_accepted(client: TestClient) -> None:
    token = csrf_token(client)
    response = client.post("/start", data={"age_band": "14-18"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 303


def test_cross_site_post_is_refused_even_with_a_token(client: TestClient) -> None:
    token = csrf_token(client)
    response = client.post(
        "/start",
        data={"age_band": "14-18", "csrf_token": token},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/lessons/x/complete", "/lessons/x/skip", "/lessons/x/quiz/y"])
def test_every_learner_post_needs_the_csrf_token(client: TestClient, path: str) -> None:
    start_learner(client)
    assert client.post(path, data={}).status_code == 403


def test_server_error_page_has_no_stack_trace(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "Traceback" not in response.text
    assert "secret internals" not in response.text
    assert "Something went wrong on our side" in response.text
    assert_security_headers(response.headers)


def test_static_text_files_are_served_gzipped_and_whole(client: TestClient) -> None:
    from course.app import STATIC_DIR

    for name in ("css/course.css", "js/htmx.min.js", "js/course.js"):
        response = client.get(f"/static/{name}?v=1", headers={"Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip"
        assert response.content == (STATIC_DIR / name).read_bytes()
        assert "immutable" in response.headers["cache-control"]
        assert_security_headers(response.headers)
    plain = client.get("/static/css/course.css", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("token", ["é" * 64, "\x00", " "])
def test_odd_csrf_tokens_are_refused_not_crashed_on(client: TestClient, token: str) -> None:
    client.get("/start")
    form = client.post("/start", data={"age_band": "14-18", "csrf_token": token})
    assert form.status_code == 403
    header = client.post(
        "/start",
        data={"age_band": "14-18"},
        headers={"X-CSRF-Token": token.encode()},
    )
    assert header.status_code == 403


class RecordingTracerProvider(trace.TracerProvider):
    """A tracing setup an operator (or a library) might install in the process: it records
    who asks it for a tracer, and hands out ones that record nothing."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def get_tracer(self, instrumenting_module_name: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def, override]
        self.asked.append(instrumenting_module_name)
        return trace.NoOpTracer()


def test_fastapis_own_telemetry_never_sees_a_request(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its request spans would carry the path, the client's address and user agent to whatever
    # tracing the process has: the course stores none of those, so it sends none either.
    provider = RecordingTracerProvider()
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    bare = FastAPI()  # the control: FastAPI's default would trace this request
    bare.add_api_route("/", lambda: "hello")
    with TestClient(bare) as plain:
        plain.get("/")
    assert provider.asked, "the recording provider was not used: this test proves nothing"
    provider.asked.clear()
    start_learner(client)
    assert client.get("/").status_code == 200
    assert provider.asked == []
