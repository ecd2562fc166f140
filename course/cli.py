"""The `course` command: serve, migrate, purge, check-content, create-teacher."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from course import data_commands
from course.settings import Settings, get_settings


def serve(args: argparse.Namespace) -> int:
    """Check the content, then serve the app with uvicorn."""
    import uvicorn

    # Workers are separate processes that read settings from the environment.
    for name in ("host", "port", "workers"):
        value = getattr(args, name)
        if value is not None:
            os.environ[f"COURSE_{name.upper()}"] = str(value)
    get_settings.cache_clear()
    settings = get_settings()
    problems = check(settings.content_dir)
    if problems:
        return 1
    settings.resolved_secret_key()  # create it once, before workers race to
    uvicorn.run("course.app:create_app", factory=True, **server_options(settings))
    return 0


def server_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves the app: our HTTP protocol and logging, no access log, and forwarded
    headers believed only from the proxies named in COURSE_FORWARDED_ALLOW_IPS (none by default:
    then the client's address and scheme are the connection's own)."""
    from course.serving import HTTP_PROTOCOL, log_config

    proxies = settings.forwarded_allow_ips
    return {
        "http": HTTP_PROTOCOL,  # uvicorn's own 400s carry our security headers
        "log_config": log_config(),  # the app's own log lines (the daily purge's count) too
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        # Behind a proxy, the rate limits count the client's address (X-Forwarded-For) and
        # absolute links use its scheme (X-Forwarded-Proto); from anyone else, neither is read.
        "proxy_headers": bool(proxies),
        **({"forwarded_allow_ips": proxies} if proxies else {}),
        "server_header": False,
        "access_log": False,  # no IP addresses or user agents in logs
        "log_level": "info",
        # Live sessions' streams never end by themselves: on a stop or restart, give requests
        # in progress 5 s, then close the streams (devices reconnect, and catch up, by themselves).
        "timeout_graceful_shutdown": 5,
    }


def migrate(_args: argparse.Namespace) -> int:
    """Bring the database schema up to date."""
    from course.migrations.run import migrate as migrate_database

    settings = get_settings()
    outcome = migrate_database(settings.sqlalchemy_url())
    print(f"database {outcome}: {redact(settings.database_url)}")
    return 0


def purge(_args: argparse.Namespace) -> int:
    """Delete learners past the retention period now (the server also does it daily itself)."""
    from course.db import create_db_engine, write_session
    from course.learning.retention import purge_expired
    from course.live.state import end_forgotten

    settings = get_settings()
    engine = create_db_engine(settings.sqlalchemy_url())
    try:
        deleted = purge_expired(engine, settings.retention_days)
        with write_session(engine) as session:
            end_forgotten(session=session)  # live sessions a teacher forgot to end
    finally:
        engine.dispose()
    print(f"deleted {deleted} learner(s) not seen for {settings.retention_days} days")
    return 0


def check(content_dir: Path) -> list[str]:
    """Print every content problem; return them."""
    from course.content.loader import check_content

    problems = [str(problem) for problem in check_content(content_dir)]
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the content; nothing was served.", file=sys.stderr)
    return problems


def check_content_command(args: argparse.Namespace) -> int:
    """Check lessons and quizzes; exit 1 when anything is wrong, or (--strict) is warned of."""
    content_dir = Path(args.directory) if args.directory else get_settings().content_dir
    if check(content_dir):
        return 1
    warned = warn(content_dir)
    if warned and args.strict:
        print(f"{len(warned)} warning(s), and --strict fails on them.", file=sys.stderr)
        return 1
    if warned:
        print(f"{len(warned)} warning(s); the content can still be served.", file=sys.stderr)
    print(f"content is fine: {content_dir}")
    return 0


def warn(content_dir: Path) -> list[str]:
    """Print every warning about content that loads (answers that can be guessed); return them."""
    from course.content.guessing import check_guessing
    from course.content.loader import load_catalogue

    warnings = [
        str(warning) for warning in check_guessing(load_catalogue(content_dir), content_dir)
    ]
    for line in warnings:
        print(line, file=sys.stderr)
    return warnings


def create_teacher(args: argparse.Namespace) -> int:
    """Create a confirmed admin teacher, of a new school or of an existing one (--school-id);
    the password is asked for on the terminal, or read from standard input."""
    import getpass

    from course.db import create_db_engine, write_session
    from course.schools.accounts import (
        AccountError,
        clean_text,
        create_confirmed_admin,
        email_problem,
        normalise_email,
        text_problem,
    )
    from course.schools.passwords import hash_password, password_problem

    name, school, email = clean_text(args.name), clean_text(args.school or ""), args.email
    email = normalise_email(email)
    if args.school_id is None and not school:
        print(
            "give --school NAME (a new school) or --school-id ID (an existing one)", file=sys.stderr
        )
        return 2
    school_problem = text_problem(school, "the school's name") if args.school_id is None else None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password for the new teacher: ")
    problems = [
        problem
        for problem in (
            text_problem(name, "the teacher's name"),
            school_problem,
            email_problem(email),
            password_problem(password, about=(name, school, email)),
        )
        if problem
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    engine = create_db_engine(get_settings().sqlalchemy_url())
    try:
        with write_session(engine) as session:
            teacher = create_confirmed_admin(
                name,
                email,
                hash_password(password),
                school_name=school,
                school_id=args.school_id,
                session=session,
            )
    except AccountError as error:
        print(f"no teacher created: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"created admin {email} of school {teacher.school_id}; they can sign in now")
    return 0


def redact(url: str) -> str:
    """A database URL without its password."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://…@{rest.split('@', 1)[1]}"


def build_parser() -> argparse.ArgumentParser:
    """The command line, with help for every command."""
    parser = argparse.ArgumentParser(prog="course", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="serve the course over HTTP")
    serve_parser.add_argument("--host", help=Settings.model_fields["host"].description)
    serve_parser.add_argument("--port", type=int, help=Settings.model_fields["port"].description)
    serve_parser.add_argument(
        "--workers", type=int, help=Settings.model_fields["workers"].description
    )
    serve_parser.set_defaults(handler=serve)
    commands.add_parser("migrate", help="create or upgrade the database").set_defaults(
        handler=migrate
    )
    commands.add_parser(
        "purge", help="delete learners past the retention period (COURSE_RETENTION_DAYS)"
    ).set_defaults(handler=purge)
    for name, handler, text in (
        (
            "backup",
            data_commands.backup_command,
            "copy the SQLite database to a new FILE while it serves",
        ),
        (
            "restore",
            data_commands.restore_command,
            "put a backup FILE in place of the SQLite database",
        ),
    ):
        file_parser = commands.add_parser(name, help=text)
        file_parser.add_argument("file", help="the backup file")
        file_parser.set_defaults(handler=handler)
    export_parser = commands.add_parser(
        "export", help="write a school's statistics (suppressed as on its dashboard) to a CSV FILE"
    )
    export_parser.add_argument("--school-id", type=int, required=True, help="the school's id")
    export_parser.add_argument("file", help="the CSV file to write")
    export_parser.set_defaults(handler=data_commands.export_command)
    check_parser = commands.add_parser(
        "check-content", help="check lessons/ and quizzes/ and name every mistake"
    )
    check_parser.add_argument("directory", nargs="?", help="folder holding lessons/ and quizzes/")
    check_parser.add_argument(
        "--strict", action="store_true", help="fail on warnings too (answers that can be guessed)"
    )
    check_parser.set_defaults(handler=check_content_command)
    teacher_parser = commands.add_parser(
        "create-teacher", help="create a confirmed admin teacher (asks for the password)"
    )
    teacher_parser.add_argument("--name", required=True, help="the teacher's name")
    teacher_parser.add_argument("--email", required=True, help="the teacher's email address")
    where = teacher_parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--school", help="the name of a new school, of which they are the admin")
    where.add_argument("--school-id", type=int, help="an existing school's id, to add an admin to")
    teacher_parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    teacher_parser.set_defaults(handler=create_teacher)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the `course` command."""
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
