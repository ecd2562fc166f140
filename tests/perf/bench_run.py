"""`make bench`: the app on SQLite and on PostgreSQL beside a bare hello-world, side by side.

Run it with `make bench` or `.venv/bin/python tests/perf/bench.py [--seconds 10]
[--databases sqlite,postgresql] [--classes 100]`. For each database it makes a fresh one
(tests/perf/bench_data.py), serves it with `course serve --workers 2` in production mode, and
loads with wrk (50 connections) the hello-world (measured again just before each database, so
each ratio is to a ceiling measured minutes apart, not half an hour), the home page, a lesson
page for a returning learner, an answer submission (htmx POSTs of first answers from 3,000
pupils in 100 classes, each with their own cookie and CSRF token) and a teacher's class
dashboard of 30 pupils. It prints one table with both databases side by side, each figure's
ratio to the hello-world and a pass/miss against the targets, then each worker's peak memory
and the lesson page's bytes. It exits 1 when any response was an error or wrk lost requests.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from course.content.loader import load_catalogue
from course.settings import REPO_ROOT
from tests.perf.bench import (
    HOST,
    WARM_UP_SECONDS,
    WRK_THREADS,
    BenchError,
    Endpoint,
    Resource,
    Server,
    WrkResult,
    failures,
    measure,
    migrate,
    page_weight,
    parse_wrk,
    raise_on_sigterm,
    request,
    run_wrk,
    serve_course,
    serve_hello,
    start_learner,
    stop,
    wait_until_up,
)
from tests.perf.bench_data import (
    DATABASE_URL_VARIABLE,
    PUPILS_PER_CLASS,
    SECURE_NAMES,
    Filled,
    count_answers,
    fill_database,
    postgres_url,
    production_env,
    sqlite_url,
    write_answer_script,
)

DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
TARGET_P99_MS = 100.0
HELLO, HOME, LESSON, ANSWER, DASHBOARD = "hello", "home", "lesson", "answer", "dashboard"
ROWS = {
    HELLO: ("hello-world (bare FastAPI)", None),
    HOME: ("home page, first visit", None),
    LESSON: ("lesson page, returning learner", 0.5),
    ANSWER: ("answer submission (htmx POST)", 0.2),
    DASHBOARD: ("class dashboard, 30 pupils", 0.1),
}


@dataclass
class Run:
    """What one database's pass measured."""

    database: str
    results: dict[str, WrkResult] = field(default_factory=dict)
    first_answers: int = 0
    memory_mb: list[float] = field(default_factory=list)
    lesson_path: str = ""
    weight: list[Resource] = field(default_factory=list)
    html_headers: int = 0

    def ratio(self, row: str) -> float:
        """A row's requests/s as a ratio to the hello-world measured just before."""
        hello = self.results[HELLO].requests_per_second
        return self.results[row].requests_per_second / hello if hello else 0.0

    def passed(self, row: str) -> bool | None:
        """Whether a row meets its target (None for the hello-world, which is the ceiling)."""
        target = ROWS[row][1]
        if row == HELLO:
            return None
        p99 = self.results[row].p99_ms < TARGET_P99_MS
        return p99 if target is None else p99 and self.ratio(row) >= target


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: duration, workers, connections, databases and pupils."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measured run")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers per server")
    parser.add_argument("--connections", type=int, default=50, help="open wrk connections")
    parser.add_argument(
        "--databases", default=",".join(DATABASES), help="sqlite, postgresql or both"
    )
    parser.add_argument(
        "--classes", type=int, default=100, help=f"classes of {PUPILS_PER_CLASS} pupils answering"
    )
    args = parser.parse_args(argv)
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if args.seconds < 1 or args.workers < 1 or args.connections < WRK_THREADS:
        parser.error(f"--seconds and --workers must be ≥ 1, --connections ≥ {WRK_THREADS}")
    if not args.databases or any(name not in DATABASES for name in args.databases):
        parser.error("--databases is sqlite, postgresql or both, separated by a comma")
    if not 2 <= args.classes <= 1000:
        parser.error("--classes is 2 to 1000")
    return args


def worker_peaks(server: Server) -> list[float]:
    """Each uvicorn worker's peak resident memory (VmHWM from /proc), in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    peaks, waiting = [], list(children.get(server.process.pid, []))
    while waiting:
        pid = waiting.pop()
        waiting += children.get(pid, [])
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if b"spawn_main" in command:  # a worker, not the resource tracker
            kilobytes = next(line for line in status.splitlines() if line.startswith("VmHWM"))
            peaks.append(int(kilobytes.split()[1]) / 1024)
    return sorted(peaks)


def measure_answers(
    port: int, filled: Filled, url: str, args: argparse.Namespace, folder: Path
) -> tuple[WrkResult, int]:
    """Check one answer by hand, warm up, then measure; and how many stored a first answer."""
    check, pupils = filled.pupils[-1], filled.pupils[:-1]
    question = filled.questions[0]
    headers = {
        "Cookie": check.cookie,
        "X-CSRF-Token": check.csrf,
        "HX-Request": "true",
        "Origin": f"http://{HOST}:{port}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    answered = request(port, "POST", question.path, headers, question.bodies[0])
    if answered.status != 200:
        raise BenchError(f"an answer to {question.path} got {answered.status}, not 200")
    script = folder / "answers.lua"
    write_answer_script(script, pupils, filled.questions, port)
    endpoint = Endpoint(ROWS[ANSWER][0], port, question.path)
    print(f"  {endpoint.name}: warm-up {WARM_UP_SECONDS}s, then {args.seconds}s …", flush=True)
    warm = parse_wrk(run_wrk(endpoint, WARM_UP_SECONDS, args.connections, script, ("0",)))
    offset = str(warm.requests + args.connections)  # and any request still in flight
    before = count_answers(url)
    result = parse_wrk(run_wrk(endpoint, args.seconds, args.connections, script, (offset,)))
    time.sleep(0.5)  # the last responses' transactions
    return result, count_answers(url) - before


def run_database(
    name: str,
    database: AbstractContextManager[str],
    hello: Server,
    args: argparse.Namespace,
    folder: Path,
) -> Run:
    """Fill a fresh database, serve it, and load every endpoint; the server is stopped after."""
    run = Run(name)
    folder.mkdir()
    catalogue = load_catalogue(REPO_ROOT)
    with database as url:
        env = production_env(url, folder)
        migrate(env)
        started = time.monotonic()
        filled = fill_database(url, catalogue, env["COURSE_SECRET_KEY"], args.classes)
        print(
            f"{DATABASES[name]}: {len(filled.pupils)} pupils in {args.classes} classes to answer "
            f"{len(filled.questions)} questions, a class of 30 for the dashboard "
            f"(filled in {time.monotonic() - started:.1f}s); starting the app …",
            flush=True,
        )
        server = serve_course(env, args.workers, folder)
        try:
            wait_until_up(server)
            port = server.port
            cookie, run.lesson_path = start_learner(port, (SECURE_NAMES.learner, SECURE_NAMES.csrf))
            teacher = (f"Cookie: {filled.teacher_cookie}",)
            dashboard = f"/teachers/classes/{filled.dashboard_class}/dashboard"
            for row, endpoint in (
                (HELLO, Endpoint(ROWS[HELLO][0], hello.port, "/")),
                (HOME, Endpoint(ROWS[HOME][0], port, "/")),
                (LESSON, Endpoint(ROWS[LESSON][0], port, run.lesson_path, (f"Cookie: {cookie}",))),
                (DASHBOARD, Endpoint(ROWS[DASHBOARD][0], port, dashboard, teacher)),
            ):
                run.results[row] = measure(endpoint, args.seconds, args.connections)
            run.results[ANSWER], run.first_answers = measure_answers(
                port, filled, url, args, folder
            )
            run.memory_mb = worker_peaks(server)
            run.weight = page_weight(port, run.lesson_path, cookie)
        finally:
            stop(server)
    return run


def print_header(args: argparse.Namespace) -> None:
    """The machine, the Python, the servers and the load."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    wrk_version = (wrk.stdout + wrk.stderr).splitlines()[0].split(" Copyright")[0]
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    print("course benchmark")
    print(
        f"  machine: {os.cpu_count()} cores ({usable} usable), {platform.machine()}, "
        f"{platform.system()} {platform.release()}; load average {load}"
    )
    print(f"  Python {platform.python_version()} ({sys.executable}); {wrk_version}")
    print(
        f"  app: course serve, {args.workers} workers, COURSE_ENV=production (post limit lifted: "
        f"every request comes from {HOST}); hello-world: uvicorn, same options"
    )
    print(
        f"  load: wrk, {WRK_THREADS} threads, {args.connections} connections, "
        f"{WARM_UP_SECONDS}s warm-up (discarded) + {args.seconds}s per endpoint, on {HOST}"
    )
    print("  note: wrk shares the same cores as the servers")
    print()


def print_table(runs: list[Run]) -> None:
    """Each endpoint in each database: req/s, p50/p99, ratio to hello-world, pass or miss."""
    print()
    head = "".join(f"{DATABASES[r.database] + ': req/s  p50  p99 ms  ×hello':>42}" for r in runs)
    print(f"{'endpoint':<32}{head}   target            " + " ".join(r.database for r in runs))
    for row, (label, target) in ROWS.items():
        cells = ""
        for run in runs:
            result = run.results[row]
            cells += (
                f"{result.requests_per_second:>16,.0f}{result.p50_ms:>7.1f}{result.p99_ms:>9.1f}"
                f"{run.ratio(row):>10.3f}"
            )
        wanted = "ceiling" if row == HELLO else f"p99<{TARGET_P99_MS:.0f}"
        if target is not None:
            wanted = f"≥{target}×, {wanted}"
        verdicts = []
        for run in runs:
            passed = run.passed(row)
            verdicts.append("" if passed is None else ("pass" if passed else "MISS"))
        print(f"{label:<32}{cells}   {wanted:<18}" + " ".join(f"{v:<6}" for v in verdicts))


def print_details(runs: list[Run], args: argparse.Namespace) -> None:
    """First answers, memory and bytes, per database."""
    print()
    for run in runs:
        name = DATABASES[run.database]
        answers = run.results[ANSWER].requests
        first = min(run.first_answers, answers)
        print(
            f"{name}: answer submission: {first:,} of {answers:,} measured answers were first "
            f"answers ({100 * first / answers if answers else 0:.0f}%), the rest the idempotent "
            "re-answer"
        )
        memory = ", ".join(f"{mb:.0f}" for mb in run.memory_mb) or "none found"
        print(f"{name}: peak memory per worker (VmHWM): {memory} MB")
        html = run.weight[0]
        total = sum(item.sent_bytes for item in run.weight)
        print(
            f"{name}: lesson page {run.lesson_path}: HTML as sent {html.sent_bytes / 1000:.1f} kB "
            f"({html.encoding}; gzip -6 would be {html.gzip_bytes / 1000:.1f} kB); first visit "
            f"{total / 1000:.1f} kB in {len(run.weight)} files (bodies; CSS and JS gzipped)"
        )


def benchmark(args: argparse.Namespace, tmp: Path) -> int:
    """Serve the hello-world, run each database, print the tables; return the exit code."""
    hello = serve_hello(args.workers, tmp)
    runs: list[Run] = []
    try:
        wait_until_up(hello)
        for name in args.databases:
            database = sqlite_url(tmp / name) if name == "sqlite" else postgres_url()
            if name == "postgresql" and os.environ.get(DATABASE_URL_VARIABLE):
                print(f"PostgreSQL: {DATABASE_URL_VARIABLE} as given", flush=True)
            runs.append(run_database(name, database, hello, args, tmp / name))
        hello_peaks = worker_peaks(hello)
    finally:
        stop(hello)
    print_table(runs)
    print_details(runs, args)
    print(f"hello-world: peak memory per worker {', '.join(f'{m:.0f}' for m in hello_peaks)} MB")
    problems = [
        f"{DATABASES[run.database]} {problem}"
        for run in runs
        for problem in failures(
            [(Endpoint(ROWS[row][0], 0, ""), r) for row, r in run.results.items()]
        )
    ]
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the whole benchmark once; always stop the servers and drop the databases."""
    args = parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    raise_on_sigterm()
    print_header(args)
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        try:
            return benchmark(args, Path(tmp))
        except (BenchError, subprocess.TimeoutExpired) as error:
            print(f"FAIL {error}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
