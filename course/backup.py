"""Backing up and restoring a SQLite database while the course serves (`course backup`,
`course restore`).

Both use SQLite's online backup API, which copies the database page by page as one consistent
snapshot, whatever writers do meanwhile; copying the file itself could catch a half-written
transaction or miss what is still in the write-ahead log. On PostgreSQL, use its own tools
(`pg_dump` and `pg_restore`, in docs/OPERATIONS.md): these commands refuse it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

PAGES_PER_STEP = 1024  # the backup lets writers in between steps of this many pages


class BackupError(Exception):
    """What went wrong, in words for the operator."""


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL; BackupError for anything else."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "course backup copies SQLite databases; for PostgreSQL use pg_dump "
            "(see docs/OPERATIONS.md, Backups)"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("this database lives in memory: there is no file to back up")
    return Path(url.database)


def copy_database(source: Path, target: Path) -> None:
    """Copy one SQLite database into another, as one consistent snapshot."""
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing, pages=PAGES_PER_STEP)
    writing.close()
    reading.close()


def revision_of(path: Path) -> str | None:
    """The migration a database file is at (None when it has no course schema)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def back_up(database_url: str, destination: Path) -> str:
    """Write a consistent copy of the database to `destination` (a new file); its revision."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    if destination.exists():
        raise BackupError(f"{destination} exists already: choose a new file name")
    copy_database(source, destination)
    revision = revision_of(destination)
    if revision is None:
        destination.unlink()
        raise BackupError(f"{source} does not hold the course's tables")
    return revision


def restore(database_url: str, backup: Path) -> str:
    """Put a backup's contents in place of the database's (stop the server first); the
    backup's revision. Run `course migrate` after it when the backup is older than the code."""
    target = sqlite_path(database_url)
    revision = revision_of(backup) if backup.exists() else None
    if revision is None:
        raise BackupError(f"{backup} is not a backup of the course (no course tables in it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_database(backup, target)
    return revision
