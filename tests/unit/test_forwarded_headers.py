"""COURSE_FORWARDED_ALLOW_IPS: X-Forwarded-For and -Proto believed from the proxy alone.

`course serve` hands uvicorn the options of `server_options`; these tests load uvicorn's own
Config with exactly those options (around an app that records what it is given) and send it
requests from the proxy and from elsewhere. tests/deploy/test_proxy.py does the same through a
real nginx.
"""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from pydantic import ValidationError

from course.cli import server_options
from course.settings import Settings
from tests.aio import run

SPOOFED = b"203.0.113.7"


def test_forwarded_headers_are_believed_from_nobody_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COURSE_FORWARDED_ALLOW_IPS", raising=False)
    assert Settings().forwarded_allow_ips == ""
    options = server_options(Settings())
    assert options["proxy_headers"] is False
    assert "forwarded_allow_ips" not in options  # not uvicorn's default of 127.0.0.1 either


def test_the_proxies_come_from_the_environment_written_as_uvicorn_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COURSE_FORWARDED_ALLOW_IPS", " 127.0.0.1, 10.1.2.3/8 ,::1")
    settings = Settings()
    assert settings.forwarded_allow_ips == "127.0.0.1,10.0.0.0/8,::1"
    options = server_options(settings)
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == "127.0.0.1,10.0.0.0/8,::1"


@pytest.mark.parametrize("value", ["*", "localhost", "127.0.0.1;10.0.0.1", "10.0.0.0/33"])
def test_anything_but_addresses_and_networks_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="COURSE_FORWARDED_ALLOW_IPS must list"):
        Settings(forwarded_allow_ips=value)


def seen_by_the_app(settings: Settings, client: str, headers: list[tuple[bytes, bytes]]) -> Any:
    """The client address and scheme the app sees for one request through uvicorn's
    middleware, loaded from the options `course serve` would use."""
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.update(client=scope["client"][0], scheme=scope["scheme"])

    options = server_options(settings)
    keep = ("proxy_headers", "forwarded_allow_ips")
    config = uvicorn.Config(app, **{name: options[name] for name in keep if name in options})
    config.load()
    scope = {
        "type": "http",
        "scheme": "http",
        "client": (client, 50000),
        "headers": headers,
        "method": "GET",
        "path": "/",
    }
    run(config.loaded_app(scope, None, None))  # a browser test may hold this thread's loop
    return seen["client"], seen["scheme"]


FORWARDED = [(b"x-forwarded-for", SPOOFED), (b"x-forwarded-proto", b"https")]


def test_the_proxy_is_believed() -> None:
    settings = Settings(forwarded_allow_ips="127.0.0.1")
    assert seen_by_the_app(settings, "127.0.0.1", FORWARDED) == ("203.0.113.7", "https")


def test_a_client_that_is_not_the_proxy_is_not_believed() -> None:
    settings = Settings(forwarded_allow_ips="127.0.0.1")
    assert seen_by_the_app(settings, "198.51.100.4", FORWARDED) == ("198.51.100.4", "http")


def test_without_the_setting_not_even_localhost_is_believed() -> None:
    assert seen_by_the_app(Settings(), "127.0.0.1", FORWARDED) == ("127.0.0.1", "http")


def test_a_trusted_network_lets_its_proxies_speak_for_the_client() -> None:
    settings = Settings(forwarded_allow_ips="10.0.0.0/8")
    assert seen_by_the_app(settings, "10.20.30.40", FORWARDED)[0] == "203.0.113.7"
    assert seen_by_the_app(settings, "11.0.0.1", FORWARDED)[0] == "11.0.0.1"
