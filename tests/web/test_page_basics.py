"""What every page has and the small things a newcomer notices: a favicon, a meta description,
one "choose all that apply", age bands that do not overlap, the film linked from home, and a
contact on the accessibility statement."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.app import create_app
from course.content.schema import AUDIENCE_LABELS, Catalogue, ChoiceItem
from course.settings import REPO_ROOT, Settings
from tests.pages import every_question, start_learner

ICON = re.compile(r'<link rel="icon" href="(/static/img/favicon\.svg[^"]*)" type="image/svg\+xml">')
DESCRIPTION = re.compile(r'<meta name="description" content="[^"]{50,160}">')


@pytest.mark.parametrize("path", ["/", "/start", "/help", "/accessibility", "/film", "/card"])
def test_every_page_links_a_favicon_that_is_served_and_has_a_description(
    client: TestClient, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert DESCRIPTION.search(page.text), "no meta description of 50 to 160 characters"
    icon = ICON.search(page.text)
    assert icon, "no favicon link"
    served = client.get(icon.group(1))
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("image/svg+xml")


def test_a_lesson_page_has_a_description_and_the_favicon(client: TestClient) -> None:
    page = client.get(start_learner(client))
    assert DESCRIPTION.search(page.text)
    assert ICON.search(page.text)


def test_multi_items_say_choose_all_that_apply_once(client: TestClient, app: FastAPI) -> None:
    catalogue = app.state.catalogue
    start_learner(client, "14-18")
    checked = 0
    for lesson in catalogue.lessons_for("14-18"):
        items = catalogue.quiz(lesson.quiz).items_for("14-18")
        multis = [i for i in items if isinstance(i, ChoiceItem) and i.type == "multi"]
        if not multis:
            continue
        page = every_question(client, app, lesson.slug)
        for item in multis:
            start = page.index(f'id="item-{item.id}-prompt"')
            form = page[start : page.index("</form>", start)]
            assert form.lower().count("all that apply") == 1, item.id
            checked += 1
    assert checked >= 5


def test_age_band_labels_do_not_overlap() -> None:
    assert AUDIENCE_LABELS == {"11-13": "11 to 13", "14-18": "14 to 18", "adult": "Adult (over 18)"}


def test_start_page_says_where_an_18_year_old_at_school_belongs(client: TestClient) -> None:
    page = client.get("/start").text
    assert "Adult (over 18)" in page
    assert "18+" not in page
    assert "If you are 18 and still at school or college, choose 14 to 18" in page


def test_home_page_links_the_film(client: TestClient) -> None:
    assert 'href="/film"' in client.get("/").text


def test_teachers_guide_links_the_film(client: TestClient) -> None:
    assert 'href="/film"' in client.get("/teachers/guide").text


def app_with(tmp_path: Path, catalogue: Catalogue, **overrides: str) -> FastAPI:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'course.db'}",
        secret_key=secrets.token_urlsafe(32),
        data_dir=tmp_path / "data",
        content_dir=REPO_ROOT,
        **overrides,  # type: ignore[arg-type]
    )
    return create_app(settings, catalogue=catalogue)


@pytest.mark.parametrize(
    ("contact", "link"),
    [
        ("access@example.org", '<a href="mailto:access@example.org">access@example.org</a>'),
        ("https://example.org/report", '<a href="https://example.org/report">'),
    ],
)
def test_accessibility_statement_shows_the_contact_from_the_setting(
    tmp_path: Path, catalogue: Catalogue, contact: str, link: str
) -> None:
    app = app_with(tmp_path, catalogue, accessibility_contact=contact)
    with TestClient(app) as client:
        page = client.get("/accessibility").text
    app.state.engine.dispose()
    assert link in page
    assert "tell the organisation that gave you the link" not in page


def test_accessibility_statement_without_a_contact_points_to_whoever_gave_the_link(
    client: TestClient,
) -> None:
    assert "tell the organisation that gave you the link" in client.get("/accessibility").text


@pytest.mark.parametrize(
    "contact", ["javascript:alert(1)", "http://example.org", "a@b.org?cc=x@y.org", "not an email"]
)
def test_an_accessibility_contact_must_be_an_email_or_an_https_page(contact: str) -> None:
    with pytest.raises(ValueError, match="accessibility contact"):
        Settings(accessibility_contact=contact)


def test_htmx_is_loaded_only_by_pages_that_use_it(client: TestClient, app: FastAPI) -> None:
    """A page with an hx- attribute loads htmx; the rest are 14 kB lighter without it."""
    start_learner(client, "14-18")
    lesson = next(lesson for lesson in app.state.catalogue.lessons_for("14-18") if lesson.quiz)
    quiz = f"/lessons/{lesson.slug}/quiz"
    uses = {quiz: True, f"{quiz}/summary": False, f"/lessons/{lesson.slug}": False}
    uses |= {path: False for path in ("/", "/help", "/card", "/film", "/privacy", "/complete")}
    for path, expected in uses.items():
        html = client.get(path).text
        assert (re.search(r"\shx-(?:post|get)=", html) is not None) is expected, path
        assert ("js/htmx.min.js" in html) is expected, path
