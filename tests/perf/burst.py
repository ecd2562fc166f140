"""A burst, and a crash, mid-lesson: nothing acknowledged is lost or stored twice.

Run it with `make burst` or, from the repository root, `.venv/bin/python -m tests.perf.burst
[--learners 300] [--classes 10] [--answers 10000] [--seconds 30] [--databases sqlite,postgres]
[--quick]`. Each run sets up a school of `--classes` classes on a fresh database (written with
the app's own functions), serves it with `course serve --workers 2`, and lets `--learners`
virtual learners (tests/perf/burst_learners.py) join their class by its code and give
`--answers` answers over about `--seconds` seconds, through a bounded pool of connections, with
the faults of school wifi: timeouts, dropped and cut connections, double submissions, changed
minds. The runs:

    sqlite      app killed     the server's process group gets SIGKILL mid-burst; `course serve`
                               starts again on the same file and port
    postgresql  app killed     the same, on a fresh database in the shared PostgreSQL
    postgresql  db restarted   a private PostgreSQL (tests/perf/private_postgres.py) is
                               restarted mid-burst (`pg_ctl restart -m immediate`); the app is
                               not restarted and must recover by itself

The learners keep their own record of every acknowledged answer. At the end each run reads the
tables directly and reconciles (tests/perf/burst_reconcile.py): acknowledged, stored, lost
(acknowledged, not stored), duplicated (more rows than answers for a learner and question, or
rows nobody sent), wrong (a stored choice that is not the one sent first), and the classes'
running totals against the rows (an answer counted twice for the class, or not at all). It
prints one table, and exits 1 when anything is lost, duplicated, wrong or miscounted, on a
response that is not an acknowledgement and not worth sending again (a 403, a 422, a 200
without feedback), on a 5xx where none may be (any in a run whose database stays up; in the
restart run, one sent more than a second after the database was back), when the fault did not
land mid-burst (answers acknowledged before it and after it), or when the app stopped.

Nothing is sent after the deadline: `--grace` seconds after `--seconds`, or after the fault is
over if that is later. A machine too slow for the burst leaves answers unsent, which the run
reports but does not fail on (the figures for what was sent still hold); `--require-all` makes
it fail unless every answer was acknowledged. Server logs are kept in the temp folder when a
run fails or the app logged errors.

PostgreSQL for the app-killed run: a fresh database on 127.0.0.1:5432, created and dropped here,
or the database COURSE_BURST_DATABASE_URL names (used as it is). This is a script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from course.content.loader import load_catalogue
from course.settings import REPO_ROOT
from tests.perf.bench import (
    BIN,
    HOST,
    BenchError,
    Server,
    course_env,
    free_port,
    migrate,
    raise_on_sigterm,
    start_server,
    stop,
    tail,
)
from tests.perf.burst_learners import BAND, Learner, Record, Schedule, discover_forms, plan
from tests.perf.burst_reconcile import Reconciled, make_school, reconcile, server_errors_in_log
from tests.perf.crowd import cpu_seconds
from tests.perf.private_postgres import PrivatePostgres, private_postgres

SHARED_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASES = ("sqlite", "postgres")
FAULTS = ("app", "database")
UNLIMITED = {"COURSE_STARTS_PER_MINUTE": "1000000", "COURSE_POSTS_PER_MINUTE": "1000000"}
HEALED_WITHIN = 1.0  # seconds after the database is back within which a 5xx may still be sent
UP_TIMEOUT = 120.0  # a loaded 2-core machine has taken 30 s to start `course serve`


@dataclass
class Run:
    """One burst: what it ran on, what happened to it, and what it found."""

    database: str
    fault: str
    record: Record = field(default_factory=Record)
    fault_at: float | None = None  # seconds into the burst
    back_at: float | None = None  # the app (or the database) answering again
    reconciled: Reconciled | None = None
    logged_errors: Counter[str] = field(default_factory=Counter)
    kept_logs: Path | None = None
    require_all: bool = False  # fail unless every planned answer was acknowledged
    server_cpu: float = 0.0  # CPU seconds the app's processes used, the killed ones included
    cpu_base: float = 0.0  # what the app serving now had used when the burst reached it
    client_cpu: float = 0.0  # CPU seconds the learners (this process) used in the burst

    @property
    def downtime(self) -> float | None:
        """From the fault to the first acknowledgement of an answer sent after it."""
        if self.fault_at is None:
            return None
        after = [acked for sent, acked in self.record.acks if sent >= self.fault_at]
        return min(after) - self.fault_at if after else None

    def failures(self, answers: int) -> list[str]:
        """Everything that makes this run fail, in words."""
        found = []
        done = self.reconciled
        if done is None:
            return ["not reconciled"]
        for name in ("lost", "duplicated", "wrong", "miscounted"):
            if getattr(done, name):
                found.append(f"{getattr(done, name)} {name}")
        if self.require_all and done.acknowledged < answers:
            found.append(f"only {done.acknowledged} of {answers} answers acknowledged")
        if self.fault_at is None:
            found.append("the fault never happened (the burst ended first)")
        elif not any(acked < self.fault_at for _, acked in self.record.acks):
            found.append("no answer was acknowledged before the fault: it was not mid-burst")
        elif self.downtime is None:
            found.append("no answer was acknowledged after the fault")
        late = self.forbidden_server_errors()
        if late:
            found.append(f"{late} server errors (5xx) where none may be")
        found += [f"{reason} ×{n}" for reason, n in sorted(self.record.problems.items())]
        return found

    def forbidden_server_errors(self) -> int:
        """5xx that no fault explains: any while the database is up, or sent after it healed."""
        errors = self.record.server_errors
        if self.fault != "db restarted":
            return len(errors)
        back = self.back_at if self.back_at is not None else float("inf")
        return sum(sent > back + HEALED_WITHIN for sent in errors)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: the size of the burst, the databases, and the quick smoke run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300, help="virtual learners (300)")
    parser.add_argument("--classes", type=int, default=10, help="classes they join (10)")
    parser.add_argument("--answers", type=int, default=10_000, help="answers in all (10,000)")
    parser.add_argument("--seconds", type=float, default=30.0, help="the burst's span (30)")
    parser.add_argument("--databases", default=",".join(DATABASES), help="sqlite, postgres")
    parser.add_argument("--connections", type=int, default=40, help="the learners' connections")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (2)")
    parser.add_argument("--fault-at", type=float, default=0.4, help="share of --seconds (0.4)")
    parser.add_argument(
        "--grace",
        type=float,
        default=15.0,
        help="the deadline, in seconds after --seconds or after the fault is over, whichever is "
        "later: nothing is sent after it (15)",
    )
    parser.add_argument(
        "--require-all",
        action="store_true",
        help="fail unless every answer was acknowledged by the deadline (a fast machine's CI)",
    )
    parser.add_argument("--seed", type=int, default=14, help="the learners' random seed")
    parser.add_argument(
        "--faults",
        default=",".join(FAULTS),
        help="on PostgreSQL: app (the app killed), database (the server restarted), or both",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 30 learners, 3 classes, 300 answers, 8 s"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.learners, args.classes, args.answers, args.seconds = 30, 3, 300, 8.0
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    args.databases = ["postgres" if n == "postgresql" else n for n in args.databases]
    if not args.databases or not set(args.databases) <= set(DATABASES):
        parser.error(f"--databases must be among {', '.join(DATABASES)}")
    args.faults = [name.strip() for name in args.faults.split(",") if name.strip()]
    if not args.faults or not set(args.faults) <= set(FAULTS):
        parser.error(f"--faults must be among {', '.join(FAULTS)}")
    if not 1 <= args.classes <= args.learners <= 5000 or not 1 <= args.answers <= 200_000:
        parser.error("1 ≤ --classes ≤ --learners ≤ 5000, and --answers is 1 to 200,000")
    if not 1 <= args.seconds <= 600 or not 0.05 <= args.fault_at <= 0.95:
        parser.error("--seconds is 1 to 600, --fault-at 0.05 to 0.95")
    if args.connections < 2 or args.workers < 1 or not 0 < args.grace <= 600:
        parser.error("--connections ≥ 2, --workers ≥ 1, --grace up to 600 s")
    return args


def serve(env: dict[str, str], port: int, workers: int, tmp: Path, name: str) -> Server:
    """`course serve` on this port (again after a crash: the same port)."""
    command = [str(BIN / "course"), "serve", "--host", HOST, "--port", str(port)]
    return start_server(name, [*command, "--workers", str(workers)], env, tmp)


async def until_up(server: Server) -> None:
    """Poll the server until it answers, without holding up the learners."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + UP_TIMEOUT
    async with httpx.AsyncClient(timeout=1.0, trust_env=False) as client:
        while loop.time() < deadline:
            if server.process.poll() is not None:
                raise BenchError(f"{server.name} exited at start:\n{tail(server.log)}")
            with suppress(httpx.HTTPError):
                await client.get(f"http://{HOST}:{server.port}/")
                return
            await asyncio.sleep(0.1)
    raise BenchError(f"{server.name} did not answer within {UP_TIMEOUT:.0f}s:\n{tail(server.log)}")


async def kill_and_restart(
    run: Run,
    at: float,
    grace: float,
    servers: list[Server],
    env: dict[str, str],
    workers: int,
    tmp: Path,
) -> None:
    """At `at` seconds: SIGKILL the server's whole process group, then serve again. The
    deadline moves to at least `grace` seconds after it is back."""
    await asyncio.sleep(max(0.0, at - run.record.now()))
    old = servers[-1]
    run.fault_at = run.record.now()
    run.server_cpu += cpu_seconds(old.process.pid) - run.cpu_base
    deadline, run.record.deadline = run.record.deadline, float("inf")  # no giving up while down
    os.killpg(old.process.pid, signal.SIGKILL)
    await asyncio.to_thread(old.process.wait)
    servers.append(serve(env, old.port, workers, tmp, f"course-{len(servers) + 1}"))
    await until_up(servers[-1])
    run.back_at = run.record.now()
    run.record.deadline = max(deadline, run.back_at + grace)
    run.cpu_base = cpu_seconds(servers[-1].process.pid)  # its start is not the burst's


async def restart_database(run: Run, at: float, grace: float, database: PrivatePostgres) -> None:
    """At `at` seconds: restart the private PostgreSQL as after a crash. The deadline moves to
    at least `grace` seconds after it is back."""
    await asyncio.sleep(max(0.0, at - run.record.now()))
    run.fault_at = run.record.now()
    deadline, run.record.deadline = run.record.deadline, float("inf")
    await asyncio.to_thread(database.restart, "immediate")
    run.back_at = run.record.now()
    run.record.deadline = max(deadline, run.back_at + grace)


CONNECTIONS_PER_POOL = 5


async def burst(
    args: argparse.Namespace,
    run: Run,
    port: int,
    codes: list[str],
    fault: asyncio.Task[None] | None,
    schedule: Schedule,
) -> None:
    """Release the learners; the fault task runs beside them."""
    joins, plans = schedule
    # The connections in pools of about five, each learner on one: httpcore's pool scans all its
    # connections and queued requests for each request (and polls every idle socket), so one
    # pool of 40 cost the learners more CPU than the app used.
    shards = max(1, args.connections // CONNECTIONS_PER_POOL)
    sizes = [args.connections // shards + (n < args.connections % shards) for n in range(shards)]
    transports = [
        httpx.AsyncHTTPTransport(
            limits=httpx.Limits(
                max_connections=size,
                max_keepalive_connections=size,
                keepalive_expiry=4.0,  # under uvicorn's 5 s: it rarely closes one about to be used
            ),
            retries=0,
        )
        for size in sizes
    ]
    slots = [asyncio.Semaphore(size) for size in sizes]
    learners = [
        Learner(n, codes[n % len(codes)], port, transports[n % shards], slots[n % shards])
        for n in range(args.learners)
    ]
    try:
        tasks = [
            asyncio.create_task(learner.run(run.record, joins[n], plans[n]))
            for n, learner in enumerate(learners)
        ]
        await asyncio.gather(*tasks)
        if fault is not None:
            await fault
    finally:
        for transport in transports:
            await transport.aclose()


async def run_burst(
    args: argparse.Namespace,
    run: Run,
    servers: list[Server],
    env: dict[str, str],
    tmp: Path,
    codes: list[str],
    schedule: Schedule,
    database: PrivatePostgres | None,
) -> None:
    """The learners and the fault, on one event loop."""
    run.record = Record()
    run.record.deadline = args.seconds + args.grace
    at = args.seconds * args.fault_at
    if database is not None:
        fault = asyncio.create_task(restart_database(run, at, args.grace, database))
    else:
        fault = asyncio.create_task(
            kill_and_restart(run, at, args.grace, servers, env, args.workers, tmp)
        )
    try:
        await burst(args, run, servers[0].port, codes, fault, schedule)
    finally:
        if not fault.done():
            fault.cancel()
            with suppress(asyncio.CancelledError, BenchError):
                await fault


def one_run(
    args: argparse.Namespace, run: Run, url: str, tmp: Path, database: PrivatePostgres | None
) -> None:
    """Migrate and fill a fresh database, serve it, burst, stop, reconcile."""
    catalogue = load_catalogue(REPO_ROOT)
    env = course_env(tmp) | {"COURSE_ENV": "development"} | UNLIMITED
    if url:
        env["COURSE_DATABASE_URL"] = url
    url = env["COURSE_DATABASE_URL"]
    migrate(env)
    classes = make_school(url, args.classes, BAND)
    servers = [serve(env, free_port(), args.workers, tmp, "course-1")]
    try:
        asyncio.run(until_up(servers[0]))
        forms = discover_forms(servers[0].port, catalogue)
        schedule = plan(forms, args.learners, args.answers, args.seconds, args.seed)
        codes = [code for _, code in classes]
        run.cpu_base = cpu_seconds(servers[0].process.pid)
        client_before = time.process_time()
        asyncio.run(run_burst(args, run, servers, env, tmp, codes, schedule, database))
        run.client_cpu = time.process_time() - client_before
        if servers[-1].process.poll() is not None:
            raise BenchError(f"the app stopped during the run:\n{tail(servers[-1].log)}")
        run.server_cpu += cpu_seconds(servers[-1].process.pid) - run.cpu_base
    finally:
        for server in reversed(servers):
            stop(server)
    for server in servers:
        run.logged_errors.update(server_errors_in_log(server.log))
    ids = [class_id for class_id, _ in classes]
    run.reconciled = reconcile(url, run.record, env["COURSE_SECRET_KEY"], ids, forms)
    if run.failures(args.answers) or run.logged_errors:
        run.kept_logs = keep_logs(servers, run)


def keep_logs(servers: list[Server], run: Run) -> Path:
    """Copy the server logs out of the run's folder, which is about to go, for a look later."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    kept = (
        Path(tempfile.gettempdir())
        / f"course-burst-logs-{stamp}-{run.database}-{run.fault.split()[0]}"
    )
    kept.mkdir(parents=True, exist_ok=True)
    for server in servers:
        if server.log.exists():
            shutil.copy(server.log, kept / server.log.name)
    return kept


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new database on the shared PostgreSQL, dropped afterwards (connections and all)."""
    name = f"course_burst_{secrets.token_hex(5)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        try:
            yield admin.url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()


@contextmanager
def shared_postgres() -> Iterator[str]:
    """COURSE_BURST_DATABASE_URL as it is, or a fresh database on 127.0.0.1:5432."""
    given = os.environ.get("COURSE_BURST_DATABASE_URL", "")
    if given:
        yield given
        return
    with fresh_database(SHARED_POSTGRES) as url:
        yield url


def run_all(args: argparse.Namespace) -> list[Run]:
    """Every run the databases ask for, one after the other."""
    runs: list[Run] = []
    for database in args.databases:
        if database == "sqlite":
            runs.append(Run("sqlite", "app killed", require_all=args.require_all))
            with tempfile.TemporaryDirectory(prefix="course-burst-") as tmp:
                print_start(runs[-1])
                one_run(args, runs[-1], "", Path(tmp), None)
            print_run(runs[-1], args.answers)
            continue
        if "app" in args.faults:
            runs.append(Run("postgresql", "app killed", require_all=args.require_all))
            with (
                tempfile.TemporaryDirectory(prefix="course-burst-") as tmp,
                shared_postgres() as url,
            ):
                print_start(runs[-1])
                one_run(args, runs[-1], url, Path(tmp), None)
            print_run(runs[-1], args.answers)
        if "database" in args.faults:
            runs.append(Run("postgresql", "db restarted", require_all=args.require_all))
            with (
                tempfile.TemporaryDirectory(prefix="course-burst-") as tmp,
                private_postgres() as pg,
            ):
                print_start(runs[-1])
                one_run(args, runs[-1], pg.url, Path(tmp), pg)
            print_run(runs[-1], args.answers)
    return runs


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of seconds, in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))] * 1000


def print_start(run: Run) -> None:
    print(f"{run.database}, {run.fault}: setting up …", flush=True)


def print_run(run: Run, answers: int) -> None:
    """What one run saw, beyond the table: faults, retries by reason, statuses."""
    record, done = run.record, run.reconciled
    down = f"{run.downtime:.1f}s" if run.downtime is not None else "-"
    back = f"{run.back_at - run.fault_at:.1f}s" if run.back_at and run.fault_at else "-"
    print(
        f"  fault at {run.fault_at or 0:.1f}s; {'app' if 'app' in run.fault else 'database'} "
        f"back after {back}; first answer acknowledged after it: {down}"
    )
    last = max((acked for _, acked in record.acks), default=0.0)
    print(
        f"  answers: {answers} planned, {len(record.sent)} sent, {len(record.acked)} "
        f"acknowledged (the last {last:.1f}s in), {record.gave_up} sent but not acknowledged by "
        f"the deadline, {record.unsent} not sent by it"
    )
    to_ack = percentile(record.to_ack, 0.99) / 1000
    print(
        f"  time from an answer's first send to its acknowledgement: p99 {to_ack:.1f}s, "
        f"longest {max(record.to_ack, default=0.0):.1f}s (retries and the fault included)"
    )
    cpu = len(record.acked) / run.server_cpu if run.server_cpu else 0.0
    print(
        f"  CPU: the app {run.server_cpu:.0f}s ({cpu:.0f} acknowledged answers per CPU second), "
        f"the learners {run.client_cpu:.0f}s; load {os.getloadavg()[0]:.1f}"
    )
    print(f"  faults injected: {dict(sorted(record.faults.items()))}")
    print(f"  retries ({sum(record.retries.values())}): {dict(record.retries.most_common())}")
    print(f"  statuses: {dict(sorted(record.statuses.items()))}")
    if record.server_errors:
        print(
            f"  5xx: {len(record.server_errors)}, their requests sent from "
            f"{min(record.server_errors):.1f}s to {max(record.server_errors):.1f}s"
        )
    if done is not None:
        print(
            f"  learners joined {record.joined}, in the database {done.learners} "
            f"(a join retried after a lost answer leaves an empty learner); "
            f"stored without acknowledgement {done.unacknowledged_stored}; "
            f"class totals checked for {done.questions} questions"
        )
    for miscount in done.miscounts if done else ():
        print(f"  miscounted: {miscount}")
    print(f"  server log: {sum(run.logged_errors.values())} unhandled errors")
    for error, count in run.logged_errors.most_common(3):
        print(f"    {count} × {error}")
    if run.kept_logs:
        print(f"  server logs kept in {run.kept_logs}")
    for note, count in sorted(record.notes.items()):
        print(f"  note: {note} ×{count}")
    for failure in run.failures(answers):
        print(f"  FAIL {failure}")
    print(flush=True)


def print_table(runs: list[Run]) -> None:
    """One line per run."""
    print(
        f"{'database':<11}{'fault':<14}{'acked':>7}{'stored':>7}{'lost':>6}{'dup':>5}"
        f"{'wrong':>6}{'ans/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'retries':>8}{'5xx':>6}{'down s':>8}"
        f"{'ans/CPU s':>10}"
    )
    for run in runs:
        done, record = run.reconciled, run.record
        if done is None:
            continue
        span = max((acked for _, acked in record.acks), default=0.0)
        rate = done.acknowledged / span if span else 0.0
        latencies = [acked - sent for sent, acked in record.acks]
        down = f"{run.downtime:.1f}" if run.downtime is not None else "-"
        print(
            f"{run.database:<11}{run.fault:<14}{done.acknowledged:>7}{done.stored:>7}"
            f"{done.lost:>6}{done.duplicated:>5}{done.wrong:>6}{rate:>7.0f}"
            f"{percentile(latencies, 0.5):>8.0f}{percentile(latencies, 0.99):>8.0f}"
            f"{sum(record.retries.values()):>8}{len(record.server_errors):>6}{down:>8}"
            f"{done.acknowledged / run.server_cpu if run.server_cpu else 0.0:>10.0f}"
        )
    print(
        "acked: answers the client saw acknowledged; stored: rows for them; dup: rows beyond one "
        "per learner and question,\nor nobody's; wrong: a stored choice not the one sent; ans/s: "
        "acknowledged ÷ seconds to the last; p50/p99: the\nacknowledged POST itself; down: fault "
        "to the first acknowledgement of an answer sent after it;\nans/CPU s: acknowledged ÷ CPU "
        "seconds the app's processes used (less sensitive to a busy machine)"
    )


def print_header(args: argparse.Namespace) -> None:
    """The machine and the burst's settings."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO_ROOT
    ).stdout.strip()
    print(f"course burst and crash, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}")
    print(
        f"  machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"load {os.getloadavg()[0]:.1f}; Python {platform.python_version()}"
    )
    print(
        f"  {args.learners} learners in {args.classes} classes, {args.answers} answers over "
        f"{args.seconds:.0f}s, {args.connections} connections, fault at "
        f"{args.seconds * args.fault_at:.0f}s; course serve --workers {args.workers}"
    )
    print("  note: the learners' client shares the cores with the server and the databases")
    print(flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Every run, then the table; exit 1 on anything lost, doubled or unexplained."""
    args = parse_args(argv)
    raise_on_sigterm()
    print_header(args)
    try:
        runs = run_all(args)
    except (BenchError, subprocess.TimeoutExpired, OSError) as error:
        print(f"FAIL {error}", file=sys.stderr)
        return 1
    print_table(runs)
    failed = [run for run in runs if run.failures(args.answers)]
    for run in failed:
        print(f"FAIL {run.database}, {run.fault}: {'; '.join(run.failures(args.answers))}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
