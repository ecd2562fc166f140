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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
