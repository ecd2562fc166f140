"""The `course` commands that copy data out or back: `backup`, `restore` and `export`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.settings import get_settings


def backup_command(args: argparse.Namespace) -> int:
    """Write a consistent copy of the SQLite database to a new file, while the course serves."""
    from course.backup import BackupError, back_up

    try:
        revision = back_up(get_settings().sqlalchemy_url(), Path(args.file))
    except BackupError as error:
        print(f"no backup made: {error}", file=sys.stderr)
        return 1
    print(f"backed up to {args.file} (schema {revision})")
    return 0


def restore_command(args: argparse.Namespace) -> int:
    """Put a backup in place of the SQLite database (stop the server first)."""
    from course.backup import BackupError, restore

    try:
        revision = restore(get_settings().sqlalchemy_url(), Path(args.file))
    except BackupError as error:
        print(f"nothing restored: {error}", file=sys.stderr)
        return 1
    print(f"restored {args.file} (schema {revision}); run `course migrate` if the code is newer")
    return 0


def export_command(args: argparse.Namespace) -> int:
    """Write a school's statistics to a CSV file: the school dashboard's CSV, suppressed alike."""
    from course.content.loader import load_catalogue
    from course.db import create_db_engine, read_session
    from course.schools.classes import Viewer, classes_for
    from course.schools.models import School
    from course.stats import export
    from course.stats.aggregate import school_stats
    from course.stats.suppress import group_size

    settings = get_settings()
    catalogue = load_catalogue(settings.content_dir)
    engine = create_db_engine(settings.sqlalchemy_url())
    try:
        with read_session(engine) as session:
            if session.get(School, args.school_id) is None:
                print(f"no school has the id {args.school_id}", file=sys.stderr)
                return 1
            classes = classes_for(Viewer(0, args.school_id, True), session=session)
            k = group_size(settings.stats_min_group)
            stats = school_stats(catalogue, args.school_id, classes, k, session=session)
    finally:
        engine.dispose()
    Path(args.file).write_text(export.to_csv(export.school_rows(stats)), encoding="utf-8")
    print(f"wrote {stats.name}'s statistics ({len(classes)} classes, k = {k}) to {args.file}")
    return 0
