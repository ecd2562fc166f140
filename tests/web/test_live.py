"""Live sessions through the pages, on SQLite and PostgreSQL: the teacher's projector leads, the
pupils' devices follow, and only shares are shown, once k have answered."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from course.db import read_session
from course.live.models import LiveAnswer, LiveDevice, LiveHelp, LiveSession
from course.live.steps import Step, running_order
from course.schools.classes import shown_code
from course.schools.models import SchoolClass
from course.settings import Settings
from tests.browser.helpers import serve
from tests.pages import csrf_token
from tests.schools import class_of, sign_in_teacher

BAND = "14-18"
SEEN = re.compile(r'name="seen" value="(\d+)"')
PRESS = re.compile(r'name="press" value="([0-9a-f]{32})"')


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"stats_min_group": 5})


@pytest.fixture
def room(app: FastAPI, client: TestClient) -> tuple[TestClient, SchoolClass]:
    """A signed-in teacher on `client`, with a class of 14 to 18 year olds."""
    who = sign_in_teacher(client, app)
    return client, class_of(app, who, band=BAND)


@pytest.fixture
def pupils(app: FastAPI, room: tuple[TestClient, SchoolClass]) -> Iterator[list[TestClient]]:
    """Five devices that have joined the class with its code."""
    _, school_class = room
    devices = []
    for _ in range(5):
        device = TestClient(app, follow_redirects=False)
        code = shown_code(school_class.join_code)
        token = csrf_token(device, f"/join/{code}")
        assert device.post(f"/join/{code}", data={"csrf_token": token}).status_code == 303
        devices.append(device)
    yield devices
    for device in devices:
        device.close()


def projector(client: TestClient, class_id: int) -> str:
    page = client.get(f"/teachers/live/{class_id}")
    assert page.status_code == 200, page.text
    return page.text


def press(client: TestClient, class_id: int, control: str, **extra: object) -> None:
    page = projector(client, class_id)
    seen = SEEN.search(page)
    assert seen, "no controls on the projector"
    data = {"csrf_token": csrf_token(client, f"/teachers/live/{class_id}"), "seen": seen.group(1)}
    response = client.post(f"/teachers/live/{class_id}/{control}", data={**data, **extra})
    assert response.status_code == 303, response.text


def start(client: TestClient, class_id: int) -> None:
    token = csrf_token(client, f"/teachers/live/{class_id}")
    response = client.post(f"/teachers/live/{class_id}/start", data={"csrf_token": token})
    assert response.status_code == 303


def first_question(app: FastAPI) -> int:
    order = running_order(app.state.catalogue, BAND)
    return next(i for i, step in enumerate(order) if step.kind == "question")


def start_at_first_question(app: FastAPI, teacher: TestClient, class_id: int) -> Step:
    """Start the class's session and go to the first question (by "Go to a lesson"'s form)."""
    start(teacher, class_id)
    index = first_question(app)
    press(teacher, class_id, "go", step=index)
    return running_order(app.state.catalogue, BAND)[index]


def answer(device: TestClient, step_key: str, *choices: str) -> int:
    token = csrf_token(device, "/live")
    data = {"csrf_token": token, "step": step_key, "choice": list(choices)}
    return device.post("/live/answer", data=data).status_code


def count(app: FastAPI, model: type) -> int:
    with read_session(app.state.engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_pupils_follow_the_teachers_step_and_cannot_run_ahead(
    app: FastAPI, room: tuple[TestClient, SchoolClass], pupils: list[TestClient]
) -> None:
    teacher, school_class = room
    assert "Waiting for your teacher" in pupils[0].get("/live").text
    start(teacher, school_class.id)
    order = running_order(app.state.catalogue, BAND)
    assert "Step 1 of" in pupils[0].get("/live").text
    press(teacher, school_class.id, "next")
    for device in pupils:
        page = device.get("/live").text
        assert f"Step 2 of {len(order)}" in page
        assert order[1].heading_html in page
    press(teacher, school_class.id, "previous")
    assert "Step 1 of" in pupils[3].get("/live").text
    assert 'action="/teachers/live' not in pupils[3].get("/live").text  # no controls


def test_a_double_click_on_next_moves_one_step(
    app: FastAPI, room: tuple[TestClient, SchoolClass], pupils: list[TestClient]
) -> None:
    teacher, school_class = room
    start(teacher, school_class.id)
    page = projector(teacher, school_class.id)
    seen = SEEN.search(page)
    assert seen
    token = csrf_token(teacher, f"/teachers/live/{school_class.id}")
    for _ in range(2):
        data = {"csrf_token": token, "seen": seen.group(1)}
        teacher.post(f"/teachers/live/{school_class.id}/next", data=data)
    assert "Step 2 of" in pupils[0].get("/live").text


def test_answers_show_as_shares_only_once_k_have_answered(
    app: FastAPI, room: tuple[TestClient, SchoolClass], pupils: list[TestClient]
) -> None:
    teacher, school_class = room
    step = start_at_first_question(app, teacher, school_class.id)
    assert step.poll is not None
    right = next(o.id for o in step.poll.options if o.right)
    for device in pupils[:4]:
        assert answer(device, step.key, right) == 303
    assert answer(pupils[0], step.key, right) == 303  # again: still one answer
    assert count(app, LiveAnswer) == 4
    assert "4</strong> answered" in projector(teacher, school_class.id)
    press(teacher, school_class.id, "reveal")
    assert "Waiting for more answers" in projector(teacher, school_class.id)
    assert "How the class answered" not in pupils[4].get("/live").text
    assert answer(pupils[4], step.key, right) == 303  # the fifth: now shown, to everyone
    for page in (projector(teacher, school_class.id), pupils[1].get("/live").text):
        assert "How the class answered" in page
        assert "all or nearly all" in page
        shares = set(re.findall(r'live-result__share">([^<]+)<', page))
        assert shares <= {"all or nearly all", "none or almost none"}, shares  # never counts
    assert answer(pupils[2], step.key, right) == 409  # closed once shown


def test_a_wrong_answer_form_says_what_to_do_and_a_late_one_is_not_kept(
    app: FastAPI, room: tuple[TestClient, SchoolClass], pupils: list[TestClient]
) -> None:
    teacher, school_class = room
    step = start_at_first_question(app, teacher, school_class.id)
    token = csrf_token(pupils[0], "/live")
    empty = pupils[0].post("/live/answer", data={"csrf_token": token, "step": step.key})
    assert empty.status_code == 422
    assert "Choose an answer first." in empty.text
    assert 'aria-describedby="live-answer-error"' in empty.text
    assert answer(pupils[0], step.key, "no-such-option") == 422
    assert answer(pupils[0], "q/another", "a") == 409
    assert count(app, LiveAnswer) == 0


def test_asking_to_talk_shows_help_and_the_teacher_only_a_count_when_they_move_on(
    app: FastAPI, room: tuple[TestClient, SchoolClass], pupils: list[TestClient]
) -> None:
    teacher, school_class = room
    start(teacher, school_class.id)
    page = pupils[2].get("/live").text
    found = PRESS.search(page)
    assert found
    data = {"csrf_token": csrf_token(pupils[2], "/live"), "press": found.group(1)}
    for _ in range(2):  # a double click
        response = pupils[2].post("/live/help", data=data)
        assert response.headers["location"] == "/live/help"
    assert "Someone to talk to" in pupils[2].get("/live/help").text
    assert count(app, LiveHelp) == 1
    assert '<strong class="live-count__figure">0</strong> would like' in projector(
        teacher, school_class.id
    )
    press(teacher, school_class.id, "next")
    shown = projector(teacher, school_class.id)
    assert '<strong class="live-count__figure">1</strong> would like' in shown
    with read_session(app.state.engine) as session:
        columns = set(LiveHelp.__table__.columns.keys())  # type: ignore[attr-defined]
        assert columns == {"session_id", "press"}  # nothing of the device
        assert session.scalar(select(func.count()).select_from(LiveHelp)) == 1


def test_devices_are_counted_once_and_ending_keeps_nothing(
    app: FastAPI, room: tuple[TestClient, SchoolClass], pupils: list[TestClient]
) -> None:
    teacher, school_class = room
    start(teacher, school_class.id)
    for device in pupils:
        device.get("/live")
        device.get("/live")
    assert count(app, LiveDevice) == 5
    assert "5</strong> devices here" in projector(teacher, school_class.id)
    assert "End the live session?" in teacher.get(f"/teachers/live/{school_class.id}/end").text
    token = csrf_token(teacher, f"/teachers/live/{school_class.id}")
    response = teacher.post(f"/teachers/live/{school_class.id}/end", data={"csrf_token": token})
    assert response.status_code == 303
    assert "has ended" in teacher.get(response.headers["location"]).text
    for model in (LiveSession, LiveDevice, LiveAnswer, LiveHelp):
        assert count(app, model) == 0
    assert "Waiting for your teacher" in pupils[0].get("/live").text


def test_only_the_classs_school_reaches_its_projector(
    app: FastAPI, room: tuple[TestClient, SchoolClass]
) -> None:
    _, school_class = room
    with TestClient(app, follow_redirects=False) as other:
        sign_in_teacher(other, app)  # another school's admin
        assert other.get(f"/teachers/live/{school_class.id}").status_code == 404
        token = csrf_token(other, "/teachers/classes")
        data = {"csrf_token": token, "seen": "1"}
        assert other.post(f"/teachers/live/{school_class.id}/start", data=data).status_code == 404
        assert other.post(f"/teachers/live/{school_class.id}/next", data=data).status_code == 404
    with TestClient(app, follow_redirects=False) as nobody:
        response = nobody.get(f"/teachers/live/{school_class.id}")
        assert response.status_code == 303


def test_a_device_outside_a_class_is_asked_to_join_first(client: TestClient) -> None:
    page = client.get("/live")
    assert page.status_code == 200
    assert "join your class first" in page.text


def first_events(client: httpx.Client, path: str, wanted: int, into: list[tuple[str, str]]) -> None:
    """Read a stream until it has sent `wanted` events: (event, id) of each, into `into`."""
    with client.stream("GET", path, timeout=STREAM_TIMEOUT_SECONDS) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"  # proxies must not hold it back
        event = ""
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("id:"):
                into.append((event, line.split(":", 1)[1].strip()))
                if len(into) >= wanted:
                    return


STREAM_TIMEOUT_SECONDS = 20.0  # generous: this says the event arrives, not how fast


def test_the_streams_send_the_step_at_once_and_again_at_every_change(
    app: FastAPI, room: tuple[TestClient, SchoolClass], pupils: list[TestClient]
) -> None:
    teacher, school_class = room
    start(teacher, school_class.id)
    with serve(app) as server:
        base = f"http://127.0.0.1:{server.port}"
        pupil = httpx.Client(base_url=base, cookies=dict(pupils[0].cookies.items()))
        projector_client = httpx.Client(base_url=base, cookies=dict(teacher.cookies.items()))
        steps: list[tuple[str, str]] = []
        counts: list[tuple[str, str]] = []
        readers = [
            threading.Thread(target=first_events, args=(pupil, "/live/events", 2, steps)),
            threading.Thread(
                target=first_events,
                args=(projector_client, f"/teachers/live/{school_class.id}/events", 1, counts),
            ),
        ]
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + STREAM_TIMEOUT_SECONDS
        while not steps and time.monotonic() < deadline:
            time.sleep(0.05)
        press(teacher, school_class.id, "next")
        for reader in readers:
            reader.join(STREAM_TIMEOUT_SECONDS)
        pupil.close()
        projector_client.close()
    assert [event for event, _ in steps] == ["step", "step"]
    session, version = steps[0][1].split(".")
    assert steps[1][1] == f"{session}.{int(version) + 1}"
    assert counts and counts[0][0] == "counts"


def test_no_names_points_scores_timers_or_leaderboards_in_a_live_session(
    app: FastAPI, room: tuple[TestClient, SchoolClass], pupils: list[TestClient]
) -> None:
    """On the projector and a pupil's device at a question once the class's answers show:
    shares only, nothing ranked, nothing timed."""
    teacher, school_class = room
    step = start_at_first_question(app, teacher, school_class.id)
    assert step.poll is not None
    for device in pupils:
        answer(device, step.key, step.poll.options[0].id)
    press(teacher, school_class.id, "reveal")
    for page in (projector(teacher, school_class.id), pupils[0].get("/live").text):
        assert "How the class answered" in page
        assert "<progress" not in page and "<meter" not in page
        found = re.search(r"leaderboard|\bpoints\b|\bscore|\btimer|countdown", page, re.I)
        assert not found, page[found.start() - 200 : found.end() + 50] if found else ""
