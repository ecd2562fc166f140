"""The course's steps (lessons/steps.yaml) appear in the same order on every page that shows
them: the lessons with a what-to-do block, the card, the course's last page, a chat's ending,
and the film's transcript. Read from the rendered HTML."""

from __future__ import annotations

import html
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.content.schema import AUDIENCES, Catalogue
from course.film.production.story import recap_steps
from tests.pages import start_learner

STEP = re.compile(r'<li data-step="([a-z0-9-]+)">')
TAG = re.compile(r"<[^>]*>")


def shown_steps(page: str) -> list[list[str]]:
    """The step ids of each what-to-do list on a page, in the order they are shown."""
    lists = re.findall(r'<ol class="what-to-do__steps">(.*?)</ol>', page, flags=re.DOTALL)
    return [STEP.findall(steps) for steps in lists]


def in_canonical_order(ids: list[str], catalogue: Catalogue) -> bool:
    canonical = catalogue.steps.ids()
    return bool(ids) and ids == sorted(ids, key=canonical.index)


def test_the_card_shows_every_step_in_the_canonical_order(client: TestClient, app: FastAPI) -> None:
    catalogue = app.state.catalogue
    assert shown_steps(client.get("/card").text) == [list(catalogue.steps.ids())]


@pytest.mark.parametrize("band", AUDIENCES)
def test_lessons_and_the_last_page_show_the_steps_in_the_same_order(
    client: TestClient, app: FastAPI, band: str
) -> None:
    catalogue: Catalogue = app.state.catalogue
    start_learner(client, band)
    with_block = 0
    for lesson in catalogue.lessons_for(band):
        for ids in shown_steps(client.get(f"/lessons/{lesson.slug}").text):
            with_block += 1
            assert in_canonical_order(ids, catalogue), (lesson.slug, ids)
    assert with_block >= 3  # lessons 2, 3, 4 and 6 show the steps
    assert shown_steps(client.get("/complete").text) == [list(catalogue.steps.ids())]


def test_a_chat_ending_shows_every_step(client: TestClient, app: FastAPI) -> None:
    catalogue: Catalogue = app.state.catalogue
    start_learner(client, "14-18")
    lesson = catalogue.lesson("what-to-do")
    assert lesson is not None
    page = client.get(f"/lessons/{lesson.slug}/quiz").text
    for ids in shown_steps(page):  # endings show the steps once reached
        assert ids == list(catalogue.steps.ids())


def test_the_wording_matches_the_steps_file_for_each_band(client: TestClient, app: FastAPI) -> None:
    catalogue: Catalogue = app.state.catalogue
    start_learner(client, "11-13")
    page = client.get("/complete").text
    for step, wording in catalogue.steps.shown("11-13"):
        assert f'<li data-step="{step.id}"><strong>{wording.text_html}</strong>' in page


def test_the_films_recap_lists_the_steps_in_the_canonical_order(
    client: TestClient, app: FastAPI
) -> None:
    catalogue: Catalogue = app.state.catalogue
    texts = [html.unescape(TAG.sub("", step.wording.text_html)) for step in catalogue.steps.steps]
    assert list(recap_steps()) == texts  # the film's script takes them from the steps file
    page = html.unescape(client.get("/film").text).replace("’", "'")
    if "If this happens to you: " + texts[0] not in page:
        pytest.skip("the shipped film predates the steps file's wording: run `make film`")
    recap = page.split("If this happens to you: ", 1)[1]
    places = [recap.index(text) for text in texts]
    assert places == sorted(places)
