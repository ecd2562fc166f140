"""A private PostgreSQL server for one run: initdb into a temporary folder, its own port, and a
restart on demand, so a benchmark can restart a database server without touching the shared one.

The binaries are PostgreSQL 15's (/usr/lib/postgresql/15/bin, COURSE_BURST_PG_BIN to change it).
PostgreSQL refuses to run as root, so when this runs as root (CI, the dev box) every command runs
as the `postgres` OS user through `runuser`. The server listens on 127.0.0.1 only, with trust
auth, its socket in its own folder; it is stopped and its folder deleted on the way out, on
errors and Ctrl-C too.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.perf.bench import HOST, BenchError, free_port

PG_BIN = Path(os.environ.get("COURSE_BURST_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"  # who runs the server when we are root
COMMAND_TIMEOUT = 60


@dataclass
class PrivatePostgres:
    """A running private server: its data folder, port and log."""

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its `postgres` database."""
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/postgres"

    def restart(self, mode: str = "immediate") -> float:
        """Restart the server (`immediate`: as after a crash, with recovery at start); returns
        the seconds until it accepts connections again."""
        began = time.monotonic()
        pg_ctl(self, "restart", "-m", mode, "-w", "-t", str(COMMAND_TIMEOUT))
        return time.monotonic() - began


def as_server_user(command: list[str]) -> list[str]:
    """The command, run as the `postgres` OS user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", OS_USER, "--", *command]
    return command


def run(command: list[str], what: str) -> str:
    """Run one PostgreSQL command; its output, or a BenchError saying what failed."""
    try:
        done = subprocess.run(
            as_server_user(command),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BenchError(f"the private PostgreSQL could not {what}: {error}") from error
    if done.returncode != 0:
        raise BenchError(
            f"the private PostgreSQL could not {what} ({' '.join(command[:2])} exited "
            f"{done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def pg_ctl(server: PrivatePostgres, *args: str) -> str:
    """pg_ctl on the private server's data folder, logging to its log file."""
    command = [str(PG_BIN / "pg_ctl"), "-D", str(server.data), "-l", str(server.log), *args]
    return run(command, f"{args[0]} (log: {server.log})")


def own_folder() -> Path:
    """A fresh folder the server's OS user owns (a root-owned temp folder would lock it out)."""
    folder = Path(tempfile.mkdtemp(prefix="course-burst-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(OS_USER)
        except KeyError as error:
            shutil.rmtree(folder)
            raise BenchError(
                f"running as root, and there is no `{OS_USER}` OS user to run PostgreSQL as"
            ) from error
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """initdb, start on a free port, yield; always stop it and delete its folder."""
    if not (PG_BIN / "initdb").exists():
        raise BenchError(
            f"no PostgreSQL binaries in {PG_BIN} (apt-get install postgresql-15, or set "
            "COURSE_BURST_PG_BIN): the database-restart run needs a private server"
        )
    folder = own_folder()
    server = PrivatePostgres(folder, free_port())
    started = False
    try:
        initdb = [str(PG_BIN / "initdb"), "-D", str(server.data), "-U", "postgres"]
        run([*initdb, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], "initdb")
        options = (
            f"-p {server.port} -c listen_addresses={HOST} -k {folder} "
            "-c max_connections=200 -c shared_buffers=64MB"
        )
        started = True  # pg_ctl may have started it even when it then fails
        pg_ctl(server, "start", "-w", "-t", str(COMMAND_TIMEOUT), "-o", options)
        yield server
    finally:
        if started:
            with suppress(BenchError):
                pg_ctl(server, "stop", "-m", "immediate", "-w")
            kill_left_over(server)
        shutil.rmtree(folder, ignore_errors=True)


def kill_left_over(server: PrivatePostgres) -> None:
    """If pg_ctl could not stop it, kill the postmaster named in its pid file."""
    with suppress(OSError, ValueError, IndexError):
        pid = int((server.data / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)
