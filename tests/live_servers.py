"""Real server processes for live-session tests and benchmarks: a fresh PostgreSQL schema, a
class with its teacher and pupils written directly, and uvicorn processes run as `course serve`
runs them (without its separate content check: create_app checks the content too).

Used by tests/web/test_live_processes.py (two processes, one pupil) and tests/perf/live_bench.py
(one or two processes, up to a thousand pupils).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from course.db import create_db_engine, write_session
from course.learning.identity import LearnerCookie, encode_cookie
from course.learning.progress import create_learner
from course.schools.accounts import add_teacher, create_school
from course.schools.classes import Viewer, create_class
from course.schools.sessions import start_session
from course.settings import REPO_ROOT
from tests.migrated import migrate_postgres

HOST = "127.0.0.1"
BAND = "14-18"
UVICORN = [
    sys.executable, "-m", "uvicorn", "course.app:create_app", "--factory",
    "--http", "course.serving:SafeHttpToolsProtocol", "--no-access-log", "--no-server-header",
    "--no-proxy-headers", "--host", HOST, "--backlog", "4096",
    # An open stream never ends by itself: without this, uvicorn waits for it at shutdown.
    "--timeout-graceful-shutdown", "2",
]  # fmt: skip


# `course serve` itself (its content check, then uvicorn with its options and COURSE_* settings).
COURSE_SERVE = [sys.executable, "-m", "course.cli", "serve"]


@dataclass(frozen=True)
class Room:
    """A class with a signed-in teacher (their session token) and its pupils' cookies."""

    class_id: int
    teacher_session: str
    learner_cookies: tuple[str, ...]
    join_code: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def empty_schema(base_url: str, prefix: str = "test") -> Iterator[str]:
    """A new, empty schema in the PostgreSQL database; its URL (which points into it); dropped
    afterwards, with whatever was made in it."""
    schema = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def postgres_schema(base_url: str, prefix: str = "test") -> Iterator[str]:
    """A new schema in the PostgreSQL database, migrated; its URL; dropped afterwards."""
    with empty_schema(base_url, prefix) as url:
        migrate_postgres(base_url, url)
        yield url


def make_room(url: str, secret: str, pupils: int = 1) -> Room:
    """A school, a signed-in teacher, their class and `pupils` learners in it, written directly."""
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
            tokens = [
                create_learner(BAND, session=session, class_id=school_class.id)[0]
                for _ in range(pupils)
            ]
        cookies = tuple(encode_cookie(LearnerCookie(token=token), secret) for token in tokens)
        return Room(school_class.id, teacher_session, cookies, school_class.join_code)
    finally:
        engine.dispose()


@contextmanager
def server_processes(
    url: str,
    secret: str,
    count: int,
    folder: Path,
    env: Mapping[str, str] = {},
    command: Sequence[str] = UVICORN,
) -> Iterator[list[int]]:
    """`count` uvicorn processes of the app on one database and secret; their ports, once each
    answers. Their output goes to server-<n>.log in `folder`. `command` (given --port N after
    it) may be COURSE_SERVE, to run the very command operators run."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    environment |= {
        "COURSE_DATABASE_URL": url,
        "COURSE_SECRET_KEY": secret,
        "COURSE_DATA_DIR": str(folder / "data"),
        "COURSE_CONTENT_DIR": str(REPO_ROOT),
        **env,
    }
    ports = [free_port() for _ in range(count)]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for index, port in enumerate(ports):
            with (folder / f"server-{index}.log").open("wb") as log:
                command = [*command, "--port", str(port)]
                processes.append(
                    subprocess.Popen(
                        command,
                        env=environment,
                        cwd=REPO_ROOT,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        for process, port in zip(processes, ports, strict=True):
            wait_until_up(process, port, folder)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


STARTED_WITHIN = 90.0  # seconds a process may take to answer (a loaded machine is slow)


def wait_until_up(process: subprocess.Popen[bytes], port: int, folder: Path) -> None:
    deadline = time.monotonic() + STARTED_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            logs = "".join(log.read_text() for log in folder.glob("server-*.log"))
            raise RuntimeError(f"a server stopped:\n{logs}")
        with suppress(httpx.TransportError):
            httpx.get(f"http://{HOST}:{port}/", timeout=1.0)
            return
        time.sleep(0.1)
    raise RuntimeError(f"the server on port {port} did not answer within {STARTED_WITHIN} s")


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="(\d+)"')


def press(teacher: httpx.Client, class_id: int, control: str) -> float:
    """Press a control on the projector as its page's form does (its CSRF token, the version it
    showed, the site's Origin); when the press was sent."""
    page = teacher.get(f"/teachers/live/{class_id}")
    assert page.status_code == 200, page.text
    token = CSRF_INPUT.search(page.text)
    assert token
    data = {"csrf_token": token.group(1)}
    seen = SEEN.search(page.text)
    if seen:
        data["seen"] = seen.group(1)
    pressed = time.monotonic()
    origin = {"origin": str(teacher.base_url).rstrip("/")}
    response = teacher.post(f"/teachers/live/{class_id}/{control}", data=data, headers=origin)
    assert response.status_code == 303, response.text
    return pressed
