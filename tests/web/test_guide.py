"""The teacher's guide: session plan, disclosure steps, helplines and links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

GUIDE = "/teachers/guide"


class GuideParser(HTMLParser):
    """Collects the links, and the cells of the session plan's body rows."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.h1: list[str] = []
        self.plan_rows: list[list[str]] = []
        self._in_h1 = False
        self._in_plan = False
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a":
            self.links.append(attributes)
        elif tag == "h1":
            self._in_h1 = True
        elif tag == "table" and "teachers-guide__plan" in attributes.get("class", ""):
            self._in_plan = True
        elif self._in_plan and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.plan_rows.append([])
        elif self._in_body and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        elif tag == "table":
            self._in_plan = False
        elif tag == "tbody":
            self._in_body = False
        elif self._cell is not None and tag in ("td", "th"):
            self.plan_rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data)
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def guide(client: TestClient) -> tuple[str, GuideParser]:
    response = client.get(GUIDE)
    assert response.status_code == 200
    parser = GuideParser()
    parser.feed(response.text)
    return response.text, parser


def test_guide_has_its_heading_and_title(guide: tuple[str, GuideParser]) -> None:
    html, parser = guide
    assert "".join(parser.h1).strip() == "Teacher’s guide"
    assert "<title>Teacher’s guide" in html
    assert 'href="#disclosure"' in html  # the way in for a teacher who needs it now


def test_session_plan_minutes_add_up_to_fifty(guide: tuple[str, GuideParser]) -> None:
    _, parser = guide
    assert len(parser.plan_rows) >= 6
    minutes = []
    for row in parser.plan_rows:
        match = re.fullmatch(r"(\d+) min", row[0])
        assert match, f"no minutes in the first cell of {row}"
        minutes.append(int(match.group(1)))
    assert sum(minutes) == 50
    activities = " ".join(row[1] for row in parser.plan_rows).lower()
    for activity in ("ground rules", "baseline", "discussion", "help", "plenary", "closing"):
        assert activity in activities


def test_plan_table_has_a_caption_and_scoped_headers(guide: tuple[str, GuideParser]) -> None:
    html, _ = guide
    assert "<caption" in html
    assert '<th scope="col">Time</th>' in html
    assert '<th scope="row">' in html
    assert "style=" not in html


def test_disclosure_section_says_never_view_and_tell_the_dsl(
    guide: tuple[str, GuideParser],
) -> None:
    html, _ = guide
    assert 'id="disclosure"' in html
    disclosure = html[html.index('id="disclosure"') :]
    disclosure = disclosure[: disclosure.index("</section>")]
    assert "never view" in disclosure.lower()
    assert "designated safeguarding lead" in disclosure.lower()
    assert "DSL" in disclosure
    assert "UKCIS" in disclosure
    assert "Report Remove" in disclosure
    assert "CEOP" in disclosure


def test_guide_gives_childline_and_samaritans(guide: tuple[str, GuideParser]) -> None:
    html, _ = guide
    assert "0800 1111" in html
    assert "116 123" in html


def test_every_lesson_is_linked(guide: tuple[str, GuideParser], app: FastAPI) -> None:
    _, parser = guide
    hrefs = {link.get("href") for link in parser.links}
    lessons = app.state.catalogue.lessons
    assert lessons
    for lesson in lessons:
        assert f"/lessons/{lesson.slug}" in hrefs, lesson.slug


def test_every_external_link_has_noreferrer(guide: tuple[str, GuideParser]) -> None:
    _, parser = guide
    external = [link for link in parser.links if link.get("href", "").startswith("http")]
    assert len(external) >= 6
    for link in external:
        assert link["href"].startswith("https://"), link["href"]
        assert "noreferrer" in link.get("rel", "").split(), link["href"]


def section(html: str, anchor: str) -> str:
    """The text of the guide's section whose heading has this id."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_every_link_within_the_page_finds_its_target(guide: tuple[str, GuideParser]) -> None:
    html, parser = guide
    targets = [link["href"][1:] for link in parser.links if link.get("href", "").startswith("#")]
    assert "parents" in targets and "signs" in targets  # the contents list names the new parts
    for target in targets:
        assert f'id="{target}"' in html, target


def test_parents_section_has_a_letter_with_the_campaigns_advice(
    guide: tuple[str, GuideParser],
) -> None:
    html, _ = guide
    letter = section(html, "parent-letter").replace("’", "'")
    for words in (
        "Dear parent or carer",
        "never the child's fault",
        "Don't pay",
        "Stop contact",
        "Keep the evidence",
        "Never ask your child to show or send you the images",
        "CEOP Safety Centre",
        "Report Remove",
        "Take It Down",
        "0800 1111",
        "Signs to look out for",
        "[name and contact of the designated safeguarding lead]",
    ):
        assert words in letter, words
    # Printed on paper, a link is lost: every service in the letter gives its address in words.
    assert "<a " not in letter
    for address in ("ceop.police.uk/Safety-Centre", "childline.org.uk", "takeitdown.ncmec.org"):
        assert address in letter, address


def test_guide_lists_the_signs_that_a_young_person_may_be_targeted(
    guide: tuple[str, GuideParser],
) -> None:
    html, _ = guide
    signs = section(html, "signs").lower()
    for sign in ("after using their phone", "withdrawing", "secretive", "gift cards", "trapped"):
        assert sign in signs, sign
    assert 'href="#disclosure"' in signs


def test_guide_covers_bereaved_and_send_pupils(guide: tuple[str, GuideParser]) -> None:
    html, _ = guide
    care = section(html, "extra-care").replace("’", "'")
    assert "bereaved by suicide" in care
    assert "pastoral lead" in care and "family" in care
    assert "sit out" in care
    assert "Samaritans" in care
    assert "SEND" in care and "SENCo" in care


def test_guide_names_northern_irelands_own_agencies(guide: tuple[str, GuideParser]) -> None:
    html, _ = guide
    nations = section(html, "nations")
    assert "Northern Ireland" in nations
    assert "PSNI" in nations
    assert "Designated Teacher for Child Protection" in nations
    assert "Report Fraud" in nations
    assert "Police Scotland" in nations
    assert "Northern Ireland" in section(html, "disclosure")


def test_guide_describes_the_com_network_pattern_with_its_source(
    guide: tuple[str, GuideParser],
) -> None:
    html, _ = guide
    com = section(html, "com-networks")
    assert "National Crime Agency" in com and "2025" in com
    assert "money" in com
    assert "DSL" in com


def test_guide_never_names_action_fraud(guide: tuple[str, GuideParser]) -> None:
    html, _ = guide
    assert "Action Fraud" not in html
