"""OWASP ASVS Level 2, items 13 to 22 of ../shared/SECURITY.md section 1 (1 to 12 are in
test_asvs.py): forged requests, who may call what, output, queries, headers, errors and
anti-automation. Each test is named after its item and walks the app's real routes, so a route
added later is checked without touching this file; docs/SECURITY.md lists them with their
status."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import SQLModel, col

import course.models  # noqa: F401  (every table, for the snapshots)
from course.app import create_app
from course.content.schema import Catalogue
from course.db import write_session
from course.schools.accounts import create_school
from course.schools.models import SchoolClass
from course.settings import REPO_ROOT, Settings
from course.web import build_templates
from tests.pages import csrf_token, start_learner
from tests.routes import method_paths
from tests.schools import SignedIn, class_of, sign_in_teacher

COURSE_DIR = REPO_ROOT / "course"
SAFE = ("GET", "HEAD")
# Streams stay open: tests/web/test_live.py follows them.
STREAMS = ("/live/events", "/teachers/live/{class_id}/events")
# Bookkeeping, not state a user acts on: the limits' own counts (written for refused requests
# too), a teacher session's last-seen minute.
BOOKKEEPING = {"rate_count": None, "teacher_session": "last_seen_at"}

# Output, headers and password rules do not depend on the database: these run on SQLite only
# (the database_url fixture's parameters narrowed), the rest on both.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path pattern) of every route of the app, included routers' too."""
    found = method_paths(app)
    assert len(found) >= 80, found
    return found


@dataclass(frozen=True)
class Scene:
    """The real things a route's parameters name: a lesson and its first question, a class
    and its join code."""

    slug: str
    item_id: str
    class_id: int
    code: str

    def fill(self, pattern: str) -> str:
        """The path of a route pattern, its parameters filled from this scene."""
        path = pattern
        for name, value in (
            ("slug", self.slug),
            ("item_id", self.item_id),
            ("class_id", str(self.class_id)),
            ("code", self.code),
            ("band", "14-18"),
            ("outcome", "complete"),
            ("event", "started"),
        ):
            path = path.replace("{" + name + "}", value)
        assert "{" not in path, f"fill in the new path parameter of {pattern} here"
        return path


def scene_for(app: FastAPI, who: SignedIn, name: str = "Year 9 Blue") -> Scene:
    """A class of this teacher, and the first lesson with a quiz and its first question."""
    catalogue = app.state.catalogue
    lesson = next(lesson for lesson in catalogue.lessons_for("14-18") if lesson.quiz)
    item = catalogue.quiz(lesson.quiz).items_for("14-18")[0]
    made = class_of(app, who, name=name, band="14-18")
    return Scene(lesson.slug, item.id, made.id, made.join_code)


def snapshot(app: FastAPI, *, every_column: bool = False) -> dict[str, list[str]]:
    """Every row of every table, as text: what a user's state is made of (bookkeeping left
    out unless `every_column`)."""
    tables: dict[str, list[str]] = {}
    with app.state.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            skip = None if every_column else BOOKKEEPING.get(table.name, "")
            if skip is None:
                continue
            columns = [column for column in table.columns if column.name != skip]
            rows = connection.execute(select(*columns)).all()
            tables[table.name] = sorted(repr(tuple(row)) for row in rows)
    return tables


def send(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    """A request as a form would make it, with these headers."""
    if method in SAFE:
        return client.request(method, path, headers=headers)
    data = {"csrf_token": headers.get("X-CSRF-Token", ""), "name": "Renamed"}
    return client.request(method, path, headers=headers, data=data)


HOSTILE = (
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
)


def test_asvs_13_csrf_on_every_state_change_htmx_included_and_no_state_change_by_get(
    client: TestClient, app: FastAPI
) -> None:
    teacher = sign_in_teacher(client, app)
    scene = scene_for(app, teacher)
    start_learner(client)
    token = csrf_token(client, "/help")
    assert {method for method, _ in routes(app)} <= {"GET", "HEAD", "POST"}
    unsafe = [(method, path) for method, path in routes(app) if method not in SAFE]
    assert len(unsafe) >= 40, unsafe
    before = snapshot(app)
    for method, pattern in unsafe:
        path = scene.fill(pattern)
        for htmx in ({}, {"HX-Request": "true"}):
            for hostile in HOSTILE:  # our valid token, from another site
                headers = {"X-CSRF-Token": token, **htmx, **hostile}
                assert send(client, method, path, headers).status_code == 403, (path, hostile)
            for forged in ("", "0" * 64):  # our own site, without our token
                status = send(client, method, path, {"X-CSRF-Token": forged, **htmx}).status_code
                assert status == 403, (path, forged)
    assert snapshot(app) == before, "a refused request changed something"
    # No GET changes state: every page, as the teacher and a learner of their class.
    client.post(f"/join/{scene.code}", data={"csrf_token": csrf_token(client, "/help")})
    before = snapshot(app)
    pages = [p for m, p in routes(app) if m == "GET" and p not in STREAMS and p != "/exit"]
    for pattern in pages:
        for htmx in ({}, {"HX-Request": "true"}):
            assert client.get(scene.fill(pattern), headers=htmx).status_code < 500, pattern
    assert snapshot(app) == before, "a GET changed what is stored"


def test_asvs_14_function_level_authorisation_pupil_and_colleague_refused_teacher_routes(
    client: TestClient, app: FastAPI
) -> None:
    with TestClient(app, follow_redirects=False) as admin_client:
        admin = sign_in_teacher(admin_client, app)
        scene = scene_for(app, admin)
    learner = start_learner(client)
    token = csrf_token(client, "/help")
    # Teacher pages anyone may open: signing in and up, mailed links, the guide.
    public = re.compile(
        r"/teachers/(sign-in|sign-up|confirm-email|forgotten-password|reset-password|"
        r"invitation|guide)$"
    )
    teacher_routes = [(m, p) for m, p in routes(app) if p.startswith("/teachers")]
    assert len(teacher_routes) >= 40
    before = snapshot(app)
    for learner_as_teacher in (False, True):
        if learner_as_teacher:  # the pupil's own token, offered as a teacher's session
            client.cookies.set("course_teacher", client.cookies["course_learner"][:64])
            token = csrf_token(client, "/help")
        for method, pattern in teacher_routes:
            if public.match(pattern):
                continue
            path = scene.fill(pattern)
            response = send(client, method, path, {"X-CSRF-Token": token})
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/teachers/sign-in"), (method, path)
    client.cookies.delete("course_teacher")
    assert snapshot(app) == before
    assert client.get(learner).status_code == 200  # the pupil is still a pupil
    # A teacher who is not their school's admin is refused the admin's pages and forms.
    colleague = sign_in_teacher(client, app, school_id=admin.school_id, admin=False)
    token = csrf_token(client, "/help")
    before = snapshot(app)
    admin_only = [(m, p) for m, p in teacher_routes if p.startswith("/teachers/school")]
    admin_only = [(m, p) for m, p in admin_only if "dashboard" not in p]
    assert len(admin_only) >= 5, admin_only
    for method, path in admin_only:
        response = send(client, method, f"{path}?teacher_id={admin.teacher_id}", {})
        if method not in SAFE:
            response = send(client, method, path, {"X-CSRF-Token": token})
        assert response.status_code == 403, (method, path, colleague)
        assert "for the admin of your school" in response.text
    assert snapshot(app) == before


def test_asvs_15_object_level_authorisation_other_schools_ids_are_404_on_every_route(
    client: TestClient, app: FastAPI
) -> None:
    with TestClient(app, follow_redirects=False) as school_b:
        owner_b = sign_in_teacher(school_b, app, name="Owner B")
        scene_b = scene_for(app, owner_b, name="School B class")
        colleague_b = sign_in_teacher(school_b, app, school_id=owner_b.school_id, admin=False)
    sign_in_teacher(client, app, name="Admin A")  # the admin of another school
    token = csrf_token(client, "/help")
    with_ids = [(m, p) for m, p in routes(app) if "{class_id}" in p and p not in STREAMS]
    assert len(with_ids) >= 15, with_ids
    before = snapshot(app)
    for method, pattern in with_ids:
        path = scene_b.fill(pattern)
        for htmx in ({}, {"HX-Request": "true"}):
            response = send(client, method, path, {"X-CSRF-Token": token, **htmx})
            assert response.status_code == 404, (method, path, htmx, response.status_code)
            assert "School B class" not in response.text
    # The stream too answers 404 before it starts.
    assert client.get(f"/teachers/live/{scene_b.class_id}/events").status_code == 404
    # Another school's teacher, by id, to the admin's remove page and form.
    remove = "/teachers/school/remove"
    assert client.get(f"{remove}?teacher_id={colleague_b.teacher_id}").status_code == 404
    data = {"csrf_token": token, "teacher_id": str(colleague_b.teacher_id)}
    assert client.post(remove, data=data).status_code == 404
    for path in ("/teachers/classes", "/teachers/school", "/teachers/school/dashboard"):
        assert "School B class" not in client.get(path).text, path
        assert "Owner B" not in client.get(path).text, path
    assert snapshot(app) == before


XSS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</title><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    '" autofocus onfocus="alert(1)',
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "{{7*7}}<!--",
)
FIRED = re.compile(r"<(script|img|svg|a|iframe)\b[^>]*alert|\"\s*autofocus onfocus=")


@SQLITE_ONLY
def test_asvs_16_xss_corpus_in_class_school_and_teacher_names_never_escapes(
    client: TestClient, app: FastAPI
) -> None:
    with write_session(app.state.engine) as session:
        school_id = create_school(XSS[0] + XSS[1], session=session).id
    sign_in_teacher(client, app, school_id=school_id, name=XSS[3] + XSS[5])
    token = csrf_token(client, "/teachers/classes")
    for payload in XSS:
        form = {"name": payload, "age_band": "14-18", "csrf_token": token}
        assert client.post("/teachers/classes", data=form).status_code == 303, payload
    listing = client.get("/teachers/classes").text
    ids = re.findall(r'href="/teachers/classes/(\d+)"', listing)
    assert len(set(ids)) == len(XSS)
    pages = [p for m, p in routes(app) if m == "GET" and p not in STREAMS and p != "/exit"]
    pages = [p for p in pages if p.startswith("/teachers") or "{code}" in p]
    seen = 0
    for class_id in sorted(set(ids)):
        with app.state.engine.connect() as connection:
            query = select(SchoolClass.join_code).where(col(SchoolClass.id) == int(class_id))
            code = connection.execute(query).scalar_one()
        scene = Scene("x", "y", int(class_id), code)
        for pattern in pages:
            if "{slug}" in pattern:
                continue
            response = client.get(scene.fill(pattern))
            if response.headers.get("content-type", "").startswith("text/html"):
                seen += 1
                for payload in XSS:
                    assert payload not in response.text, (pattern, payload)
                assert not FIRED.search(response.text), pattern
            elif response.status_code == 200:  # the CSV exports: never read as HTML
                assert response.headers["content-type"].startswith("text/csv"), pattern
                assert response.headers["x-content-type-options"] == "nosniff"
    assert seen >= 8 * len(XSS)
    assert "{{7*7}}" in client.get("/teachers/classes").text  # shown as typed, not evaluated
    # Autoescaping is on for every template, and |safe is only ever given rendered content.
    env = build_templates(REPO_ROOT / "static", {})
    assert env.autoescape("anything.html") is True  # type: ignore[operator]
    given_safe = set()
    for template in (COURSE_DIR / "templates").rglob("*.html"):
        for expression in re.findall(r"\{\{\s*([^{}|]+?)\s*\|\s*safe", template.read_text()):
            given_safe.add(expression.split(".")[-1])
    trusted = {"body", "progress", "html", "qr_code"}  # lesson bodies, content, the QR's SVG
    assert {name for name in given_safe if not name.endswith("_html")} <= trusted, given_safe


SQL_CALLS = {"text", "execute", "exec_driver_sql", "executescript", "executemany"}
# Statements that cannot take bound parameters, built from constants in the code (the pragmas
# SQLite is opened with; the channel PostgreSQL's live broker listens on), never from input.
NO_PARAMETERS_POSSIBLE = {
    ("course/db.py", 'cursor.execute(f"PRAGMA {pragma}")'),
    ("course/live/broker.py", 'await connection.execute(f"LISTEN {CHANNEL}")'),
}


def sql_built_from_strings(source: str) -> list[int]:
    """The lines of calls of text()/execute() whose SQL is an f-string, a % or + of strings,
    or a .format()."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in SQL_CALLS:
            continue
        sql = node.args[0]
        built = isinstance(sql, ast.JoinedStr) and any(
            isinstance(part, ast.FormattedValue) for part in sql.values
        )
        built = built or (isinstance(sql, ast.BinOp) and isinstance(sql.op, ast.Mod | ast.Add))
        built = built or (
            isinstance(sql, ast.Call)
            and isinstance(sql.func, ast.Attribute)
            and sql.func.attr == "format"
        )
        if built:
            found.append(node.lineno)
    return found


def test_asvs_17_parameterised_queries_only_no_sql_built_by_string_formatting() -> None:
    files = sorted(COURSE_DIR.rglob("*.py"))
    assert len(files) > 50
    hits = set()
    for path in files:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for line in sql_built_from_strings(source):
            hits.add((str(path.relative_to(REPO_ROOT)), lines[line - 1].strip()))
    assert hits == NO_PARAMETERS_POSSIBLE
    # The scanner sees each way of building SQL from strings (so no hits above means none).
    for built in (
        'session.execute(text(f"SELECT * FROM teacher WHERE email = {email}"))',
        'connection.exec_driver_sql("DELETE FROM learner WHERE id = %s" % learner_id)',
        'connection.execute("SELECT " + column + " FROM school")',
        'session.execute(text("SELECT {} FROM school".format(column)))',
    ):
        assert sql_built_from_strings(built) == [1], built
    assert sql_built_from_strings('session.execute(text("SELECT 1 WHERE id = :id"), p)') == []
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--isolated", "--select", "S608", str(COURSE_DIR)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


@pytest.fixture
def production(settings: Settings, catalogue: Catalogue) -> Iterator[tuple[FastAPI, TestClient]]:
    """The app as production runs it: behind TLS, Secure cookies, HSTS."""
    production = settings.model_copy(
        update={"env": "production", "secure_cookies": True, "secret_key": "k" * 40}
    )
    app = create_app(production, catalogue=catalogue)
    with TestClient(
        app, base_url="https://testserver", follow_redirects=False, raise_server_exceptions=False
    ) as client:
        yield app, client
    app.state.engine.dispose()


def responses_of_every_kind(app: FastAPI, client: TestClient) -> Iterator[tuple[str, Any]]:
    """(what, response) for every GET page as a pupil and as a teacher, and the error pages,
    static files, CSV exports and refusals."""
    teacher = sign_in_teacher(client, app)
    scene = scene_for(app, teacher)
    start_learner(client)
    for method, pattern in routes(app):
        if method == "GET" and pattern not in STREAMS and pattern != "/exit":
            yield pattern, client.get(scene.fill(pattern))
    yield "exit", client.get("/exit")  # which ends the learner, and so their CSRF token
    ours = {"X-CSRF-Token": csrf_token(client, "/help")}
    yield "404", client.get("/no-such-page")
    yield "405", client.post("/help", headers=ours)
    yield "422", client.post("/start", data={"age_band": "99"}, headers=ours)
    yield "403", client.post("/start", data={"age_band": "14-18"})
    yield "413", client.post("/start", content=b"x" * 70_000, headers={"Content-Length": "70000"})
    yield "415", client.post("/start", json={"age_band": "14-18"})
    yield "static", client.get("/static/css/course.css")
    yield "static gzip", client.get("/static/js/htmx.min.js?v=1")
    yield "static 404", client.get("/static/nothing.css")


def directives(csp: str) -> dict[str, list[str]]:
    """A CSP as {directive: [sources]}."""
    parsed = {}
    for part in csp.split(";"):
        if part.strip():
            name, *sources = part.split()
            parsed[name.lower()] = sources
    return parsed


@SQLITE_ONLY
def test_asvs_18_csp_on_every_response_object_base_none_no_unsafe_inline_or_eval(
    production: tuple[FastAPI, TestClient],
) -> None:
    app, client = production
    kinds = set()
    for what, response in responses_of_every_kind(app, client):
        kinds.add(response.status_code)
        csp = directives(response.headers["content-security-policy"])
        assert csp["object-src"] == ["'none'"], what
        assert csp["base-uri"] == ["'none'"], what
        assert csp["default-src"] == ["'self'"], what
        for directive in ("script-src", "style-src"):
            assert csp[directive] == ["'self'"], (what, directive)  # no inline, no eval
        assert not [s for sources in csp.values() for s in sources if "unsafe" in s], what
    assert {200, 303, 403, 404, 405, 413, 415, 422} <= kinds, sorted(kinds)
    # htmx may not evaluate strings, nor inject its indicator styles (htmx docs).
    base = (COURSE_DIR / "templates" / "base.html").read_text()
    config = re.search(r"name=\"htmx-config\" content='([^']+)'", base)
    assert config and '"allowEval": false' in config.group(1)
    assert '"includeIndicatorCSS": false' in config.group(1)
    for template in (COURSE_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=|hx-on", text), template


@SQLITE_ONLY
def test_asvs_19_frame_ancestors_nosniff_hsts_a_year_with_subdomains_everywhere(
    production: tuple[FastAPI, TestClient],
) -> None:
    app, client = production
    count = 0
    for what, response in responses_of_every_kind(app, client):
        count += 1
        headers = response.headers
        assert directives(headers["content-security-policy"])["frame-ancestors"] == ["'none'"]
        assert headers["x-frame-options"] == "DENY", what
        assert headers["x-content-type-options"] == "nosniff", what
        hsts = dict(
            part.strip().lower().partition("=")[::2]
            for part in headers["strict-transport-security"].split(";")
        )
        assert int(hsts["max-age"]) >= 365 * 24 * 3600, what
        assert "includesubdomains" in hsts, what
    assert count >= 50


@SQLITE_ONLY
def test_asvs_20_referrer_policy_and_permissions_policy_on_every_response(
    production: tuple[FastAPI, TestClient],
) -> None:
    app, client = production
    for what, response in responses_of_every_kind(app, client):
        # The quick exit sends none at all: the neutral site must not learn where it came from.
        referrer = "no-referrer" if what == "exit" else "strict-origin-when-cross-origin"
        assert response.headers["referrer-policy"] == referrer, what
        allowed = dict(
            part.strip().partition("=")[::2]
            for part in response.headers["permissions-policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation"):
            assert allowed[feature] == "()", (what, feature)


def test_asvs_21_a_forced_exception_gets_a_generic_500_without_trace_sql_or_tokens(
    production: tuple[FastAPI, TestClient],
) -> None:
    app, client = production
    teacher = sign_in_teacher(client, app)
    session_token = client.cookies["__Host-course_teacher"]
    # Fail closed: the sessions table gone, the teacher's pages fail, they do not open.
    with app.state.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE teacher_session")
    forced = [client.get("/teachers"), client.get("/teachers/classes", headers={"HX-Request": "1"})]
    token = csrf_token(client, "/help")
    data = {"name": "A class", "age_band": "14-18", "csrf_token": token}
    forced.append(client.post("/teachers/classes", data=data))
    for response in forced:
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.text
        for secret in (
            "Traceback",
            'File "',
            "teacher_session",
            "SELECT",
            "sqlalchemy",
            "psycopg",
            "sqlite3",
            "OperationalError",
            "ProgrammingError",
            session_token,
            str(teacher.teacher_id),
            app.state.settings.secret_key,
        ):
            assert secret.lower() not in response.text.lower(), secret
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-security-policy"]


@pytest.fixture
def frozen_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock every rate limit reads, held at ten seconds into one minute."""
    for seam in ("security.rate", "schools.pages", "schools.join_routes"):
        monkeypatch.setattr(f"course.{seam}.wall_clock", lambda: 1_800_000_010.0)


def refused_with_retry_after(response: Any) -> bool:
    """A 429 that says how long to wait, within the minute."""
    return response.status_code == 429 and 1 <= int(response.headers["retry-after"]) <= 60


def test_asvs_22_anti_automation_429_on_login_class_join_and_answer_submission(
    settings: Settings, catalogue: Catalogue, frozen_limits: None
) -> None:
    limited = settings.model_copy(
        update={"sign_in_attempts_per_minute": 5, "join_guesses_per_minute": 5}
    )
    app = create_app(limited, catalogue=catalogue)
    with TestClient(app, follow_redirects=False, client=("203.0.113.9", 1)) as client:
        token = csrf_token(client, "/teachers/sign-in")
        # Sign-in: five tries a minute from one address, then 429 for the rest of it.
        for attempt in range(6):
            data = {
                "email": f"who{attempt}@school.example",
                "password": "guess",
                "csrf_token": token,
            }
            response = client.post("/teachers/sign-in", data=data)
            assert response.status_code == (422 if attempt < 5 else 429), attempt
        assert refused_with_retry_after(response) and "Too many attempts" in response.text
        # Joining: five wrong codes a minute, typed or in a link, then 429 even for a right one.
        with TestClient(app, follow_redirects=False) as owner:
            made = class_of(app, sign_in_teacher(owner, app))
        wrong = "ZZZZ2222" if made.join_code != "ZZZZ2222" else "YYYY2222"
        for _ in range(3):
            typed = {"code": "not a code", "csrf_token": token}
            assert client.post("/join", data=typed).status_code == 422
        for _ in range(2):
            assert client.get(f"/join/{wrong}").status_code == 404
        assert refused_with_retry_after(client.get(f"/join/{wrong}"))
        assert refused_with_retry_after(client.get(f"/join/{made.join_code}"))
        assert refused_with_retry_after(
            client.post(f"/join/{made.join_code}", data={"csrf_token": token})
        )
    app.state.engine.dispose()
    # Answers: past COURSE_POSTS_PER_MINUTE from one address, every state change is a 429.
    app = create_app(settings.model_copy(update={"posts_per_minute": 8}), catalogue=catalogue)
    with TestClient(app, follow_redirects=False, client=("198.51.100.4", 1)) as client:
        start_learner(client)  # one post
        lesson = next(lesson for lesson in catalogue.lessons_for("14-18") if lesson.quiz)
        items = [i for i in catalogue.quiz(lesson.quiz).items_for("14-18") if i.type == "choice"]
        url = f"/lessons/{lesson.slug}/quiz/{items[0].id}"
        token = csrf_token(client, url)
        data = {"choice": items[0].options[0].id, "csrf_token": token}
        statuses = [client.post(url, data=data).status_code for _ in range(12)]
        assert statuses[:7] == [303] * 7, statuses
        assert 429 in statuses[7:9], statuses  # the ninth post at the latest
        assert refused_with_retry_after(client.post(url, data=data))
        assert client.get(url).status_code == 200  # reading is never limited
    app.state.engine.dispose()
