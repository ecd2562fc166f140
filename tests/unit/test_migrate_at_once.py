"""Two `course migrate` started at the same instant on a new database both succeed: the second
waits for the first (a lock held across the whole migrate) and then finds it up to date, as
when several hosts start their service at once (docs/DEPLOY.md, "Migrations").

Each run starts two real processes that import the command, say they are ready, and wait on
their stdin; both are let go by one write each, so their migrates start within a millisecond or
so of each other, and without the lock they race every time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.migrations.run import current_revision
from tests.conftest import POSTGRES_URL
from tests.live_servers import empty_schema

IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
ROUNDS = 3  # fresh databases per test: one race is enough without the lock, three to be sure

# `course migrate` (the command's own main), started at the go: the process imports what the
# migrate would import late (so neither is still importing when the other begins), says it is
# ready, waits for a line on stdin, then migrates.
AT_THE_GO = (
    "import sys\n"
    "from course.cli import main\n"
    "import course.migrations.run, alembic.command, sqlmodel, course.models\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    "sys.exit(main(['migrate']))\n"
)


def start_at_the_go(env: dict[str, str]) -> subprocess.Popen[str]:
    """A process that will run `course migrate` when it reads a line on its stdin."""
    pipe = subprocess.PIPE
    command = [sys.executable, "-c", AT_THE_GO]
    return subprocess.Popen(command, env=env, text=True, stdin=pipe, stdout=pipe, stderr=pipe)


def migrate_at_once(url: str) -> list[tuple[int, str, str]]:
    """Run two `course migrate` on the database at the same instant; their exit codes, output
    and errors."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    env["COURSE_DATABASE_URL"] = url
    processes = [start_at_the_go(env) for _ in range(2)]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline() == "ready\n", process.communicate()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("\n")
            process.stdin.flush()
        results = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            results.append((process.returncode, out, err))
        return results
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def assert_one_created_one_up_to_date(url: str) -> None:
    results = migrate_at_once(url)
    for code, out, err in results:
        assert code == 0, f"exit {code}:\n{out}\n{err}"
    said = sorted(out.split(":", 1)[0] for _code, out, _err in results)
    assert said == ["database created", "database up to date"], results
    assert current_revision(url) is not None


def test_two_migrates_at_once_on_a_new_sqlite_file_both_succeed(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        assert_one_created_one_up_to_date(f"sqlite:///{tmp_path / f'course-{round_}.db'}")
        assert (tmp_path / f"course-{round_}.db-migrate").exists()


@pytest.mark.postgres
@pytest.mark.skipif(
    not POSTGRES_URL and not IN_CI,
    reason="COURSE_TEST_DATABASE_URL is not set; in CI this fails instead",
)
def test_two_migrates_at_once_on_a_new_postgres_schema_both_succeed() -> None:
    assert POSTGRES_URL, "COURSE_TEST_DATABASE_URL is not set"
    for _ in range(ROUNDS):
        with empty_schema(POSTGRES_URL, "migrate") as url:
            assert_one_created_one_up_to_date(url)
