"""OWASP ASVS Level 2, items 1 to 12 of ../shared/SECURITY.md section 1 (13 to 22 are in
test_asvs_requests.py): cookies, sessions, passwords, the lock-out, two-factor sign-in, no
default accounts. Each test is named after its item; docs/SECURITY.md lists them with their
status. Time passes on the teacher half's own clock (course.schools.models.wall_clock), never
by sleeping."""

from __future__ import annotations

import base64
import datetime as dt
import inspect
import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import SQLModel
from zxcvbn.frequency_lists import FREQUENCY_LISTS

import course.models  # noqa: F401  (every table, for the fresh-install count)
from course.app import create_app
from course.content.schema import Catalogue
from course.db import write_session
from course.learning import identity
from course.schools import sessions
from course.schools.accounts import add_teacher, create_school, require_two_factor
from course.schools.models import Teacher
from course.schools.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, password_problem
from course.security.cookies import TEACHER_COOKIE
from course.security.csrf import new_csrf_cookie
from course.settings import REPO_ROOT, Settings
from tests.pages import csrf_token, start_learner
from tests.schools import SignedIn, class_of, sign_in_teacher
from tests.teacher_pages import PASSWORD, post_form, sign_in, sign_out, sign_up
from tests.web.test_asvs_requests import Scene, routes, scene_for

EMAIL = "ada@school.example"
LOCKED = "locked for 15 minutes"
WRONG = "The email address or password is not right."

# Output, headers and password rules do not depend on the database: these run on SQLite only
# (the database_url fixture's parameters narrowed), the rest on both.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def real_teacher(
    app: FastAPI, email: str = EMAIL, *, school_id: int | None = None, admin: bool = True
) -> Teacher:
    """A confirmed teacher whose password is PASSWORD, of a new school unless one is given."""
    with write_session(app.state.engine) as session:
        if school_id is None:
            school_id = create_school("Greenfield Academy", session=session).id
        return add_teacher(
            school_id,
            "Ada Lovelace",
            email,
            hash_password(PASSWORD),
            is_admin=admin,
            email_confirmed=True,
            session=session,
        )


def scalar(app: FastAPI, sql: str) -> Any:
    with app.state.engine.connect() as connection:
        return connection.exec_driver_sql(sql).scalar()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[dt.datetime]:
    """The teacher half's clock, held still; a test moves it on by hand."""
    moment = [dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)]
    monkeypatch.setattr("course.schools.models.wall_clock", lambda: moment[0])
    return moment


@pytest.fixture
def tls(settings: Settings, catalogue: Catalogue) -> Iterator[tuple[FastAPI, TestClient]]:
    """The app as production runs it, behind TLS."""
    production = settings.model_copy(
        update={"env": "production", "secure_cookies": True, "secret_key": "k" * 40}
    )
    app = create_app(production, catalogue=catalogue)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield app, client
    app.state.engine.dispose()


def parse_set_cookie(header: str) -> tuple[str, dict[str, str]]:
    """A Set-Cookie header's name and its attributes (lower-cased names)."""
    first, *rest = header.split(";")
    attributes = {}
    for part in rest:
        name, _, value = part.strip().partition("=")
        attributes[name.lower()] = value
    return first.split("=", 1)[0].strip(), attributes


def test_asvs_01_cookies_secure_host_prefix_httponly_samesite(
    tls: tuple[FastAPI, TestClient],
) -> None:
    app, client = tls
    teacher = real_teacher(app)
    made = class_of(app, SignedIn(teacher.id, teacher.school_id, True))
    responses = [client.get("/")]
    responses.append(post_form(client, "/start", "/start", {"age_band": "14-18"}))
    responses.append(post_form(client, "/help", f"/join/{made.join_code}", {}))
    responses.append(client.get("/exit"))  # deletes the learner cookie
    responses.append(sign_in(client, EMAIL))
    responses.append(client.get("/teachers"))
    responses.append(sign_out(client))  # deletes the session cookie
    headers = [value for response in responses for value in response.headers.get_list("set-cookie")]
    names = {parse_set_cookie(header)[0] for header in headers}
    assert names == {f"__Host-{name}" for name in ("course_csrf", "course_learner", TEACHER_COOKIE)}
    assert len(headers) >= 6
    for header in headers:
        _, attributes = parse_set_cookie(header)
        assert "secure" in attributes, header
        assert attributes.get("path") == "/" and "domain" not in attributes, header
        assert attributes.get("samesite", "").lower() in ("lax", "strict"), header
        assert "httponly" in attributes, header  # no script reads any of them


def test_asvs_02_new_session_token_at_login(client: TestClient, app: FastAPI) -> None:
    real_teacher(app)
    planted = "f" * 43  # fixation: a token the attacker knows, in the browser before sign-in
    client.cookies.set(TEACHER_COOKIE, planted, domain="testserver.local")
    assert sign_in(client, EMAIL).headers["location"] == "/teachers"
    first = client.cookies[TEACHER_COOKIE]
    assert first != planted
    with TestClient(app, follow_redirects=False) as attacker:
        attacker.cookies.set(TEACHER_COOKIE, planted)
        assert attacker.get("/teachers").headers["location"] == "/teachers/sign-in"
    assert sign_in(client, EMAIL).status_code == 303  # signing in again, in the same browser
    second = client.cookies[TEACHER_COOKIE]
    assert second not in (first, planted)
    assert scalar(app, "SELECT count(*) FROM teacher_session") == 1  # the old one is gone
    with TestClient(app, follow_redirects=False) as old:
        old.cookies.set(TEACHER_COOKIE, first)
        assert old.get("/teachers").headers["location"] == "/teachers/sign-in"
    assert client.get("/teachers").status_code == 200


def bits_set(tokens: list[str]) -> float:
    """The share of 1 bits across tokens (url-safe base64)."""
    raw = b"".join(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)) for token in tokens)
    return sum(bin(byte).count("1") for byte in raw) / (8 * len(raw))


@SQLITE_ONLY
def test_asvs_03_session_tokens_from_a_csprng_at_least_128_bits(
    client: TestClient, app: FastAPI
) -> None:
    real_teacher(app)
    sign_in(client, EMAIL)
    cookie = client.cookies[TEACHER_COOKIE]
    assert len(base64.urlsafe_b64decode(cookie + "=")) * 8 == 256
    start_learner(client)
    learner_token = identity.decode_cookie(
        client.cookies["course_learner"], app.state.secret_key
    ).token
    assert len(base64.urlsafe_b64decode(learner_token + "==")) * 8 >= 128
    for make, bits in (
        (sessions.new_session_token, 256),
        (identity.new_token, 128),
        (new_csrf_cookie, 192),
    ):
        assert "secrets.token_urlsafe(" in inspect.getsource(make), make  # the OS's CSPRNG
        tokens = [make() for _ in range(2000)]
        assert len(set(tokens)) == len(tokens), make
        assert {len(base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))) * 8 for t in tokens} == {
            bits
        }
        assert 0.49 < bits_set(tokens) < 0.51, make  # no stuck bits


def test_asvs_04_sign_out_and_expiry_invalidate_the_session_on_the_server(
    client: TestClient, app: FastAPI, clock: list[dt.datetime]
) -> None:
    real_teacher(app)
    sign_in(client, EMAIL)
    stolen = client.cookies[TEACHER_COOKIE]
    assert sign_out(client).headers["location"] == "/teachers/sign-in?done=signed-out"
    assert scalar(app, "SELECT count(*) FROM teacher_session") == 0
    for htmx in ({}, {"HX-Request": "true"}):
        with TestClient(app, follow_redirects=False) as thief:
            thief.cookies.set(TEACHER_COOKIE, stolen)
            replayed = thief.get("/teachers/classes", headers=htmx)
            assert replayed.status_code == 303, htmx  # the sign-in page, for a browser
            assert replayed.headers["location"] == "/teachers/sign-in"
    # Expired: the same, and the row is deleted on the way.
    sign_in(client, EMAIL)
    saved = client.cookies[TEACHER_COOKIE]
    clock[0] += sessions.IDLE_EXPIRY
    with TestClient(app, follow_redirects=False) as thief:
        thief.cookies.set(TEACHER_COOKIE, saved)
        assert thief.get("/teachers").headers["location"] == "/teachers/sign-in"
    assert scalar(app, "SELECT count(*) FROM teacher_session") == 0


def test_asvs_05_idle_30_minutes_and_absolute_12_hours_timeouts(
    client: TestClient, app: FastAPI, clock: list[dt.datetime]
) -> None:
    real_teacher(app)
    sign_in(client, EMAIL)
    signed_in_at = clock[0]
    # Busy all day, a request every 29 minutes: open until 12 hours after the sign-in.
    while clock[0] + dt.timedelta(minutes=29) < signed_in_at + dt.timedelta(hours=12):
        clock[0] += dt.timedelta(minutes=29)
        assert client.get("/teachers").status_code == 200, clock[0] - signed_in_at
    clock[0] = signed_in_at + dt.timedelta(hours=11, minutes=59, seconds=59)
    assert client.get("/teachers").status_code == 200
    clock[0] = signed_in_at + dt.timedelta(hours=12)
    assert client.get("/teachers").headers["location"] == "/teachers/sign-in"
    # Idle: 29 min 59 s after the last request still open, 30 minutes closed.
    sign_in(client, EMAIL)
    clock[0] += dt.timedelta(minutes=29, seconds=59)
    assert client.get("/teachers").status_code == 200
    clock[0] += dt.timedelta(minutes=30)
    assert client.get("/teachers").headers["location"] == "/teachers/sign-in"
    assert dt.timedelta(minutes=30) >= sessions.IDLE_EXPIRY
    assert dt.timedelta(hours=12) >= sessions.ABSOLUTE_EXPIRY


@SQLITE_ONLY
def test_asvs_06_sign_out_visible_on_every_signed_in_page(client: TestClient, app: FastAPI) -> None:
    teacher = sign_in_teacher(client, app)
    scene = scene_for(app, teacher)
    with TestClient(app) as other:
        colleague = sign_in_teacher(other, app, school_id=teacher.school_id, admin=False)
    sign_out_form = re.compile(
        r'<form method="post" action="/teachers/sign-out">.*?<button[^>]*type="submit">Sign out'
        r"</button>",
        re.S,
    )
    checked = []
    for method, pattern in routes(app):
        if method != "GET" or not pattern.startswith("/teachers") or pattern.endswith("/events"):
            continue
        if pattern == "/teachers/sign-in/code":
            continue  # a step of signing in, for a browser not yet signed in
        path = scene.fill(pattern)
        with TestClient(app, follow_redirects=False) as anonymous:
            if anonymous.get(path).status_code != 303:
                continue  # a page for anyone (sign in, sign up, mailed links, the guide)
        if path == "/teachers/school/remove":
            path += f"?teacher_id={colleague.teacher_id}"
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if not response.headers["content-type"].startswith("text/html"):
            continue  # a CSV export
        assert sign_out_form.search(response.text), path
        checked.append(pattern)
    assert len(checked) >= 15, checked


OWASP_ARGON2ID = "$argon2id$v=19$m=19456,t=2,p=1$"


@SQLITE_ONLY
def test_asvs_07_passwords_hashed_with_argon2id_m19456_t2_p1(
    client: TestClient, app: FastAPI
) -> None:
    assert sign_up(client).status_code == 303
    stored = scalar(app, "SELECT password_hash FROM teacher")
    assert stored.startswith(OWASP_ARGON2ID), stored
    assert PASSWORD not in stored and len(stored) > len(OWASP_ARGON2ID) + 60  # salt and hash
    assert sign_up(client, email_address="bo@school.example").status_code == 303
    with app.state.engine.connect() as connection:
        hashes = connection.exec_driver_sql("SELECT password_hash FROM teacher").scalars().all()
    assert len(set(hashes)) == 2  # the same password, each salted apart
    # A hash made with other parameters is replaced at the next sign-in.
    from pwdlib.hashers.argon2 import Argon2Hasher

    old = Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=2).hash(PASSWORD)
    marker = "?" if app.state.engine.dialect.paramstyle == "qmark" else "%s"
    with app.state.engine.begin() as connection:
        connection.exec_driver_sql(
            f"UPDATE teacher SET password_hash = {marker} WHERE email = {marker}", (old, EMAIL)
        )
    assert sign_in(client, EMAIL).status_code == 303
    with app.state.engine.connect() as connection:
        renewed = connection.exec_driver_sql(
            f"SELECT password_hash FROM teacher WHERE email = {marker}", (EMAIL,)
        ).scalar()
    assert renewed.startswith(OWASP_ARGON2ID)


@SQLITE_ONLY
def test_asvs_08_length_8_to_128_no_composition_rules_paste_allowed_no_rotation(
    client: TestClient, app: FastAPI
) -> None:
    assert MIN_LENGTH == 8 and MAX_LENGTH >= 64
    seven = sign_up(client, password="zq8!Lm#")
    assert seven.status_code == 422 and "at least 8 characters" in seven.text
    accepted = {
        "zq8!Lm#rTt": "a",  # 10 characters, no rule about what they are
        "all lower case words with no digits or symbols at all": "b",
        "lantern orchard kettle marble violet tractor cloud harbour pebble": "c",  # 64+
        ("a quiet otter reads maps beside the lantern while it rains " * 3)[:MAX_LENGTH]: "d",
    }
    for password, domain in accepted.items():
        response = sign_up(client, email_address=f"t@{domain}.example", password=password)
        assert response.status_code == 303, (password, response.text[:200])
    longest = scalar(app, "SELECT count(*) FROM teacher")
    assert longest == len(accepted)
    assert sign_in(client, "t@d.example", next(reversed(accepted))).status_code == 303
    too_long = sign_up(client, email_address="e@e.example", password="x" * (MAX_LENGTH + 1))
    assert too_long.status_code == 422 and f"{MAX_LENGTH} characters or fewer" in too_long.text
    # The forms let password managers fill and people paste: the right autocomplete, no
    # limit below 64, no pattern, no script to stop a paste (no inline handlers at all).
    anonymous = TestClient(app, follow_redirects=False)
    for page, browser in (
        ("/teachers/sign-in", anonymous),
        ("/teachers/sign-up", anonymous),
        ("/teachers/change-password", client),
    ):
        html = browser.get(page).text
        fields = re.findall(r"<input[^>]*type=\"password\"[^>]*>", html)
        assert fields, page
        for field in fields:
            assert re.search(r'autocomplete="(current|new)-password"', field), field
            limit = re.search(r'maxlength="(\d+)"', field)
            assert limit is None or int(limit.group(1)) >= 64, field
            assert "pattern=" not in field and "onpaste" not in field, field
    anonymous.close()
    # No forced rotation: nothing dates a password, so nothing can make it expire.
    columns = {column.name for column in SQLModel.metadata.tables["teacher"].columns}
    assert not [c for c in columns if "password" in c and c != "password_hash"], columns


@SQLITE_ONLY
def test_asvs_09_common_and_breached_passwords_refused(client: TestClient, app: FastAPI) -> None:
    response = sign_up(client, password="Password123")
    assert response.status_code == 422 and "harder to guess" in response.text
    assert scalar(app, "SELECT count(*) FROM teacher") == 0
    top = FREQUENCY_LISTS["passwords"][:3000]  # the most used passwords of leaked lists
    assert [word for word in top if password_problem(word) is None] == []
    variants = [f"{word.capitalize()}1!" for word in top[:300]] + [
        "P@ssw0rd",
        "Welcome1!",
        "Summer2024",
        "qwerty123",
        "iloveyou1",
        "Passw0rd!",
        "Football1",
    ]
    assert [word for word in variants if password_problem(word) is None] == []
    about = ("Ada Lovelace", "Greenfield Academy", EMAIL)  # nor the teacher's own details
    assert password_problem("GreenfieldAcademy", about=about) is not None
    for leaning in ("adalovelace2024", "AdaLovelace!", "greenfieldacademy1", "Lovelace123"):
        assert password_problem(leaning, about=about) is not None, leaning


def attempt_from(client: TestClient, email: str, password: str) -> Any:
    """Send the sign-in form from this client, with the CSRF token it was given first."""
    token = getattr(client, "csrf", None) or csrf_token(client, "/teachers/sign-in")
    client.csrf = token  # type: ignore[attr-defined]
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/teachers/sign-in", data=data)


def test_asvs_10_at_most_100_failed_sign_ins_an_hour_per_account_attempt_101_refused(
    settings: Settings, catalogue: Catalogue, clock: list[dt.datetime]
) -> None:
    # Only the account's lock-out is measured: the per-address limit is set out of the way,
    # and every attempt comes from another address, through two processes on one database.
    loose = settings.model_copy(update={"sign_in_attempts_per_minute": 100_000})
    first, second = create_app(loose, catalogue=catalogue), create_app(loose, catalogue=catalogue)
    real_teacher(first)
    clients = [
        TestClient(app, follow_redirects=False, client=(f"198.51.100.{n}", 1))
        for app in (first, second)
        for n in range(1, 51)
    ]
    try:
        pages = []
        for attempt in range(100):  # a stuffing run from 100 addresses, a second apart
            clock[0] += dt.timedelta(seconds=1)
            pages.append(attempt_from(clients[attempt], EMAIL, f"guess {attempt}").text)
        assert [WRONG in page for page in pages[:9]] == [True] * 9
        assert all(LOCKED in page for page in pages[9:])
        hundred_and_first = attempt_from(clients[0], EMAIL, PASSWORD)  # the right one
        assert hundred_and_first.status_code == 422 and LOCKED in hundred_and_first.text
        assert TEACHER_COOKIE not in clients[0].cookies
        # An hour of guessing as fast as the lock-out allows: wait out each lock, go again.
        clock[0] += dt.timedelta(minutes=15)
        start, checked = clock[0], 0
        while clock[0] < start + dt.timedelta(hours=1):
            page = attempt_from(clients[checked % 100], EMAIL, f"guess {checked}").text
            checked += 1  # never sent while locked, so the password was checked
            clock[0] += dt.timedelta(minutes=15) if LOCKED in page else dt.timedelta(seconds=1)
        assert checked <= 100, checked
        assert checked == 40  # 10 every 15 minutes
        # An address without an account locks and reads the same: nothing is enumerated.
        for attempt in range(10):
            nobody = attempt_from(clients[attempt], "nobody@school.example", f"guess {attempt}")
        locks = [
            re.sub(r"[0-9a-f]{64}", "TOKEN", text).replace(address, "ADDRESS")  # CSRF tokens
            for text, address in ((nobody.text, "nobody@school.example"), (pages[9], EMAIL))
        ]
        assert LOCKED in locks[0] and locks[0] == locks[1]
    finally:
        for test_client in clients:
            test_client.close()
        first.state.engine.dispose()
        second.state.engine.dispose()


def set_up_two_factor(client: TestClient) -> str:
    """Turn on two-factor sign-in as the signed-in teacher, as they would; the secret."""
    page = client.get("/teachers/two-factor").text
    match = re.search(r'name="secret" value="([A-Z2-7]{32})"', page)
    assert match, page
    secret = match.group(1)
    data = {"secret": secret, "code": pyotp.TOTP(secret).now(), "password": PASSWORD}
    assert (
        post_form(client, "/teachers/two-factor", "/teachers/two-factor", data).status_code == 200
    )
    return secret


def signed_in_pages(app: FastAPI, scene: Scene) -> list[str]:
    """Every teacher page that needs a signed-in teacher."""
    pages = []
    with TestClient(app, follow_redirects=False) as anonymous:
        for method, pattern in routes(app):
            if method == "GET" and pattern.startswith("/teachers") and "events" not in pattern:
                path = scene.fill(pattern)
                if anonymous.get(path).headers.get("location") == "/teachers/sign-in":
                    pages.append(path)
    return [page for page in pages if page != "/teachers/sign-in/code"]


def test_asvs_11_two_factor_sign_in_enforced_where_on_and_where_the_school_requires_it(
    client: TestClient, app: FastAPI
) -> None:
    teacher = real_teacher(app)
    sign_in(client, EMAIL)
    scene = scene_for(app, SignedIn(teacher.id, teacher.school_id, True))
    pages = signed_in_pages(app, scene)
    assert len(pages) >= 15
    secret = set_up_two_factor(client)
    sign_out(client)
    # The password alone opens no teacher page: each sends to the code step.
    assert sign_in(client, EMAIL).headers["location"] == "/teachers/sign-in/code"
    for path in pages:
        assert client.get(path).headers["location"] == "/teachers/sign-in/code", path
    wrong = post_form(
        client, "/teachers/sign-in/code", "/teachers/sign-in/code", {"code": "000000"}
    )
    assert wrong.status_code == 422
    code = pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))
    right = post_form(client, "/teachers/sign-in/code", "/teachers/sign-in/code", {"code": code})
    assert right.headers["location"] == "/teachers"
    assert client.get("/teachers").status_code == 200
    # A school that requires it: a colleague without it can reach only the set-up.
    with write_session(app.state.engine) as session:
        require_two_factor(teacher.school_id, True, session=session)
    with TestClient(app, follow_redirects=False) as colleague:
        real_teacher(app, "bo@school.example", school_id=teacher.school_id, admin=False)
        sign_in(colleague, "bo@school.example")
        for path in pages:
            if path != "/teachers/two-factor":
                location = colleague.get(path).headers.get("location")
                assert location == "/teachers/two-factor", path
    # Not required of every teacher by default: the documented exception says why.
    security = (REPO_ROOT / "docs" / "SECURITY.md").read_text()
    row = next(line for line in security.splitlines() if line.startswith("| 11 |"))
    assert "exception" in row and "test_asvs_11_" in row


def test_asvs_12_a_fresh_install_has_no_accounts(app: FastAPI) -> None:
    with TestClient(app, follow_redirects=False) as client:  # started: its lifespan has run
        client.get("/")
        skipped = {"alembic_version"}
        with app.state.engine.connect() as connection:
            counts = {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                for table in SQLModel.metadata.sorted_tables
                if table.name not in skipped
            }
        assert counts["teacher"] == 0 and counts["school"] == 0
        assert {name: n for name, n in counts.items() if n} == {}, counts
        for email, password in (
            ("admin@example.org", "admin"),
            ("admin", "admin"),
            ("admin@localhost", "password"),
            ("root@localhost", "root"),
            ("teacher@example.org", "teacher"),
        ):
            assert sign_in(client, email, password).status_code == 422, email
