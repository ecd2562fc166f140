"""A crowd: many learners start and answer at the same moment, on SQLite and on PostgreSQL.

Run it with `make crowd` or, from the repository root, `.venv/bin/python -m tests.perf.crowd
[--learners 50,200,800] [--repeat 3] [--databases sqlite,postgresql]`. For each database it
serves the app with `course serve --workers 2` (as tests/perf/bench.py does) on a fresh database,
then for each crowd size releases that many learners at once. Each learner has its own HTTP
client (its own cookies; a new connection per request) and, as a browser with htmx would:

    GET /start, POST /start (a new learner), GET the first lesson's quiz page,
    then POST an answer to each of its first 3 choice items, one after the other.

It prints the errors by status (and connection errors), the answers stored per second (over
the whole burst, from the release to the last answer), and p50/p99 latency of the answer POSTs
and of the POST /start. Everything runs on 127.0.0.1; every run is bounded in learners and in
time. It exits 1 when any request failed. This is a script, not a pytest test.

PostgreSQL is the server at --postgres-url (trust auth, database `test`): each run creates its
own schema there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy import make_url

from tests.live_servers import empty_schema
from tests.perf.bench import (
    AGE_BAND,
    CSRF_INPUT,
    HOST,
    BenchError,
    Server,
    course_env,
    migrate,
    raise_on_sigterm,
    serve_course,
    stop,
    tail,
    wait_until_up,
)

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
DATABASES = ("sqlite", "postgresql")
MAX_LEARNERS = 2000  # per burst: each learner holds a socket on both sides
ANSWERS = 3
REQUEST_TIMEOUT = 60.0  # one request; the burst as a whole has --timeout
PAUSE_SECONDS = 1.0  # between bursts, so one burst's tail does not slow the next
LAG_TICK = 0.05
WARM_UP_LEARNERS = 10  # a first small burst, discarded: templates, pools, first connections
# What the server log says: each unhandled error is logged once, with its traceback after it.
UNHANDLED = "unhandled error on "
LOCKED = "database is locked"
POOL_TIMEOUT = "QueuePool limit"
# The crowd all comes from 127.0.0.1, where a real one comes from many schools' addresses: the
# per-address rate limits (course/security/rate.py) are raised so that they do not answer 429.
UNLIMITED = {"COURSE_STARTS_PER_MINUTE": "1000000", "COURSE_POSTS_PER_MINUTE": "1000000"}
# A choice item's form: its action, then (before the form ends) its options.
FORM = re.compile(r'<form method="post" action="([^"#]+)#[^"]*"(.*?)</form>', re.DOTALL)
OPTION = re.compile(r'name="choice" value="([^"]+)"')
HTMX = {"HX-Request": "true"}


@dataclass
class Burst:
    """What one burst of learners measured."""

    learners: int
    answers: list[float] = field(default_factory=list)  # seconds per answer POST that worked
    starts: list[float] = field(default_factory=list)  # seconds per POST /start that worked
    errors: Counter[str] = field(default_factory=Counter)
    finished: int = 0  # learners who stored all their answers
    seconds: float = 0.0  # from the release to the last answer
    server_problems: Counter[str] = field(default_factory=Counter)
    client_lag: float = 0.0  # the longest the learners' event loop was late, in seconds
    server_cpu: float = 0.0  # CPU seconds the server's processes used during the burst
    client_cpu: float = 0.0  # CPU seconds this process (the learners) used during the burst
    load: float = 0.0  # the machine's 1-minute load average at the end of the burst

    @property
    def answers_per_second(self) -> float:
        """Answers stored per second over the whole burst."""
        return len(self.answers) / self.seconds if self.seconds else 0.0

    @property
    def answers_per_cpu_second(self) -> float:
        """Answers stored per CPU second of the server: less sensitive to a busy machine."""
        return len(self.answers) / self.server_cpu if self.server_cpu else 0.0


class Failed(Exception):
    """One learner's request failed; the learner stops there (as a person would)."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: crowd sizes, repeats, databases, workers and the overall timeout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--learners",
        default="50,200,800",
        help="comma-separated crowd sizes, each released at once (default 50,200,800)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="bursts per crowd size (median)")
    parser.add_argument(
        "--databases", default=",".join(DATABASES), help="sqlite, postgresql or both"
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per burst, at most")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="a PostgreSQL on 127.0.0.1")
    args = parser.parse_args(argv)
    try:
        args.learners = [int(n) for n in args.learners.split(",")]
    except ValueError:
        parser.error("--learners is a comma-separated list of numbers")
    args.databases = [name.strip() for name in args.databases.split(",")]
    if not all(1 <= n <= MAX_LEARNERS for n in args.learners):
        parser.error(f"each crowd size must be between 1 and {MAX_LEARNERS}")
    if not set(args.databases) <= set(DATABASES):
        parser.error(f"--databases must be among {', '.join(DATABASES)}")
    if not 1 <= args.repeat <= 10 or args.workers < 1 or not 1 <= args.timeout <= 1800:
        parser.error("--repeat is 1 to 10, --workers ≥ 1, --timeout 1 to 1800 seconds")
    if make_url(args.postgres_url).host not in LOCAL_HOSTS:
        parser.error("--postgres-url must be on 127.0.0.1")
    return args


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of the values, in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank] * 1000


def choice_forms(html: str) -> list[tuple[str, str]]:
    """Each choice item's form on a quiz page: its action and its first option."""
    forms = []
    for action, body in FORM.findall(html):
        option = OPTION.search(body)
        if option and not action.endswith(("/choose", "/back", "/restart")):
            forms.append((action, option.group(1)))
    return forms


async def send(
    burst: Burst,
    step: str,
    request: Awaitable[httpx.Response],
    expected: int,
    timings: list[float] | None = None,
) -> httpx.Response:
    """Await one request; note its time when it gives the expected status, else fail the learner."""
    began = time.perf_counter()
    try:
        response = await request
    except httpx.HTTPError as error:
        burst.errors[f"{step}: {type(error).__name__}"] += 1
        raise Failed from error
    if response.status_code != expected:
        burst.errors[f"{step}: {response.status_code}"] += 1
        raise Failed
    if timings is not None:
        timings.append(time.perf_counter() - began)
    return response


async def one_learner(
    client: httpx.AsyncClient, burst: Burst, release: asyncio.Event, clock: list[float]
) -> None:
    """One learner: start, open the first quiz, answer its first choice items in turn."""
    origin = {"Origin": str(client.base_url).rstrip("/")}  # a browser sends it on every POST
    await release.wait()
    try:
        page = await send(burst, "GET /start", client.get("/start"), 200)
        token = CSRF_INPUT.search(page.text)
        if token is None or "course_csrf" not in client.cookies:
            burst.errors["GET /start: no CSRF cookie and token"] += 1
            return
        form = {"age_band": AGE_BAND, "csrf_token": token.group(1)}
        started = await send(
            burst,
            "POST /start",
            client.post("/start", data=form, headers=origin),
            303,
            burst.starts,
        )
        lesson = urlsplit(started.headers.get("location", "")).path
        quiz = await send(burst, "GET quiz", client.get(f"{lesson}/quiz"), 200)
        token = CSRF_INPUT.search(quiz.text)
        forms = choice_forms(quiz.text)[:ANSWERS]
        if token is None or len(forms) < ANSWERS:
            burst.errors[f"GET quiz: fewer than {ANSWERS} choice items on {lesson}/quiz"] += 1
            return
        for action, option in forms:
            answer = {"choice": option, "csrf_token": token.group(1)}
            post = client.post(action, data=answer, headers=origin | HTMX)
            await send(burst, "POST answer", post, 200, burst.answers)
            clock[0] = max(clock[0], time.perf_counter())
        burst.finished += 1
    except Failed:
        return


async def watch_lag(burst: Burst) -> None:
    """Note how late the client's own event loop wakes up: a busy client delays its learners."""
    while True:
        began = time.perf_counter()
        await asyncio.sleep(LAG_TICK)
        burst.client_lag = max(burst.client_lag, time.perf_counter() - began - LAG_TICK)


async def burst_of(port: int, learners: int, timeout: float) -> Burst:
    """Release `learners` learners at once, each with its own client; wait at most `timeout`."""
    burst = Burst(learners)
    release = asyncio.Event()
    context = ssl.create_default_context()  # built once: httpx would build one per client
    # A fresh connection per request: uvicorn closes an idle keep-alive connection after 5 s, and
    # a client this busy can take longer than that to send its next request, which then meets a
    # closed socket. A browser retries such a request; closing each connection tests the server
    # without counting that race (or hiding errors behind retries).
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=0)
    clients = [
        httpx.AsyncClient(
            base_url=f"http://{HOST}:{port}",
            timeout=REQUEST_TIMEOUT,
            follow_redirects=False,
            limits=limits,
            verify=context,
            trust_env=False,  # no proxy: straight to 127.0.0.1
            headers={"Connection": "close"},
        )
        for _ in range(learners)
    ]
    clock = [0.0]
    try:
        tasks = [
            asyncio.create_task(one_learner(client, burst, release, clock)) for client in clients
        ]
        watcher = asyncio.create_task(watch_lag(burst))
        await asyncio.sleep(0)  # every learner waits at the gate
        began = time.perf_counter()
        release.set()
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            burst.errors[f"unfinished after {timeout:.0f}s"] += len(pending)
            await asyncio.gather(*pending, return_exceptions=True)
        burst.seconds = max(0.0, clock[0] - began)
        watcher.cancel()
    finally:
        await asyncio.gather(*(client.aclose() for client in clients), return_exceptions=True)
    return burst


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and all its descendants (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:  # gone, or not Linux
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        pending += [int(child) for child in children]
    return total


def run_burst(server: Server, learners: int, timeout: float) -> Burst:
    """One burst, with the CPU that the server and the learners used during it."""
    server_before, client_before = cpu_seconds(server.process.pid), time.process_time()
    burst = asyncio.run(burst_of(server.port, learners, timeout))
    burst.server_cpu = cpu_seconds(server.process.pid) - server_before
    burst.client_cpu = time.process_time() - client_before
    burst.load = os.getloadavg()[0]
    return burst


def server_problems(log: Path, seen: Counter[str]) -> Counter[str]:
    """How many times each known problem appeared in the server log since `seen`."""
    errors = log.read_text(errors="replace").split(UNHANDLED)[1:]
    now = Counter(
        {
            "unhandled errors": len(errors),
            f"of them {LOCKED}": sum(LOCKED in error for error in errors),
            "of them connection pool timeouts": sum(POOL_TIMEOUT in error for error in errors),
        }
    )
    fresh = now - seen
    seen.clear()
    seen.update(now)
    return fresh


def run_database(args: argparse.Namespace, database: str, tmp: Path) -> list[Burst]:
    """Serve the app on a fresh database and release every crowd, `repeat` times each."""
    with empty_schema(args.postgres_url, "crowd") if database == "postgresql" else _sqlite() as url:
        env = course_env(tmp)
        env["COURSE_ENV"] = "development"
        env |= UNLIMITED
        if url:
            env["COURSE_DATABASE_URL"] = url
        migrate(env)
        server = serve_course(env, args.workers, tmp)
        try:
            wait_until_up(server)
            seen: Counter[str] = Counter()
            warm_up = asyncio.run(burst_of(server.port, WARM_UP_LEARNERS, args.timeout))
            if warm_up.errors:
                problems = dict(warm_up.errors)
                raise BenchError(f"the warm-up failed: {problems}\n{tail(server.log)}")
            server_problems(server.log, seen)
            bursts = []
            for learners in args.learners:
                for run in range(1, args.repeat + 1):
                    print(f"  {database}: {learners} learners, run {run} …", flush=True)
                    burst = run_burst(server, learners, args.timeout)
                    burst.server_problems = server_problems(server.log, seen)
                    print_burst(burst)
                    bursts.append(burst)
                    time.sleep(PAUSE_SECONDS)
            if server.process.poll() is not None:
                raise BenchError(f"the server exited during the run:\n{tail(server.log)}")
            return bursts
        finally:
            stop(server)


@contextmanager
def _sqlite() -> Iterator[str]:
    """No URL to override: course_env already points at a fresh SQLite file."""
    yield ""


def print_burst(burst: Burst) -> None:
    """One burst on one line, then its errors and what the server logged."""
    print(
        f"    {len(burst.answers)} answers in {burst.seconds:.2f}s = "
        f"{burst.answers_per_second:.1f}/s; answer p50 {percentile(burst.answers, 0.5):.0f} ms "
        f"p99 {percentile(burst.answers, 0.99):.0f} ms; start p50 "
        f"{percentile(burst.starts, 0.5):.0f} ms p99 {percentile(burst.starts, 0.99):.0f} ms; "
        f"{burst.finished}/{burst.learners} learners finished; "
        f"{sum(burst.errors.values())} errors",
        flush=True,
    )
    print(
        f"      CPU: server {burst.server_cpu:.1f}s "
        f"({burst.answers_per_cpu_second:.1f} answers per CPU second), "
        f"learners {burst.client_cpu:.1f}s; load {burst.load:.1f}; "
        f"the learners' loop was up to {burst.client_lag:.1f}s late",
        flush=True,
    )
    for problem, count in sorted(burst.errors.items()):
        print(f"      error  {problem}: {count}")
    for problem, count in sorted(burst.server_problems.items()):
        if count:
            print(f"      server log  {problem}: {count}")


def print_summary(results: dict[str, list[Burst]], repeat: int) -> None:
    """One table: per database and crowd size, the median of its bursts and all their errors."""
    label = f"median of {repeat}" if repeat > 1 else "one burst each"
    print()
    print(f"summary ({label}; errors are the sum over the bursts)")
    print(
        f"{'database':<12}{'learners':>9}{'answers/s':>11}{'ans p50':>9}{'ans p99':>9}"
        f"{'start p50':>11}{'start p99':>11}{'ans/CPU s':>11}{'errors':>8}  by status"
    )
    for database, bursts in results.items():
        for learners in dict.fromkeys(burst.learners for burst in bursts):
            same = [burst for burst in bursts if burst.learners == learners]
            errors: Counter[str] = sum((burst.errors for burst in same), Counter())
            by_status = ", ".join(f"{k} ×{v}" for k, v in sorted(errors.items())) or "-"
            median = statistics.median
            print(
                f"{database:<12}{learners:>9}"
                f"{median([b.answers_per_second for b in same]):>11.1f}"
                f"{median([percentile(b.answers, 0.5) for b in same]):>9.0f}"
                f"{median([percentile(b.answers, 0.99) for b in same]):>9.0f}"
                f"{median([percentile(b.starts, 0.5) for b in same]):>11.0f}"
                f"{median([percentile(b.starts, 0.99) for b in same]):>11.0f}"
                f"{median([b.answers_per_cpu_second for b in same]):>11.1f}"
                f"{sum(errors.values()):>8}  {by_status}"
            )
    print("latencies in ms; answers/s = answers stored ÷ time from the release to the last answer;")
    print("ans/CPU s = answers stored ÷ CPU seconds the server used in the burst")


def print_header(args: argparse.Namespace) -> None:
    """The machine, the Python and the crowd settings."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print("course crowd benchmark")
    print(
        f"  machine: {os.cpu_count()} cores ({usable} usable), {platform.machine()}, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}"
    )
    print(
        f"  server: course serve, {args.workers} workers, access log off, "
        f"COURSE_ENV=development; databases: {', '.join(args.databases)}"
    )
    print(
        f"  crowd: {', '.join(map(str, args.learners))} learners released at once, "
        f"{args.repeat} burst(s) each after a warm-up of {WARM_UP_LEARNERS}; each learner: "
        "GET+POST /start, GET quiz, "
        f"{ANSWERS} answer POSTs (htmx); one httpx client per learner, all on {HOST}"
    )
    print("  note: the learners' client shares the same cores as the server")
    print()


def main(argv: Sequence[str] | None = None) -> int:
    """Run every database and crowd size; always stop the server and drop the schema."""
    args = parse_args(argv)
    raise_on_sigterm()
    print_header(args)
    results: dict[str, list[Burst]] = {}
    try:
        for database in args.databases:
            with tempfile.TemporaryDirectory(prefix="course-crowd-") as tmp:
                results[database] = run_database(args, database, Path(tmp))
    except (BenchError, subprocess.TimeoutExpired, OSError) as error:
        print(f"FAIL {error}", file=sys.stderr)
        return 1
    print_summary(results, args.repeat)
    errors = sum(sum(b.errors.values()) for bursts in results.values() for b in bursts)
    if errors:
        print(f"FAIL {errors} requests failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
