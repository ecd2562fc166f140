"""Quick exit, help and privacy pages."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.learning.identity import LEARNER_COOKIE
from tests.pages import csrf_token, start_learner


def test_exit_clears_the_learner_cookie_and_leaves_with_303(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    assert LEARNER_COOKIE in client.cookies
    response = client.get("/exit")
    assert response.status_code == 303
    assert response.headers["location"] == app.state.settings.exit_url
    assert response.headers["cache-control"] == "no-store"
    cleared = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith(LEARNER_COOKIE)
    )
    assert "Max-Age=0" in cleared or "expires=Thu, 01 Jan 1970" in cleared
    assert LEARNER_COOKIE not in client.cookies


def test_exit_url_is_configurable(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from course.app import create_app

    app = create_app(settings.model_copy(update={"exit_url": "https://example.org/weather"}))
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/exit").headers["location"] == "https://example.org/weather"


@pytest.mark.parametrize("path", ["/", "/start", "/help", "/privacy", "/does-not-exist"])
def test_every_page_has_quick_exit_skip_link_and_help(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.text.count('href="/exit"') >= 2  # the button and the skip link
    assert 'class="skip-link" href="/exit"' in page.text
    assert 'href="/help"' in page.text


def test_help_lists_uk_services_with_contacts(client: TestClient) -> None:
    page = client.get("/help")
    assert "Help in the UK" in page.text
    for expected in (
        "CEOP",
        "Childline",
        "0800 1111",
        "Report Remove",
        "999",
        "101",
        "Revenge Porn Helpline",
        "StopNCII",
    ):
        assert expected in page.text
    assert 'rel="noreferrer"' in page.text


def test_privacy_page_says_what_is_stored(client: TestClient) -> None:
    page = client.get("/privacy")
    assert "What we store about you" in page.text
    assert "13 months" in page.text


def choose_country(client: TestClient, country: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/help/country", data={"country": country, "csrf_token": csrf_token(client, "/help")}
    )


@pytest.mark.parametrize(
    ("country", "heading", "expected"),
    [
        (
            "us",
            "Help in the US",
            ["CyberTipline", "1-800-843-5678", "Take It Down", "tips.fbi.gov"],
        ),
        ("au", "Help in Australia", ["ACCCE", "eSafety Commissioner", "1800 55 1800", "13 11 14"]),
        ("ca", "Help in Canada", ["Cybertip.ca", "1-866-658-9022", "Kids Help Phone", "9-8-8"]),
        ("ie", "Help in Ireland", ["1800 66 66 66", "Hotline.ie", "116 123"]),
        ("nz", "Help in New Zealand", ["Netsafe", "0508 638 723", "1737"]),
        ("anywhere", "Help in anywhere else", ["StopNCII", "Child Helpline International"]),
    ],
)
def test_country_choice_shows_its_services_and_is_remembered(
    client: TestClient, country: str, heading: str, expected: list[str]
) -> None:
    response = choose_country(client, country)
    assert response.status_code == 303
    page = client.get("/help").text
    assert heading in page
    for text in expected:
        assert text in page
    assert f'<option value="{country}" selected>' in page


def test_choosing_a_country_keeps_the_learner(client: TestClient, app: FastAPI) -> None:
    first = start_learner(client)
    choose_country(client, "au")
    assert client.get(first).status_code == 200
    assert "Help in Australia" in client.get("/help").text


def test_unknown_country_is_ignored(client: TestClient) -> None:
    choose_country(client, "xx")
    assert "Help in the UK" in client.get("/help").text
