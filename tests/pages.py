"""Driving the app's pages from web tests, as a browser would."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: TestClient, path: str = "/start") -> str:
    """The CSRF token of a page's forms (fetching the page sets the cookie)."""
    match = CSRF_INPUT.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def start_learner(client: TestClient, age_band: str = "14-18") -> str:
    """Start the course in an age band; returns where the course sent the learner."""
    token = csrf_token(client)
    response = client.post("/start", data={"age_band": age_band, "csrf_token": token})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def every_question(client: TestClient, app: FastAPI, slug: str, age_band: str = "14-18") -> str:
    """Every question page of a lesson's quiz, one after another: all its items, as the quiz's
    single page showed them before it showed one question at a time."""
    catalogue = app.state.catalogue
    quiz = catalogue.quiz(catalogue.lesson(slug).quiz)
    paths = (f"/lessons/{slug}/quiz/{item.id}" for item in quiz.items_for(age_band))
    return "\n".join(client.get(path).text for path in paths)
