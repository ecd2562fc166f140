"""Checks across files: unique slugs, orders and item ids, and references that resolve."""

from collections.abc import Sequence, Set

from course.content.lessons import LessonDraft
from course.content.problems import Problem
from course.content.quizzes import QuizDraft


def check_across_files(
    lessons: Sequence[LessonDraft], quizzes: Sequence[QuizDraft], unusable: Set[str] = frozenset()
) -> list[Problem]:
    """Return every problem that only shows when the files are read together.

    References to `unusable` slugs (files that exist but have problems of their own) are not
    reported again.
    """
    return (
        _check_unique_lessons(lessons)
        + _check_unique_quizzes(quizzes)
        + _check_references(lessons, quizzes, unusable)
    )


def _check_unique_lessons(lessons: Sequence[LessonDraft]) -> list[Problem]:
    problems: list[Problem] = []
    file_by_slug: dict[str, str] = {}
    file_by_order: dict[int, str] = {}
    for lesson in lessons:
        slug, order = lesson.front.slug, lesson.front.order
        if slug in file_by_slug:
            message = f"the slug `{slug}` is already used by {file_by_slug[slug]}"
            fix = "Give this lesson its own slug."
            problems.append(Problem(lesson.file, lesson.lines.of("slug"), f"{message}. {fix}"))
        if order in file_by_order:
            message = f"order {order} is already used by {file_by_order[order]}"
            fix = "Give each lesson its own order."
            problems.append(Problem(lesson.file, lesson.lines.of("order"), f"{message}. {fix}"))
        file_by_slug.setdefault(slug, lesson.file)
        file_by_order.setdefault(order, lesson.file)
    return problems


def _check_unique_quizzes(quizzes: Sequence[QuizDraft]) -> list[Problem]:
    problems: list[Problem] = []
    file_by_slug: dict[str, str] = {}
    place_by_item: dict[str, str] = {}
    for quiz in quizzes:
        slug = quiz.quiz.slug
        if slug in file_by_slug:
            message = f"the quiz slug `{slug}` is already used by {file_by_slug[slug]}"
            fix = "Give this quiz its own slug."
            problems.append(Problem(quiz.file, quiz.lines.of("slug"), f"{message}. {fix}"))
        file_by_slug.setdefault(slug, quiz.file)
        # Read ids from every item, even ones with other problems, so no clash goes unseen.
        for index, item in enumerate(quiz.quiz.items):
            item_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item_id, str):
                continue
            line = quiz.lines.of("items", index, "id")
            if item_id in place_by_item:
                message = f"the item id `{item_id}` is already used at {place_by_item[item_id]}"
                fix = "Item ids must be unique across every quiz; give this item a new id."
                problems.append(Problem(quiz.file, line, f"{message}. {fix}"))
            place_by_item.setdefault(item_id, f"{quiz.file}:{line}")
    return problems


def _check_references(
    lessons: Sequence[LessonDraft], quizzes: Sequence[QuizDraft], unusable: Set[str]
) -> list[Problem]:
    """Lessons name existing quizzes, quizzes existing lessons, items the lesson's audiences."""
    problems: list[Problem] = []
    lesson_by_slug = {lesson.front.slug: lesson for lesson in lessons}
    quiz_slugs = {quiz.quiz.slug for quiz in quizzes}
    for lesson in lessons:
        named = lesson.front.quiz
        if named is not None and named not in quiz_slugs | unusable:
            message = f"there is no quiz with the slug `{named}`"
            fix = f"Fix the slug, add quizzes/{named}.yaml, or remove the `quiz:` line."
            problems.append(Problem(lesson.file, lesson.lines.of("quiz"), f"{message}. {fix}"))
    for quiz in quizzes:
        line = quiz.lines.of("lesson")
        follows = lesson_by_slug.get(quiz.quiz.lesson)
        if follows is None and quiz.quiz.lesson in unusable:
            continue
        if follows is None:
            message = f"there is no lesson with the slug `{quiz.quiz.lesson}`"
            fix = "Use the `slug:` of an existing lesson."
            problems.append(Problem(quiz.file, line, f"{message}. {fix}"))
            continue
        if follows.front.quiz not in (None, quiz.quiz.slug):
            message = (
                f"the lesson `{follows.front.slug}` names another quiz, `{follows.front.quiz}`"
            )
            fix = "Make the lesson's `quiz:` and this quiz's slug agree."
            problems.append(Problem(quiz.file, line, f"{message}. {fix}"))
        problems += _check_item_audiences(quiz, follows)
    return problems


def _check_item_audiences(quiz: QuizDraft, lesson: LessonDraft) -> list[Problem]:
    problems: list[Problem] = []
    for index, item in quiz.items:
        extra = [band for band in item.audiences or () if band not in lesson.front.audiences]
        if extra:
            bands = ", ".join(extra)
            message = (
                f"item `{item.id}` is for {bands}, but the lesson `{lesson.front.slug}` is not"
            )
            fix = "Remove them from the item, or add them to the lesson's audiences."
            line = quiz.lines.of("items", index, "audiences")
            problems.append(Problem(quiz.file, line, f"{message}. {fix}"))
    return problems
