"""A live session, and the rate limits, across two real server processes on one PostgreSQL
database.

Each `course serve` process keeps its own LISTEN connection and fans changes out to its own
streams, so a pupil whose stream another process serves must still follow the teacher: the
NOTIFY sent inside the teacher's write is what carries the step from one process to the other.
The in-process tests (tests/web/test_live.py) cannot show this: they have one process.
Nor can they show that a guesser gains nothing by spreading guesses over processes.
"""

from __future__ import annotations

import queue
import re
import secrets
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from course.security.cookies import CookieNames
from tests.conftest import POSTGRES_URL
from tests.live_servers import HOST, make_room, postgres_schema, press, server_processes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="COURSE_TEST_DATABASE_URL is not set"),
]

EVENT = re.compile(r'data-live-event="([0-9.]+)"')
ARRIVES_WITHIN = 10.0  # generous: the step normally arrives in milliseconds
NAMES = CookieNames.for_site(secure=False)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A fresh schema in the test database, migrated; dropped afterwards."""
    with postgres_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture(scope="module")
def servers(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, str]]:
    """Two server processes (uvicorn, as `course serve` runs it) on the same database and
    secret, for the module's tests (each writes a class of its own); their base URLs and the
    secret."""
    secret = secrets.token_urlsafe(32)
    with server_processes(database, secret, 2, tmp_path_factory.mktemp("servers")) as ports:
        base_a, base_b = (f"http://{HOST}:{port}" for port in ports)
        yield base_a, base_b, secret


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


def test_pupils_on_either_process_follow_a_teacher_on_one_of_them(
    database: str, servers: tuple[str, str, str]
) -> None:
    base_a, base_b, secret = servers
    room = make_room(database, secret, pupils=2)
    teacher = httpx.Client(base_url=base_a, cookies={NAMES.teacher: room.teacher_session})
    pupils = [  # one on the teacher's process, one on the other
        httpx.Client(base_url=base, cookies={NAMES.learner: cookie})
        for base, cookie in zip((base_b, base_a), room.learner_cookies, strict=True)
    ]
    streams: list[queue.Queue[tuple[str, str]]] = [queue.Queue() for _ in pupils]
    stop = threading.Event()
    readers = [
        threading.Thread(target=follow, args=(pupil, events, stop), daemon=True)
        for pupil, events in zip(pupils, streams, strict=True)
    ]
    try:
        for reader in readers:
            reader.start()
        for events in streams:  # each stream's first event: no session yet
            assert next_event(events, after="")[0] == "0.0"

        press(teacher, room.class_id, "start")
        started = [next_event(events, after="0.0") for events in streams]
        press(teacher, room.class_id, "next")
        moved = [next_event(events, after=s[0]) for events, s in zip(streams, started, strict=True)]
        press(teacher, room.class_id, "next")
        again = [next_event(events, after=m[0]) for events, m in zip(streams, moved, strict=True)]

        for first, second, third in zip(started, moved, again, strict=True):
            live_id = first[0].split(".")[0]
            assert [event.split(".")[0] for event, _ in (second, third)] == [live_id, live_id]
            assert len({first[1], second[1], third[1]}) == 3
            assert "Step 3 of" in third[1]
        assert again[0] == again[1]  # both processes drew the same step, under the same id

        page = pupils[0].get("/live")  # the page from process B shows where A moved the class
        assert page.status_code == 200
        assert EVENT.findall(page.text) == [again[0][0]]
        assert "Step 3 of" in page.text
    finally:
        stop.set()
        for pupil in pupils:
            pupil.close()  # ends the stream; the reader threads are daemons either way
        teacher.close()
        for reader in readers:
            reader.join(5)


def test_wrong_class_codes_count_against_one_limit_on_every_process(
    database: str, servers: tuple[str, str, str]
) -> None:
    base_a, base_b, secret = servers
    code = make_room(database, secret).join_code
    limit = 10  # COURSE_JOIN_GUESSES_PER_MINUTE's default
    with httpx.Client(base_url=base_a) as on_a, httpx.Client(base_url=base_b) as on_b:
        for _ in range(2):  # a second go if the minute turned over half-way
            minute = int(time.time() // 60)
            guesses = [(on_a, on_b)[n % 2].get("/join/ZZZZ2222").status_code for n in range(limit)]
            past_the_limit = [
                on_a.get("/join/YYYY2222"),  # the 11th wrong code, on A
                on_b.get(f"/join/{code}"),  # then a right one on B: refused too
                on_b.get("/join/YYYY2222"),
                on_a.get(f"/join/{code}"),
            ]
            if int(time.time() // 60) == minute:
                break
            time.sleep(max(0.0, (minute + 1) * 60 - time.time()) + 0.1)
    assert guesses == [404] * limit  # five on each process, ten in all
    assert [response.status_code for response in past_the_limit] == [429] * 4
    assert all(response.headers["retry-after"] for response in past_the_limit)
