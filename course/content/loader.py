"""Load the course content from files, checking everything and reporting every problem."""

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from course.content.build import build_catalogue
from course.content.coverage import check_coverage
from course.content.cross_checks import check_across_files
from course.content.help import HELP_FILE, read_help_file
from course.content.lesson_rules import check_lesson
from course.content.lessons import LessonDraft, read_lesson
from course.content.problems import ContentError, Finding, Problem, problems_in, read_and_check
from course.content.quizzes import QuizDraft, read_quiz
from course.content.schema import Catalogue
from course.content.steps import (
    STEPS_FILE,
    check_order_steps,
    check_what_to_do_blocks,
    read_steps_file,
)

__all__ = ["ContentError", "Problem", "check_content", "content_version", "load_catalogue"]

LESSONS, QUIZZES = "lessons", "quizzes"
SUFFIXES = {LESSONS: ".md", QUIZZES: ".yaml"}
# Files in lessons/ or quizzes/ that are not lessons or quizzes, read by their own loaders.
OTHER_FILES = {HELP_FILE, STEPS_FILE}
Draft = TypeVar("Draft", LessonDraft, QuizDraft)


def load_catalogue(content_dir: Path, *, film_html: str = "") -> Catalogue:
    """Read and check lessons/ and quizzes/ under content_dir; raise ContentError if wrong.

    Each lesson's ```film block becomes `film_html`, the film's HTML drawn by the app.
    """
    catalogue, problems = _read_content(content_dir, film_html)
    if catalogue is None:
        raise ContentError(problems)
    return catalogue


def check_content(content_dir: Path) -> list[Problem]:
    """Return every problem in the content under content_dir, in file and line order."""
    return _read_content(content_dir)[1]


def content_version(files: list[Path], content_dir: Path) -> str:
    """A short hash of every content file's name and bytes, recorded with each answer."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda path: path.relative_to(content_dir).as_posix()):
        digest.update(path.relative_to(content_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _read_content(content_dir: Path, film_html: str = "") -> tuple[Catalogue | None, list[Problem]]:
    lesson_files, problems = _content_files(content_dir, LESSONS)
    quiz_files, quiz_problems = _content_files(content_dir, QUIZZES)
    problems += quiz_problems
    if not lesson_files and not problems:
        fix = "Add at least one lesson file named NN-slug.md."
        problems.append(Problem(f"{LESSONS}/", 0, f"there are no lessons in {LESSONS}/. {fix}"))
    lessons: list[LessonDraft] = []
    quizzes: list[QuizDraft] = []
    unusable: set[str] = set()  # slugs, from file names, of files too broken to read
    steps, steps_problems = read_steps_file(content_dir) if lesson_files else (None, [])
    problems += steps_problems
    for path in lesson_files:
        lesson, found = _read_file(path, content_dir, read_lesson)
        lesson = replace(lesson, steps=steps) if lesson else None
        problems += found + (problems_in(lesson.file, check_lesson(lesson)) if lesson else [])
        problems += problems_in(lesson.file, check_what_to_do_blocks(lesson)) if lesson else []
        lessons += [lesson] if lesson else []
        unusable |= set() if lesson else {path.stem.partition("-")[2]}
    for path in quiz_files:
        quiz, found = _read_file(path, content_dir, read_quiz)
        problems += found + (problems_in(quiz.file, check_order_steps(quiz, steps)) if quiz else [])
        quizzes += [quiz] if quiz else []
        unusable |= set() if quiz else {path.stem}
    help_directory, help_problems = read_help_file(content_dir) if lesson_files else (None, [])
    problems += help_problems
    problems += check_across_files(lessons, quizzes, unusable)
    if len(lessons) == len(lesson_files):  # a lesson too broken to read hides its key messages
        problems += check_coverage(lessons)
    if problems:
        return None, sorted(problems, key=lambda problem: (problem.file, problem.line))
    steps_files = [content_dir / STEPS_FILE]  # the steps are part of what learners read
    version = content_version(lesson_files + quiz_files + steps_files, content_dir)
    return build_catalogue(
        lessons,
        quizzes,
        version,
        film_html=film_html,
        help_directory=help_directory,
        steps=steps,
    ), []


def _content_files(content_dir: Path, kind: str) -> tuple[list[Path], list[Problem]]:
    """List the files in lessons/ or quizzes/, reporting any that would be silently skipped."""
    folder = content_dir / kind
    if not folder.is_dir():
        return [], []
    files, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir() or f"{kind}/{path.name}" in OTHER_FILES:
            continue
        if path.suffix == SUFFIXES[kind]:
            files.append(path)
        else:
            message = f"only {SUFFIXES[kind]} files are read from {kind}/"
            fix = f"Rename it to end in {SUFFIXES[kind]}, or move it out of {kind}/."
            problems.append(Problem(f"{kind}/{path.name}", 0, f"{message}. {fix}"))
    return files, problems


def _read_file(
    path: Path, content_dir: Path, reader: Callable[[str, str], tuple[Draft | None, list[Finding]]]
) -> tuple[Draft | None, list[Problem]]:
    """Read one file as UTF-8 text and check it with `reader`."""
    file = path.relative_to(content_dir).as_posix()
    return read_and_check(path, file, lambda text: reader(file, text))
