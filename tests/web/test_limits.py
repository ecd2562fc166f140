"""Request bodies within limits, and every error page keeping its own status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from starlette.types import Message

from course.settings import Settings
from tests.aio import run as run_async
from tests.pages import csrf_token, start_learner
from tests.web.test_security import assert_security_headers

FORM = "application/x-www-form-urlencoded"
FIFTY_MB = 50 * 1024 * 1024


def post(
    client: TestClient, path: str, body: bytes, content_type: str | None = FORM, **headers: str
):  # type: ignore[no-untyped-def]
    """POST a raw body with the CSRF token in the header, as htmx does."""
    sent = {"X-CSRF-Token": csrf_token(client), **headers}
    if content_type is not None:
        sent["Content-Type"] = content_type
    return client.post(path, content=body, headers=sent)


def assert_our_page(response, status: int, says: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert says in response.text
    assert "Get help now" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert_security_headers(response.headers)


def test_the_defaults_leave_room_for_the_largest_real_form() -> None:
    settings = Settings()
    assert settings.max_body_bytes >= 100 * 236
    assert settings.max_form_fields >= 10 * 12
    assert settings.max_field_bytes >= 10 * 75


def test_a_body_declared_too_big_is_refused_with_413_before_it_is_read(
    client: TestClient,
) -> None:
    response = post(client, "/start", b"age_band=14-18", **{"Content-Length": str(FIFTY_MB)})
    assert_our_page(response, 413, "too much to send")


def asgi_post(app: FastAPI, headers: list[tuple[bytes, bytes]], chunks: Iterator[bytes]):  # type: ignore[no-untyped-def]
    """Call the app as a server would, counting how much of the body it asked for."""
    read: list[int] = []
    sent: list[Message] = []

    async def receive() -> Message:
        chunk = next(chunks, b"")
        read.append(len(chunk))
        return {"type": "http.request", "body": chunk, "more_body": bool(chunk)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/start",
        "raw_path": b"/start",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    run_async(app(scope, receive, send))
    return sent[0]["status"], dict(sent[0]["headers"]), read


def endless() -> Iterator[bytes]:
    while True:
        yield b"x" * 16384


def test_a_declared_50_mb_body_is_never_read(app: FastAPI) -> None:
    headers = [
        (b"content-type", FORM.encode()),
        (b"content-length", str(FIFTY_MB).encode()),
        (b"x-csrf-token", b"any"),
    ]
    status, response_headers, read = asgi_post(app, headers, endless())
    assert status == 413
    assert read == []  # not one byte asked for
    assert response_headers[b"x-frame-options"] == b"DENY"


def test_a_streamed_body_is_refused_once_it_passes_the_limit(app: FastAPI) -> None:
    headers = [(b"content-type", FORM.encode()), (b"transfer-encoding", b"chunked")]
    status, _, read = asgi_post(app, headers, endless())
    assert status == 413
    assert sum(read) <= app.state.settings.max_body_bytes + 16384  # stopped at the limit


def test_a_streamed_body_over_the_limit_is_refused_through_the_client(
    client: TestClient,
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(8):
            yield b"x" * 16384

    response = client.post(
        "/start",
        content=chunks(),
        headers={"X-CSRF-Token": csrf_token(client), "Content-Type": FORM},
    )
    assert_our_page(response, 413, "too much to send")


def test_a_malformed_content_length_is_a_400(app: FastAPI) -> None:
    status, _, read = asgi_post(app, [(b"content-length", b"12abc")], endless())
    assert status == 400
    assert read == []


def test_more_fields_than_the_cap_is_a_400_page(client: TestClient) -> None:
    fields = "&".join(f"f{i}=1" for i in range(201))
    assert_our_page(post(client, "/start", fields.encode()), 400, "Go back, reload the page")


def test_a_field_over_the_cap_is_a_413_page(client: TestClient) -> None:
    response = post(client, "/start", b"age_band=" + b"x" * 5000)
    assert_our_page(response, 413, "too much to send")


def test_a_form_at_the_caps_is_read(client: TestClient) -> None:
    fields = ["age_band=14-18", *(f"f{i}=1" for i in range(199))]
    assert post(client, "/start", "&".join(fields).encode()).status_code == 303


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "application/json",
        "text/plain",
        "application/x-www-form-urlencodedx",
        "garbage\x7f",
    ],
)
def test_a_body_of_another_type_is_a_415_page(client: TestClient, content_type: str) -> None:
    response = post(client, "/start", b"--x\r\n\r\nage_band=14-18", content_type)
    assert_our_page(response, 415, "never send files")


def test_a_body_without_a_type_is_a_415(client: TestClient) -> None:
    assert_our_page(post(client, "/start", b"age_band=14-18", None), 415, "never send files")


@pytest.mark.parametrize(
    "content_type",
    [
        "Application/X-WWW-Form-Urlencoded",
        "APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8",
        " application/x-www-form-urlencoded ;charset=utf-8",
    ],
)
def test_a_form_type_in_any_case_is_accepted(client: TestClient, content_type: str) -> None:
    assert post(client, "/start", b"age_band=14-18", content_type).status_code == 303


def test_an_empty_post_without_a_type_is_accepted(client: TestClient) -> None:
    start_learner(client)  # the film's count: a fetch with no body at all
    assert post(client, "/film/events/started", b"", None).status_code == 204


def test_no_form_template_asks_for_multipart() -> None:
    from course.web import TEMPLATES_DIR

    for template in TEMPLATES_DIR.rglob("*.html"):
        text = template.read_text()
        assert "multipart" not in text and "hx-encoding" not in text, template


def test_a_get_declaring_a_huge_body_is_refused_too(client: TestClient) -> None:
    response = client.get("/help", headers={"Content-Length": str(FIFTY_MB)})
    assert response.status_code == 413


def test_a_wrong_method_is_a_405_with_allow(client: TestClient) -> None:
    response = client.delete("/help", headers={"X-CSRF-Token": csrf_token(client)})
    assert_our_page(response, 405, "cannot do that")
    assert "GET" in response.headers["allow"]


@pytest.fixture
def odd_routes(app: FastAPI) -> FastAPI:
    """The app with routes that raise what no real route does (yet)."""

    @app.get("/teapot")
    def teapot() -> None:
        raise HTTPException(status_code=418)

    @app.get("/needs-a-number")
    def needs_a_number(n: int) -> None:
        pass

    return app


def test_any_other_4xx_keeps_its_status_with_the_general_page(
    odd_routes: FastAPI, client: TestClient
) -> None:
    assert_our_page(client.get("/teapot"), 418, "We could not read that")


def test_a_bad_query_is_a_422_page(odd_routes: FastAPI, client: TestClient) -> None:
    assert_our_page(client.get("/needs-a-number?n=many"), 422, "We could not use that")


def test_the_server_error_page_is_never_cached(app: FastAPI) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert_our_page(client.get("/boom"), 500, "Something went wrong on our side")


def test_an_error_page_for_htmx_replaces_the_whole_page(client: TestClient) -> None:
    response = client.post("/start", headers={"HX-Request": "true"})  # no CSRF token: a 403
    assert response.status_code == 403
    assert response.headers["hx-retarget"] == "body"
    assert response.headers["hx-reswap"] == "outerHTML"
    assert "<body" in response.text
