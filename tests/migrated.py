"""Fresh, migrated databases for tests, in milliseconds rather than a second each.

The migrations run once per test process; each test still gets a database of its own:

- SQLite: a copy (SQLite's backup API) of a file migrated once;
- PostgreSQL: the migrations' own SQL, as Alembic writes it offline for PostgreSQL, run once per
  new schema in one round trip (Alembic online imports and runs eight migrations one by one).

Both end exactly as `course migrate` leaves a database: tests/unit/test_db.py compares the result
with the models, and tests/unit/test_cli_migrate.py runs the migrations themselves.
"""

from __future__ import annotations

import atexit
import functools
import io
import shutil
import sqlite3
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from course.migrations.run import alembic_config, upgrade


@functools.cache
def sqlite_template() -> Path:
    """A SQLite file migrated to the newest revision, made once per process."""
    folder = Path(tempfile.mkdtemp(prefix="course-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "migrated.db"
    upgrade(f"sqlite:///{path}")
    return path


def migrated_sqlite(path: Path) -> str:
    """A new SQLite database at `path`, migrated; its URL."""
    source, target = sqlite3.connect(sqlite_template()), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


@functools.cache
def postgres_script(base_url: str) -> str:
    """The SQL that the migrations run on an empty PostgreSQL database, BEGIN to COMMIT."""
    config = alembic_config(base_url)
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    script: str = config.output_buffer.getvalue()
    return script


def migrate_postgres(base_url: str, url: str) -> None:
    """Migrate the empty schema that `url` points to (its search_path), in one round trip."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            driver = connection.connection.driver_connection  # psycopg's own: many statements
            assert driver is not None
            driver.execute("SET synchronous_commit TO off;" + postgres_script(base_url))
    finally:
        engine.dispose()
