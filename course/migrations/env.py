"""Alembic environment: the models' metadata, and the engine our app uses."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import course.models  # noqa: F401 - registers every table
from course.db import MIGRATE, create_db_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Run migrations on a live connection (SQLite in batch mode for ALTERs)."""
    url = config.get_main_option("sqlalchemy.url")
    assert url
    engine = create_db_engine(url)
    with engine.connect().execution_options(**MIGRATE) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copying it and dropping the old one: with foreign
            # keys on, that drop would cascade and delete every row that refers to it. The
            # pragma only works outside a transaction, so it goes straight to the driver.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows without their parent: {broken}")
    engine.dispose()


run_migrations()
