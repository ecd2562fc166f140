"""A live session across two real server processes on one PostgreSQL database.

Each `course serve` process keeps its own LISTEN connection and fans changes out to its own
streams, so a pupil whose stream another process serves must still follow the teacher: the
NOTIFY sent inside the teacher's write is what carries the step from one process to the other.
The in-process tests (tests/web/test_live.py) cannot show this: they have one process.
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from course.db import create_db_engine, write_session
from course.learning.identity import LearnerCookie, encode_cookie
from course.learning.progress import create_learner
from course.migrations.run import upgrade
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class
from course.schools.sessions import start_session
from course.security.cookies import CookieNames
from course.settings import REPO_ROOT
from tests.conftest import POSTGRES_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="COURSE_TEST_DATABASE_URL is not set"),
]

BAND = "14-18"
HOST = "127.0.0.1"
# What `course serve` runs (course/cli.py), without its content check: create_app checks too.
UVICORN = [
    sys.executable, "-m", "uvicorn", "course.app:create_app", "--factory",
    "--http", "course.serving:SafeHttpToolsProtocol", "--no-access-log", "--no-server-header",
    "--no-proxy-headers", "--host", HOST,
    # An open stream never ends by itself, so without this uvicorn waits for it at shutdown.
    "--timeout-graceful-shutdown", "2",
]  # fmt: skip
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="(\d+)"')
EVENT = re.compile(r'data-live-event="([0-9.]+)"')
STARTED_WITHIN = 30.0  # seconds a process may take to answer its first request
ARRIVES_WITHIN = 10.0  # generous: the step normally arrives in milliseconds
NAMES = CookieNames.for_site(secure=False)


@dataclass(frozen=True)
class Room:
    class_id: int
    teacher_session: str
    learner_cookie: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh schema in the test database, migrated; dropped afterwards."""
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def make_room(url: str, secret: str) -> Room:
    """A school, a signed-in teacher, their class and one pupil in it, written directly."""
    engine = create_db_engine(url)
    try:
        with write_session(engine) as session:
            school = create_school("Hillside Academy", session=session)
            email = f"teacher-{secrets.token_hex(4)}@example.org"
            teacher = add_teacher(
                school.id, "Ms Khan", email, "not-a-hash", session=session, is_admin=True,
                email_confirmed=True,
            )  # fmt: skip
            viewer = Viewer(teacher.id, school.id, True)
            school_class = create_class(viewer, "Year 10 Green", BAND, session=session)
            teacher_session = start_session(teacher.id, two_factor_done=True, session=session)
            token, _ = create_learner(BAND, session=session, class_id=school_class.id)
        cookie = encode_cookie(LearnerCookie(token=token), secret)
        assert school_class.id is not None
        return Room(school_class.id, teacher_session, cookie)
    finally:
        engine.dispose()


@pytest.fixture
def servers(database: str, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """Two server processes (uvicorn, as `course serve` runs it) on the same database and
    secret; their base URLs."""
    secret = secrets.token_urlsafe(32)
    env = {key: value for key, value in os.environ.items() if not key.startswith("COURSE_")}
    env |= {
        "COURSE_DATABASE_URL": database,
        "COURSE_SECRET_KEY": secret,
        "COURSE_DATA_DIR": str(tmp_path / "data"),
        "COURSE_CONTENT_DIR": str(REPO_ROOT),
    }
    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for name in ("a", "b"):
            port = free_port()
            with (tmp_path / f"{name}.log").open("wb") as log:
                command = [*UVICORN, "--port", str(port)]
                processes.append(
                    subprocess.Popen(
                        command, env=env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
                    )
                )
            bases.append(f"http://{HOST}:{port}")
        for process, base in zip(processes, bases, strict=True):
            wait_until_up(process, base)
        yield bases[0], bases[1], secret
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + STARTED_WITHIN
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server at {base} stopped"
        try:
            httpx.get(f"{base}/", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"the server at {base} did not answer within {STARTED_WITHIN} s")


def follow(
    client: httpx.Client, events: queue.Queue[tuple[str, str]], stop: threading.Event
) -> None:
    """Read the pupil's stream, putting each step event (id, data) on the queue."""
    try:
        read_stream(client, events, stop)
    except httpx.HTTPError:
        if not stop.is_set():
            raise


def read_stream(
    client: httpx.Client, events: queue.Queue[tuple[str, str]], stop: threading.Event
) -> None:
    with client.stream("GET", "/live/events", timeout=httpx.Timeout(5.0, read=None)) as stream:
        assert stream.status_code == 200
        event_id, data = "", []
        for line in stream.iter_lines():
            if stop.is_set():
                return
            if line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif not line and event_id:
                events.put((event_id, "\n".join(data)))
                event_id, data = "", []


def next_event(events: queue.Queue[tuple[str, str]], after: str) -> tuple[str, str]:
    """The first step event whose id is not `after` (an event repeating it is skipped)."""
    deadline = time.monotonic() + ARRIVES_WITHIN
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no step after {after} reached the pupil within {ARRIVES_WITHIN} s"
        try:
            event = events.get(timeout=left)
        except queue.Empty:
            continue
        if event[0] != after:
            return event


def press(teacher: httpx.Client, class_id: int, control: str) -> None:
    page = teacher.get(f"/teachers/live/{class_id}")
    assert page.status_code == 200, page.text
    token = CSRF_INPUT.search(page.text)
    assert token
    data = {"csrf_token": token.group(1)}
    seen = SEEN.search(page.text)
    if seen:
        data["seen"] = seen.group(1)
    response = teacher.post(f"/teachers/live/{class_id}/{control}", data=data)
    assert response.status_code == 303, response.text


def test_a_pupil_on_one_process_follows_a_teacher_on_another(
    database: str, servers: tuple[str, str, str]
) -> None:
    base_a, base_b, secret = servers
    room = make_room(database, secret)
    teacher = httpx.Client(base_url=base_a, cookies={NAMES.teacher: room.teacher_session})
    pupil = httpx.Client(base_url=base_b, cookies={NAMES.learner: room.learner_cookie})
    events: queue.Queue[tuple[str, str]] = queue.Queue()
    stop = threading.Event()
    reader = threading.Thread(target=follow, args=(pupil, events, stop), daemon=True)
    try:
        reader.start()
        waiting, _ = next_event(events, after="")  # the stream's first event: no session yet
        assert waiting == "0.0"

        press(teacher, room.class_id, "start")
        started, first_html = next_event(events, after=waiting)
        press(teacher, room.class_id, "next")
        moved, second_html = next_event(events, after=started)
        press(teacher, room.class_id, "next")
        moved_again, third_html = next_event(events, after=moved)

        live_id = started.split(".")[0]
        assert [event.split(".")[0] for event in (moved, moved_again)] == [live_id, live_id]
        assert len({first_html, second_html, third_html}) == 3
        assert "Step 3 of" in third_html

        page = pupil.get("/live")  # the page from process B shows where A moved the class
        assert page.status_code == 200
        assert EVENT.findall(page.text) == [moved_again]
        assert "Step 3 of" in page.text
    finally:
        stop.set()
        pupil.close()  # ends the stream; the reader thread is a daemon either way
        teacher.close()
        reader.join(5)
