"""The course behind nginx, as docs/DEPLOY.md sets it up: deploy/nginx/course.conf (TLS, the
forwarded headers, live streams unbuffered) in front of two `course serve` processes in
production mode, trusting X-Forwarded-* from nginx alone (COURSE_FORWARDED_ALLOW_IPS).

Through the proxy: a learner's journey (start, a lesson, a quiz answer, the end of the course)
and a live session (a pupil joins by the class's code and follows the teacher's Start and Next
over the event stream, within a second or two, which nginx would prevent if it buffered it).
On PostgreSQL when COURSE_TEST_DATABASE_URL is set, else on one SQLite file. Without nginx the
test is skipped, except in CI (CI=true), where a missing nginx fails it.
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from course.content.schema import Catalogue, ChoiceItem
from course.db import create_db_engine
from course.migrations.run import upgrade
from course.security.cookies import CookieNames
from tests.conftest import POSTGRES_URL
from tests.deploy.nginx import Proxy, nginx_binary, nginx_in_front
from tests.live_servers import (
    COURSE_SERVE,
    CSRF_INPUT,
    HOST,
    Room,
    make_room,
    postgres_schema,
    press,
    server_processes,
)
from tests.pages import csrf_token

IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        nginx_binary() is None and not IN_CI,
        reason="nginx is not installed (apt-get install nginx); in CI this fails instead",
    ),
]

NAMES = CookieNames.for_site(secure=True)  # production: __Host- cookies, Secure
CODE = re.compile(r'<strong class="code">([0-9A-Z-]+)</strong>')
BAND = "14-18"
GUESSES = 3  # wrong class codes one address may try in a minute (COURSE_JOIN_GUESSES_PER_MINUTE)
NO_CLASS = "/join/ZZZZ-2222"  # a well-formed code no class has: a wrong guess
PROMPTLY = 2.0  # seconds: a teacher's click reaches a pupil's device within a second or two


@dataclass(frozen=True)
class Site:
    """The proxy, the two app processes behind it, their database and secret."""

    proxy: Proxy
    app_ports: list[int]
    database: str
    secret: str
    tls: ssl.SSLContext  # trusts the proxy's certificate (one for the module: see below)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh PostgreSQL schema, or one SQLite file, migrated."""
    if POSTGRES_URL:
        with postgres_schema(POSTGRES_URL, prefix="proxy") as url:
            yield url
        return
    url = f"sqlite:///{tmp_path_factory.mktemp('proxy-db') / 'course.db'}"
    upgrade(url)
    yield url


@pytest.fixture(scope="module")
def site(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """nginx with the shipped configuration in front of two `course serve` processes."""
    if nginx_binary() is None:
        pytest.fail("nginx is missing in CI: .ci/run installs Debian's nginx package")
    secret = secrets.token_urlsafe(32)
    folder = tmp_path_factory.mktemp("proxy")
    env = {
        "COURSE_ENV": "production",
        "COURSE_FORWARDED_ALLOW_IPS": HOST,  # nginx connects from 127.0.0.1, and only it
        "COURSE_JOIN_GUESSES_PER_MINUTE": str(GUESSES),
    }
    with ExitStack() as running:
        ports = running.enter_context(
            server_processes(database, secret, 2, folder, env, command=COURSE_SERVE)
        )
        proxy = running.enter_context(nginx_in_front(ports, folder / "nginx"))
        # One context, made once: OpenSSL can leave a stale error behind a connection closed
        # under a reading thread, which a later context's loading then reports.
        tls = ssl.create_default_context(cafile=proxy.certificate)
        yield Site(proxy, ports, database, secret, tls)


def client(site: Site, *, source: str = HOST, **options: Any) -> httpx.Client:
    """A client of the site over HTTPS, trusting the test's certificate, connecting from
    `source` (any 127.x address is this machine)."""
    transport = httpx.HTTPTransport(verify=site.tls, local_address=source)
    return httpx.Client(base_url=site.proxy.https, transport=transport, **options)


def post(browser: httpx.Client, path: str, data: dict[str, str]) -> httpx.Response:
    """A form post as a browser sends it: with its Origin, which must be the site's own."""
    return browser.post(path, data=data, headers={"origin": str(browser.base_url).rstrip("/")})


def first_choice_question(catalogue: Catalogue) -> tuple[str, ChoiceItem]:
    """The first lesson with a multiple-choice question for the band, and that question."""
    for lesson in catalogue.lessons_for(BAND):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        for item in quiz.items_for(BAND) if quiz else ():
            if isinstance(item, ChoiceItem):
                return lesson.slug, item
    raise AssertionError("no multiple-choice question in the course")


def test_a_learner_goes_through_the_course_over_the_proxys_https(
    site: Site, catalogue: Catalogue
) -> None:
    with client(site) as learner:
        home = learner.get("/")
        assert home.status_code == 200
        assert home.headers["strict-transport-security"].startswith("max-age=")
        assert home.headers["server"] == "nginx"  # no version (server_tokens off), no uvicorn
        csrf_cookie = home.headers["set-cookie"]
        assert csrf_cookie.startswith(f"{NAMES.csrf}=") and "Secure" in csrf_cookie
        start = learner.get("/start")
        token = CSRF_INPUT.search(start.text)
        assert token
        started = post(learner, "/start", {"age_band": BAND, "csrf_token": token.group(1)})
        assert started.status_code == 303, started.text
        learner_cookie = started.headers["set-cookie"]
        assert learner_cookie.startswith(f"{NAMES.learner}=") and "Secure" in learner_cookie
        first = started.headers["location"]
        assert learner.get(first).status_code == 200

        slug, item = first_choice_question(catalogue)
        question = f"/lessons/{slug}/quiz/{item.id}"
        token_now = csrf_token(learner, question)
        choice = item.options[0].id
        answered = post(learner, question, {"choice": choice, "csrf_token": token_now})
        assert answered.status_code == 303, answered.text
        assert learner.get(answered.headers["location"]).status_code == 200
        forged = learner.post(
            question, data={"choice": choice, "csrf_token": token_now},
            headers={"origin": "https://evil.example"},
        )  # fmt: skip
        assert forged.status_code == 403

        path = first
        while path != "/complete":
            done = post(learner, f"{path}/complete", {"csrf_token": token_now})
            assert done.status_code == 303, done.text
            path = done.headers["location"]
        end = learner.get("/complete")
        assert end.status_code == 200
        assert "You have reached the end of the course" in end.text

    engine = create_db_engine(site.database)
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT count(*) FROM answer WHERE item_id = :item"), {"item": item.id}
            ).scalar_one()
    finally:
        engine.dispose()
    assert stored == 1  # one answer, counted once, whichever process took it


Event = tuple[float, str, str]  # when it arrived, its id, its data


def follow(browser: httpx.Client, path: str, events: queue.Queue[Event]) -> None:
    """Put each event of the stream at `path` on the queue, with the time it arrived."""
    try:
        with browser.stream("GET", path, timeout=httpx.Timeout(5.0, read=None)) as stream:
            assert stream.status_code == 200
            event_id, data = "", []
            for line in stream.iter_lines():
                if line.startswith("id:"):
                    event_id = line[3:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].removeprefix(" "))
                elif not line and event_id:
                    events.put((time.monotonic(), event_id, "\n".join(data)))
                    event_id, data = "", []
    except httpx.HTTPError:
        pass  # the stream is closed when the test ends


def next_event(events: queue.Queue[Event], after: str, since: float) -> tuple[str, str]:
    """The first event whose id is not `after`; it must come within PROMPTLY of `since`."""
    while True:
        try:
            arrived, event_id, data = events.get(timeout=max(0.1, since + 10 - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no event after {after!r} within 10 s") from None
        if event_id != after:
            took = arrived - since
            assert took < PROMPTLY, f"event {event_id} took {took:.2f} s through the proxy"
            return event_id, data


def background(browser: httpx.Client, path: str) -> queue.Queue[Event]:
    events: queue.Queue[Event] = queue.Queue()
    threading.Thread(target=follow, args=(browser, path, events), daemon=True).start()
    return events


def test_a_pupil_joins_by_code_and_follows_the_teacher_through_the_proxy(site: Site) -> None:
    room: Room = make_room(site.database, site.secret, pupils=0)
    teacher = client(site, cookies={NAMES.teacher: room.teacher_session})
    pupil = client(site)
    try:
        projector = teacher.get(f"/teachers/live/{room.class_id}")
        assert projector.status_code == 200, projector.text
        # The address pupils are told is built from the request: the app saw nginx's https,
        # and the name and port the browser used.
        assert f"Pupils join at <strong>{site.proxy.https}/join</strong>" in projector.text
        code = CODE.search(projector.text)
        assert code, "no join code on the projector"
        typed = post(
            pupil, "/join", {"code": code.group(1), "csrf_token": csrf_token(pupil, "/join")}
        )
        assert typed.status_code == 303, typed.text
        class_page = typed.headers["location"]
        joined = post(pupil, class_page, {"csrf_token": csrf_token(pupil, class_page)})
        assert joined.status_code == 303, joined.text

        counts = background(teacher, f"/teachers/live/{room.class_id}/events")
        opened = time.monotonic()
        stream = background(pupil, "/live/events")
        waiting, _ = next_event(stream, after="", since=opened)  # no buffering: it comes now
        assert waiting == "0.0"
        next_event(counts, after="", since=opened)

        started, first_html = next_event(stream, waiting, press(teacher, room.class_id, "start"))
        moved, second_html = next_event(stream, started, press(teacher, room.class_id, "next"))
        assert started.split(".")[0] == moved.split(".")[0] != "0"
        assert first_html != second_html
        assert "Step 2 of" in second_html
    finally:
        pupil.close()  # ends the streams; their threads are daemons either way
        teacher.close()


def guessed_until_refused(guesser: httpx.Client, tries: int) -> int | None:
    """Guess wrong codes, each claiming another X-Forwarded-For; the guess refused with 429."""
    for attempt in range(1, tries + 1):
        spoofed = f"198.51.100.{attempt}"
        status = guesser.get(NO_CLASS, headers={"x-forwarded-for": spoofed}).status_code
        assert status in (404, 429)
        if status == 429:
            return attempt
    return None


def test_a_clients_own_x_forwarded_for_is_not_believed(site: Site) -> None:
    # Through nginx: it replaces the client's X-Forwarded-For with the address it sees. Each
    # process counts (or both share a count); either way one of them refuses by 2 × GUESSES + 1
    # guesses, and the window may turn once on the way, so allow twice that.
    with client(site, source="127.0.0.2") as guesser:
        assert guessed_until_refused(guesser, 4 * GUESSES + 2) is not None
    # Another client behind the same nginx is another address to the app: nginx's own
    # X-Forwarded-For is believed, so the first guesser's refusal is not this one's.
    with client(site, source="127.0.0.3") as neighbour:
        assert neighbour.get(NO_CLASS).status_code == 404
    # Straight to one app process, from an address that is not the proxy: its header is
    # ignored, so its guesses count against its own address.
    direct = httpx.Client(
        base_url=f"http://{HOST}:{site.app_ports[0]}",
        transport=httpx.HTTPTransport(local_address="127.0.0.4"),
    )
    with direct:
        assert guessed_until_refused(direct, 2 * GUESSES + 1) is not None


def test_the_proxy_redirects_http_refuses_other_names_and_big_bodies(site: Site) -> None:
    plain = httpx.Client(base_url=site.proxy.http)
    with plain:
        redirect = plain.get("/lessons/anything?x=1")
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "https://localhost/lessons/anything?x=1"
    with client(site) as browser:
        # nginx closes the connection without a word (444): a disconnection or a reset
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            browser.get("/", headers={"host": "evil.example"})
        too_big = browser.post(
            "/start", content=b"a=" + b"x" * 70_000,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert too_big.status_code == 413
