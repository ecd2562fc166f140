"""`make floors`: how close to `make bench`'s targets the fixed stack itself can come.

Run it with `make floors` or `.venv/bin/python -m tests.perf.floors [--seconds 10]`. It serves
tests/perf/floor_app.py (bare FastAPI, routes that do the least an endpoint of the course must
do, with none of the course's code) as `make bench` serves its hello-world (uvicorn, 2 workers),
on a fresh SQLite file and a fresh PostgreSQL database, loads each route with wrk (2 threads, 50
connections, 2 s warm-up) and prints each as a ratio to the hello-world beside the target it
bounds, with the CPU time per request it leaves for the course's own work (the target's
rate against the floor's, on every core here). A floor under its target means that no change
to the course's own code can meet that target on this machine: only another stack, another
durability or another machine could. It exits 1 when any response was an error.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import psycopg

from tests.perf.bench import (
    WARM_UP_SECONDS,
    BenchError,
    Endpoint,
    WrkResult,
    parse_wrk,
    raise_on_sigterm,
    run_wrk,
    serve_hello,
    stop,
    wait_until_up,
)
from tests.perf.bench_data import postgres_url

CONNECTIONS = 50
CLASSES, PUPILS, QUESTIONS = 10, 30, 37  # the dashboard's class: 30 pupils, every question
POST_SCRIPT = """wrk.method = "POST"
wrk.body = "value=an-answer"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""
# name, path, POST?, the target this floor bounds and its ratio
FLOORS: tuple[tuple[str, str, bool, str, float], ...] = (
    ("hello-world (bare FastAPI)", "/", False, "the ceiling", 1.0),
    ("one form field, on the event loop", "/form", True, "every form post", 0.2),
    ("one form field, in a thread", "/form-in-thread", True, "every write route", 0.2),
    ("+ one durable SQLite insert", "/sqlite-insert", True, "answer, SQLite", 0.2),
    ("+ one PostgreSQL insert, committed", "/postgres-insert", True, "answer, PostgreSQL", 0.2),
    ("one PostgreSQL read, in a thread", "/postgres-read", False, "lesson page, PostgreSQL", 0.5),
    ("one PostgreSQL read, asyncio", "/postgres-read-async", False, "lesson page, PostgreSQL", 0.5),
    ("one class's totals, SQLite (1 query)", "/sqlite-class-totals", False, "dashboard", 0.1),
    ("+ drawn as a table of 30 rows (Jinja)", "/sqlite-class-table", False, "dashboard", 0.1),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="seconds per route (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (default 2)")
    return parser.parse_args(argv)


def make_sqlite(path: Path) -> None:
    """The insert's table, and every class's answers for the totals, in a WAL database."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE floor_row (id INTEGER PRIMARY KEY, value TEXT)")
    connection.execute(
        "CREATE TABLE answer (id INTEGER PRIMARY KEY, class_id INTEGER, learner_id INTEGER, "
        "question INTEGER, correct INTEGER)"
    )
    connection.execute("CREATE INDEX answer_class ON answer (class_id, learner_id)")
    rows = [
        (school_class, school_class * 1000 + pupil, question, (pupil + question) % 2)
        for school_class in range(CLASSES)
        for pupil in range(PUPILS)
        for question in range(QUESTIONS)
    ]
    connection.executemany(
        "INSERT INTO answer (class_id, learner_id, question, correct) VALUES (?, ?, ?, ?)", rows
    )
    connection.commit()
    connection.close()


def make_postgres(url: str) -> None:
    """The insert's and the read's table, with the row the read finds."""
    with psycopg.connect(url) as connection:
        connection.execute("CREATE TABLE floor_row (id SERIAL PRIMARY KEY, value TEXT)")
        connection.execute("INSERT INTO floor_row (value) VALUES ('the row read')")


def load(endpoint: Endpoint, post: bool, seconds: int, script: Path) -> WrkResult:
    """Warm up (discarded), then measure one route."""
    print(f"  {endpoint.name}: warm-up {WARM_UP_SECONDS}s, then {seconds}s …", flush=True)
    lua = script if post else None
    run_wrk(endpoint, WARM_UP_SECONDS, CONNECTIONS, lua)
    return parse_wrk(run_wrk(endpoint, seconds, CONNECTIONS, lua))


def print_table(results: list[tuple[tuple[str, str, bool, str, float], WrkResult]]) -> None:
    """Each floor beside the target it bounds, and what it leaves for the course's own work:
    the CPU time per request (of every core here) between the target's rate and the floor's."""
    hello = results[0][1].requests_per_second
    cores = os.cpu_count() or 1
    print(f"\n{'floor':40} {'req/s':>8} {'p99 ms':>8} {'×hello':>7}   bounds, and the CPU left")
    for (name, _path, _post, bounds, target), result in results:
        rate = result.requests_per_second
        line = f"{name:40} {rate:8,.0f} {result.p99_ms:8.1f} {rate / hello:7.3f}   {bounds}"
        if target < 1.0:
            left_ms = cores * (1 / (target * hello) - 1 / rate) * 1000
            line += f" ≥ {target}×: " + (
                f"{left_ms:.2f} ms a request left" if left_ms > 0 else "UNDER, nothing left"
            )
        print(line)


def run(args: argparse.Namespace, tmp: Path) -> int:
    """Make the databases, serve the floors, load each; the exit code."""
    make_sqlite(tmp / "floor.db")
    script = tmp / "post.lua"
    script.write_text(POST_SCRIPT)
    with postgres_url() as url:
        libpq_url = url.replace("postgresql+psycopg://", "postgresql://")
        make_postgres(libpq_url)
        env = {"FLOOR_SQLITE": str(tmp / "floor.db"), "FLOOR_POSTGRES": libpq_url}
        server = serve_hello(args.workers, tmp, app="floor_app:app", extra_env=env)
        try:
            wait_until_up(server)
            results = [
                (
                    floor,
                    load(Endpoint(floor[0], server.port, floor[1]), floor[2], args.seconds, script),
                )
                for floor in FLOORS
            ]
        finally:
            stop(server)
    print_table(results)
    errors = [(floor[0], r) for floor, r in results if r.non_2xx or r.socket_errors]
    for name, result in errors:
        print(f"FAIL {name}: {result.non_2xx} errors, {result.socket_errors} socket errors")
    return 1 if errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    raise_on_sigterm()
    print(f"floors: bare FastAPI, {args.workers} workers, wrk 2 threads, {CONNECTIONS} connections")
    with tempfile.TemporaryDirectory(prefix="course-floors-") as tmp:
        try:
            return run(args, Path(tmp))
        except BenchError as error:
            print(f"FAIL {error}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
