"""The course's own look (issue 12, build 5): every lesson has its drawing and every step its
icon, and every image a page shows is one of ours, served from /static, small and inert."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from course.content.schema import Catalogue
from course.settings import REPO_ROOT
from tests.pages import start_learner

STATIC = REPO_ROOT / "static"
IMG = STATIC / "img"
CSS = (STATIC / "css" / "course.css").read_text(encoding="utf-8")
BANDS = ("11-13", "14-18", "adult")
IMG_TAG = re.compile(r"<img\b[^>]*>")
SVG = "{http://www.w3.org/2000/svg}"


def attribute(tag: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    return match.group(1) if match else None


def item_page(client: TestClient, slug: str, item_id: str) -> str:
    """The page that shows a quiz item: its own page, or the whole quiz where there is none."""
    page = client.get(f"/lessons/{slug}/quiz/{item_id}")
    if page.status_code != 200:
        page = client.get(f"/lessons/{slug}/quiz")
    assert page.status_code == 200
    assert f'id="item-{item_id}"' in page.text
    return page.text


def learner_pages(client: TestClient, catalogue: Catalogue, band: str) -> dict[str, str]:
    """Every page a learner of this band sees, with every quiz item on one of them."""
    start_learner(client, band)
    paths = ["/", "/start", "/card", "/help", "/privacy", "/accessibility", "/film", "/complete"]
    pages = {path: client.get(path).text for path in paths}
    for lesson in catalogue.lessons_for(band):
        pages[f"/lessons/{lesson.slug}"] = client.get(f"/lessons/{lesson.slug}").text
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        if quiz:
            for item in quiz.items_for(band):
                pages[f"{lesson.slug}#{item.id}"] = item_page(client, lesson.slug, item.id)
    return pages


def test_every_lesson_has_its_own_drawing_beside_its_title(
    client: TestClient, catalogue: Catalogue
) -> None:
    start_learner(client, "adult")
    for lesson in catalogue.lessons:
        drawing = IMG / "lessons" / f"{lesson.slug}.svg"
        assert drawing.is_file(), f"{lesson.file}: no drawing at {drawing.relative_to(REPO_ROOT)}"
        page = client.get(f"/lessons/{lesson.slug}").text
        tags = [tag for tag in IMG_TAG.findall(page) if 'class="lesson__art"' in tag]
        assert len(tags) == 1, lesson.slug
        src = attribute(tags[0], "src") or ""
        assert src.startswith(f"/static/img/lessons/{lesson.slug}.svg?v="), src
        assert (attribute(tags[0], "alt") or "").startswith("Drawing: "), lesson.slug
        assert page.index('class="lesson__art"') < page.index("<h1>"), "it floats beside the title"


def step_ids(catalogue: Catalogue) -> list[str]:
    return [step.id for step in catalogue.steps.steps]


def test_every_step_has_its_icon_in_the_sprite_in_the_steps_order(catalogue: Catalogue) -> None:
    sprite = ElementTree.parse(IMG / "steps.svg").getroot()
    icons = sprite.findall(f"{SVG}g")
    assert [icon.get("id") for icon in icons] == step_ids(catalogue), (
        "static/img/steps.svg needs one icon a step, in the order of lessons/steps.yaml"
    )
    assert sprite.get("viewBox") == f"0 0 {24 * len(icons)} 24"
    for number, icon in enumerate(icons):
        assert icon.get("transform") == f"translate({number * 24} 0)", icon.get("id")


def test_course_css_shows_each_step_its_own_icon(catalogue: Catalogue) -> None:
    """One rule a step, at its place along the sprite; the first is at 0 (no rule needed)."""
    ids = step_ids(catalogue)
    for number, step in enumerate(ids[1:], start=1):
        place = f"{number * 100 / (len(ids) - 1):g}%"
        rule = f'[data-step="{step}"]::before {{ background-position-x: {place}; }}'
        assert f".what-to-do__steps {rule}" in CSS, f"static/css/course.css lacks: {rule}"


def test_the_sprite_url_in_course_css_changes_with_the_sprite() -> None:
    """The sprite is cached for a year like every versioned file, so its ?v= must be its hash."""
    version = hashlib.sha256((IMG / "steps.svg").read_bytes()).hexdigest()[:10]
    assert re.findall(r"url\(\.\./img/steps\.svg\?v=(\w+)\)", CSS) == [version], (
        f"set the sprite's URL in static/css/course.css to ../img/steps.svg?v={version}"
    )


def test_what_to_do_blocks_mark_each_step_for_its_icon(
    client: TestClient, catalogue: Catalogue
) -> None:
    """The card, the last page and the lessons' blocks all give each step its data-step."""
    start_learner(client, "14-18")
    for path in ["/card", "/complete", "/lessons/what-to-do"]:
        page = client.get(path).text
        block = page[page.index('class="what-to-do__steps"') :]
        block = block[: block.index("</ol>")]
        assert re.findall(r'<li data-step="([\w-]+)"', block) == step_ids(catalogue), path


@pytest.mark.parametrize("band", BANDS)
def test_every_image_a_page_shows_is_ours_served_and_described(
    client: TestClient, catalogue: Catalogue, band: str
) -> None:
    """Every <img> on every learner page comes from /static (nothing from elsewhere), exists,
    is served as an image, and has an alt: words where it says something, "" where decorative."""
    served: set[str] = set()
    for where, page in learner_pages(client, catalogue, band).items():
        for tag in IMG_TAG.findall(page):
            src = attribute(tag, "src") or ""
            assert src.startswith("/static/"), f"{where}: {tag}"
            assert attribute(tag, "alt") is not None, f"{where}: an image without alt: {tag}"
            served.add(src)
    assert any("/img/lessons/" in src for src in served)
    for src in sorted(served):
        response = client.get(src)
        assert response.status_code == 200, src
        assert response.headers["content-type"].startswith("image/"), src
        assert "immutable" in response.headers["cache-control"], src


def test_course_css_loads_only_our_own_images(client: TestClient) -> None:
    urls = re.findall(r"url\(([^)]+)\)", CSS)
    assert urls, "the step icons come from the stylesheet"
    for url in urls:
        assert url.startswith("../img/"), url
        path = "/static/" + url.removeprefix("../").split("?")[0]
        assert client.get(path).status_code == 200, url


SVG_FILES = sorted(IMG.rglob("*.svg"))


@pytest.mark.parametrize("path", SVG_FILES, ids=[str(p.relative_to(IMG)) for p in SVG_FILES])
def test_our_drawings_are_small_and_inert(path: Path) -> None:
    """Hand-made SVG: a few kB, no script, no style (the CSP), nothing loaded from elsewhere."""
    text = path.read_text(encoding="utf-8")
    assert len(text.encode()) < 4_000, f"{path.name} is {len(text.encode())} B"
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg"
    for element in root.iter():
        name = element.tag.removeprefix(SVG)
        assert name not in ("script", "style", "foreignObject", "image", "use"), name
        assert "style" not in element.attrib, path.name
        assert not any(key.startswith("on") for key in element.attrib), path.name
        assert not any("href" in key for key in element.attrib), path.name


def test_the_header_shows_the_course_mark(client: TestClient) -> None:
    page = client.get("/").text
    marks = [tag for tag in IMG_TAG.findall(page) if 'class="site-name__mark"' in tag]
    assert len(marks) == 1
    assert attribute(marks[0], "alt") == "", "the link's words name it: the mark is decorative"
    assert (attribute(marks[0], "src") or "").startswith("/static/img/favicon.svg?v=")
