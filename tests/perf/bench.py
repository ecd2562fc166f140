"""Benchmark the course against bare FastAPI: requests/s, p50/p99 latency and page weight.

Run it with `make bench` or `.venv/bin/python tests/perf/bench.py [--seconds 10]`; the run itself
(both databases side by side, the targets) is tests/perf/bench_run.py, its data
tests/perf/bench_data.py. This module holds what every benchmark here shares: serving the app
(`course serve`) and a hello-world (tests/perf/hello.py) the same way, with uvicorn on 127.0.0.1,
loading an endpoint with wrk from a second process, and a first visit's page weight. This is a
script, not a pytest test.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = REPO_ROOT / ".venv" / "bin"
HOST = "127.0.0.1"  # never anything else
WRK_THREADS = 2
WARM_UP_SECONDS = 2
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
HTTP_TIMEOUT = 10.0
AGE_BAND = "14-18"
COOKIES = ("course_learner", "course_csrf")
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
UNITS_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


class BenchError(Exception):
    """Something went wrong that makes the numbers meaningless."""


@dataclass
class Server:
    """A server process we started, the port it listens on and its log file."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path


@dataclass(frozen=True)
class Endpoint:
    """One URL to load, with the headers every request sends."""

    name: str
    port: int
    path: str
    headers: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """The full URL, always on 127.0.0.1."""
        return f"http://{HOST}:{self.port}{self.path}"


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


@dataclass(frozen=True)
class Resource:
    """One file a first visit downloads, as sent and as gzip would send it."""

    path: str
    kind: str
    sent_bytes: int
    encoding: str
    gzip_bytes: int


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def course_env(tmp: Path) -> dict[str, str]:
    """The environment for `course`: a fresh SQLite file, a secret key, development mode."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COURSE_")}
    if "COURSE_CONTENT_DIR" in os.environ:  # to measure with other content
        env["COURSE_CONTENT_DIR"] = os.environ["COURSE_CONTENT_DIR"]
    env["COURSE_DATABASE_URL"] = f"sqlite:///{tmp / 'course.db'}"
    env["COURSE_SECRET_KEY"] = secrets.token_urlsafe(48)
    env["COURSE_DATA_DIR"] = str(tmp / "data")
    return env


def migrate(env: dict[str, str]) -> None:
    """Create the database schema with `course migrate`."""
    done = subprocess.run(
        [str(BIN / "course"), "migrate"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"`course migrate` failed:\n{done.stdout}{done.stderr}")


def start_server(name: str, command: list[str], env: dict[str, str], tmp: Path) -> Server:
    """Start a server in its own process group, logging to a file."""
    log = tmp / f"{name}.log"
    port = int(command[command.index("--port") + 1])
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, process, port, log)


def serve_course(env: dict[str, str], workers: int, tmp: Path) -> Server:
    """Serve the app with `course serve` (uvicorn, access log off, no server header)."""
    port = free_port()
    command = [str(BIN / "course"), "serve", "--host", HOST, "--port", str(port)]
    return start_server("course", [*command, "--workers", str(workers)], env, tmp)


def serve_hello(
    workers: int, tmp: Path, app: str = "hello:app", extra_env: dict[str, str] | None = None
) -> Server:
    """Serve tests/perf/hello.py (or another app beside it, with more environment) with the same
    uvicorn options as `course serve`."""
    port = free_port()
    command = [
        str(BIN / "python"),
        "-m",
        "uvicorn",
        app,
        "--app-dir",
        str(Path(__file__).resolve().parent),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--no-server-header",
        "--no-proxy-headers",
        "--log-level",
        "info",
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith("COURSE_")}
    return start_server(app.split(":")[0], command, {**env, **(extra_env or {})}, tmp)


def wait_until_up(server: Server) -> None:
    """Poll the server until it answers HTTP, or fail with its log."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited at start:\n{tail(server.log)}")
        try:
            get(server.port, "/")
            return
        except OSError:
            time.sleep(0.1)
    raise BenchError(
        f"{server.name} did not answer within {START_TIMEOUT:.0f}s:\n{tail(server.log)}"
    )


def stop(server: Server) -> None:
    """Stop a server and its workers: SIGTERM, wait, then SIGKILL its process group."""
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"{server.name} did not stop in {STOP_TIMEOUT:.0f}s; killing it", file=sys.stderr)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # any worker left behind in its own group
    process.wait(timeout=STOP_TIMEOUT)


def tail(log: Path, lines: int = 30) -> str:
    """The last lines of a server log."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """GET a path on 127.0.0.1 without following redirects; the body is read into .body."""
    return request(port, "GET", path, headers or {})


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: str | None = None
) -> http.client.HTTPResponse:
    """One HTTP request to 127.0.0.1; the response comes back with its body read (.body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        return response
    finally:
        connection.close()


def cookies_from(response: http.client.HTTPResponse) -> dict[str, str]:
    """The cookies a response sets, by name."""
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def cookie_header(cookies: dict[str, str]) -> str:
    """A Cookie header value for these cookies."""
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def start_learner(port: int, names: Sequence[str] = COOKIES) -> tuple[str, str]:
    """Start a learner over HTTP as a browser would; return their Cookie header and first lesson.

    `names` are the learner and CSRF cookies' names (`__Host-` prefixed in production)."""
    page = get(port, "/start")
    cookies = cookies_from(page)
    match = CSRF_INPUT.search(page.body.decode())  # type: ignore[attr-defined]
    if page.status != 200 or not match or names[1] not in cookies:
        raise BenchError(f"GET /start gave {page.status} without a CSRF cookie and token")
    form = urlencode({"age_band": AGE_BAND, "csrf_token": match.group(1)})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie_header(cookies),
    }
    started = request(port, "POST", "/start", headers, form)
    cookies |= cookies_from(started)
    location = started.headers.get("Location", "")
    if started.status != 303 or not location.startswith("/lessons/"):
        raise BenchError(f"POST /start gave {started.status} to {location!r}, not a lesson")
    missing = [name for name in names if name not in cookies]
    if missing:
        raise BenchError(f"POST /start did not leave the cookies {missing}")
    return cookie_header({name: cookies[name] for name in names}), urlsplit(location).path


def check_endpoint(endpoint: Endpoint) -> None:
    """Refuse to load a URL that does not answer 200 (wrk does not count redirects as errors)."""
    headers = dict(header.split(": ", 1) for header in endpoint.headers)
    response = get(endpoint.port, endpoint.path, headers)
    if response.status != 200:
        location = response.headers.get("Location", "")
        raise BenchError(f"{endpoint.name}: {endpoint.url} answered {response.status} {location}")


def run_wrk(
    endpoint: Endpoint,
    seconds: int,
    connections: int,
    script: Path | None = None,
    script_args: Sequence[str] = (),
) -> str:
    """Run wrk against one endpoint (with a Lua script and its arguments) and return what it
    printed."""
    command = [
        "wrk",
        f"--threads={WRK_THREADS}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
    ]
    for header in endpoint.headers:
        command += ["--header", header]
    if script is not None:
        command += ["--script", str(script)]
    done = subprocess.run(
        [*command, endpoint.url, *(["--", *script_args] if script_args else [])],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed on {endpoint.url}:\n{done.stdout}{done.stderr}")
    return done.stdout


def to_ms(value: str) -> float:
    """A wrk duration such as 812.00us, 3.25ms or 1.02s, in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if not match:
        raise BenchError(f"unknown wrk duration {value!r}")
    return float(match.group(1)) * UNITS_TO_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, p50, p99, request count and errors from wrk --latency output."""

    def find(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match:
            return match.group(1)
        if default is None:
            raise BenchError(f"wrk output has no match for {pattern!r}:\n{output}")
        return default

    socket_errors = find(r"Socket errors: (.+)$", "")
    return WrkResult(
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=to_ms(find(r"^\s+50%\s+(\S+)")),
        p99_ms=to_ms(find(r"^\s+99%\s+(\S+)")),
        requests=int(find(r"^\s+(\d+) requests in")),
        non_2xx=int(find(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=sum(int(n) for n in re.findall(r"\d+", socket_errors)),
    )


def measure(endpoint: Endpoint, seconds: int, connections: int) -> WrkResult:
    """Check the endpoint, warm it up (discarded), then measure it."""
    check_endpoint(endpoint)
    print(f"  {endpoint.name}: warm-up {WARM_UP_SECONDS}s, then {seconds}s …", flush=True)
    run_wrk(endpoint, WARM_UP_SECONDS, connections)
    return parse_wrk(run_wrk(endpoint, seconds, connections))


class AssetFinder(HTMLParser):
    """Collects the stylesheets and scripts a page references."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note <link rel=stylesheet href> and <script src>."""
        values = dict(attrs)
        if (
            tag == "link"
            and "stylesheet" in (values.get("rel") or "").split()
            and values.get("href")
        ):
            self.assets.append(("css", values["href"] or ""))
        elif tag == "script" and values.get("src"):
            self.assets.append(("js", values["src"] or ""))


def fetch_resource(
    port: int, path: str, kind: str, headers: dict[str, str]
) -> tuple[Resource, bytes]:
    """Fetch one file as a browser would (accepting gzip and br); its size and its body."""
    response = get(port, path, {**headers, "Accept-Encoding": "gzip, deflate, br"})
    if response.status != 200:
        raise BenchError(f"{path} answered {response.status}")
    body: bytes = response.body  # type: ignore[attr-defined]
    encoding = response.headers.get("Content-Encoding", "identity")
    plain = body if encoding == "identity" else None
    gzip_bytes = len(gzip.compress(plain, 6)) if plain is not None else len(body)
    return Resource(path, kind, len(body), encoding, gzip_bytes), body


def page_weight(port: int, path: str, cookie: str) -> list[Resource]:
    """The lesson page and every stylesheet and script it references, as a first visit fetches."""
    page, html = fetch_resource(port, path, "html", {"Cookie": cookie})
    finder = AssetFinder()
    finder.feed(gzip.decompress(html).decode() if page.encoding == "gzip" else html.decode())
    for _kind, url in finder.assets:
        if urlsplit(url).netloc:
            raise BenchError(f"the lesson page loads {url} from another host")
    assets = [fetch_resource(port, url, kind, {})[0] for kind, url in finder.assets]
    return [page, *assets]


def print_header(args: argparse.Namespace) -> None:
    """The machine, the Python and the load settings."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    wrk_version = (wrk.stdout + wrk.stderr).splitlines()[0].split(" Copyright")[0]
    print("course benchmark")
    print(
        f"  machine: {os.cpu_count()} cores ({usable} usable), {platform.machine()}, "
        f"{platform.system()} {platform.release()}"
    )
    print(f"  Python {platform.python_version()} ({sys.executable}); {wrk_version}")
    print(
        f"  each server: uvicorn, {args.workers} workers, access log off, no server header, "
        "SQLite (fresh file), COURSE_ENV=development"
    )
    print(
        f"  load: wrk, {WRK_THREADS} threads, {args.connections} connections, "
        f"{WARM_UP_SECONDS}s warm-up (discarded) + {args.seconds}s per endpoint, on {HOST}"
    )
    print("  note: wrk shares the same cores as the servers")
    print()


def print_results(results: list[tuple[Endpoint, WrkResult]]) -> None:
    """The throughput and latency table, with each endpoint's ratio to hello-world."""
    baseline = results[0][1].requests_per_second
    print()
    print(
        f"{'endpoint':<36}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'× hello':>9}"
        f"{'requests':>10}{'non-2xx':>9}{'sock err':>9}"
    )
    for endpoint, result in results:
        ratio = result.requests_per_second / baseline if baseline else 0.0
        print(
            f"{endpoint.name:<36}{result.requests_per_second:>10.1f}{result.p50_ms:>9.2f}"
            f"{result.p99_ms:>9.2f}{ratio:>9.2f}{result.requests:>10}{result.non_2xx:>9}"
            f"{result.socket_errors:>9}"
        )


def print_weight(path: str, resources: list[Resource]) -> None:
    """Each file of a first visit to the lesson page, and the total, in kB."""
    print()
    print(f"lesson page {path}, first visit (empty cache), bodies only:")
    print(f"  {'kind':<5}{'path':<48}{'sent kB':>9}{'encoding':>10}{'gzip -6 kB':>12}")
    for item in resources:
        shown = item.path if len(item.path) <= 46 else item.path[:45] + "…"
        print(
            f"  {item.kind:<5}{shown:<48}{item.sent_bytes / 1000:>9.1f}{item.encoding:>10}"
            f"{item.gzip_bytes / 1000:>12.1f}"
        )
    sent = sum(item.sent_bytes for item in resources)
    zipped = sum(item.gzip_bytes for item in resources)
    print(f"  {'total':<53}{sent / 1000:>9.1f}{'':>10}{zipped / 1000:>12.1f}")


def failures(results: list[tuple[Endpoint, WrkResult]]) -> list[str]:
    """Every endpoint that answered with errors or lost requests."""
    return [
        f"{endpoint.name}: {result.non_2xx} non-2xx/3xx responses, "
        f"{result.socket_errors} socket errors"
        for endpoint, result in results
        if result.non_2xx or result.socket_errors
    ]


def raise_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so the servers are stopped on the way out."""

    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


if __name__ == "__main__":  # `make bench`: the run itself is in tests/perf/bench_run.py
    sys.path.insert(0, str(REPO_ROOT))
    from tests.perf.bench_run import main

    sys.exit(main())
