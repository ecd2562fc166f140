"""The help page and the card, read from lessons/help.yaml: a crisis line with a number to call
in every country, services that fit the learner's age band, and a card that works on paper."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from course.content.help_directory import ANYWHERE, COUNTRIES, HelpDirectory
from course.safety.services import known_country
from tests.pages import csrf_token, start_learner

PLACES = [code for code in COUNTRIES if code != ANYWHERE]
TALK_NOW = re.compile(r'<aside class="callout" aria-labelledby="talk-now">(.*?)</aside>', re.S)


def choose_country(client: TestClient, country: str) -> None:
    token = csrf_token(client, "/help")
    response = client.post("/help/country", data={"country": country, "csrf_token": token})
    assert response.status_code == 303


def directory_of(app: FastAPI) -> HelpDirectory:
    directory: HelpDirectory = app.state.catalogue.help_directory
    return directory


@pytest.mark.parametrize("band", [None, "11-13", "14-18", "adult"])
@pytest.mark.parametrize("country", PLACES)
def test_every_country_shows_a_crisis_line_with_a_number_to_call(
    client: TestClient, app: FastAPI, country: str, band: str | None
) -> None:
    if band:
        start_learner(client, band)
    choose_country(client, country)
    page = client.get("/help").text
    talk_now = TALK_NOW.search(page)
    assert talk_now, f"no crisis lines for {country}, {band}"
    for service in directory_of(app).crisis_lines(country, band):
        phone = next(contact for contact in service.contacts if contact.kind == "phone")
        assert f'<a href="{phone.href}">Call {phone.shown}</a>' in talk_now.group(1)
        assert re.fullmatch(r"tel:\+?\d+", phone.href)


@pytest.mark.parametrize("country", list(COUNTRIES))
def test_no_help_page_or_card_names_action_fraud(client: TestClient, country: str) -> None:
    choose_country(client, country)
    for path in ("/help", "/help?every=1", "/card"):
        assert "Action Fraud" not in client.get(path).text


def test_the_uk_page_sends_fraud_to_report_fraud_and_scotland_to_101(client: TestClient) -> None:
    page = client.get("/help").text
    assert 'href="https://www.reportfraud.police.uk/"' in page
    assert '<a href="tel:03001232040">Call 0300 123 2040</a>' in page
    assert "In Scotland, call Police Scotland on 101" in page


def test_an_11_to_13_learner_does_not_see_adult_only_services(
    client: TestClient, app: FastAPI
) -> None:
    adults_only = [s.name for s in directory_of(app).services_in("uk") if s.ages == ("adult",)]
    assert "Report Fraud" in adults_only
    start_learner(client, "11-13")
    page = client.get("/help").text
    assert "Childline" in page and "Report Remove (Childline and the IWF)" in page
    for name in adults_only:
        assert f"<h3>{name}</h3>" not in page
    assert "Showing the services for your age group: 11 to 13" in page
    every = client.get("/help?every=1").text
    for name in adults_only:
        assert f"<h3>{name}</h3>" in every


def test_young_people_get_childlines_report_remove_and_adults_the_adult_route(
    client: TestClient, app: FastAPI
) -> None:
    childline = "https://www.childline.org.uk/info-advice/bullying-abuse-safety/online-mobile"
    iwf = "https://www.iwf.org.uk/what-we-do/why-we-exist/report-remove/"
    start_learner(client, "14-18")
    young = client.get("/help").text
    assert childline in young and iwf not in young
    client.cookies.clear()
    start_learner(client, "adult")
    adult = client.get("/help").text
    assert iwf in adult and childline not in adult
    assert "<h3>Childline</h3>" not in adult


def test_a_visitor_with_no_age_band_sees_every_service(client: TestClient, app: FastAPI) -> None:
    page = client.get("/help").text
    for service in directory_of(app).services_in("uk"):
        assert f"<h3>{escape(service.name)}</h3>" in page
    assert "Showing the services for your age group" not in page


def test_kids_help_phone_has_its_number_and_esafety_is_for_anyone(client: TestClient) -> None:
    choose_country(client, "ca")
    canada = client.get("/help").text
    assert '<a href="tel:18006686868">Call 1-800-668-6868</a>' in canada
    assert '<a href="sms:686868">Text CONNECT to 686868</a>' in canada
    choose_country(client, "au")
    australia = client.get("/help").text
    assert "eSafety Commissioner" in australia
    assert "Adults (18 and over)</p>" not in australia.split("eSafety Commissioner")[1][:200]


@pytest.mark.parametrize("country", list(COUNTRIES))
def test_the_card_prints_every_number_and_address_of_the_chosen_country(
    client: TestClient, app: FastAPI, country: str
) -> None:
    choose_country(client, country)
    card = client.get("/card").text
    directory = directory_of(app)
    shown = directory.services_in(country) + (
        () if country == ANYWHERE else directory.anywhere_besides(country)
    )
    assert shown
    for service in shown:
        assert f"<strong>{escape(service.name)}</strong>" in card
        for contact in service.contacts:
            assert f">{contact.verb() + ' ' if contact.verb() else ''}{contact.shown}</a>" in card
    others = {s.name for s in directory.services} - {s.name for s in shown}
    for name in others:
        assert f"<strong>{escape(name)}</strong>" not in card


def test_the_uk_card_writes_out_ceop_and_report_remove(client: TestClient) -> None:
    card = client.get("/card").text
    assert ">ceop.police.uk/Safety-Centre</a>" in card
    assert ">childline.org.uk/info-advice/bullying-abuse-safety/online-mobile-safety/" in card
    assert ">Call 0800 1111</a>" in card
    choose_country(client, "ca")
    canada = client.get("/card").text
    assert "Call 1-800-668-6868" in canada and "0800 1111" not in canada


def test_a_cookie_from_before_keeps_its_anywhere_choice() -> None:
    assert known_country("intl") == ANYWHERE
    assert known_country("xx") == "uk"
