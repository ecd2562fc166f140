"""Turn checked drafts into the catalogue, rendering all Markdown once."""

from collections.abc import Mapping, Sequence
from dataclasses import replace

from course.content.help_directory import HelpDirectory
from course.content.items import build_item
from course.content.lessons import LessonDraft
from course.content.markdown import render_body
from course.content.minutes import lesson_minutes
from course.content.quizzes import QuizDraft
from course.content.schema import AUDIENCES, Catalogue, Lesson, Quiz, StepList


def build_catalogue(
    lessons: Sequence[LessonDraft],
    quizzes: Sequence[QuizDraft],
    version: str,
    *,
    film_html: str = "",
    help_directory: HelpDirectory | None = None,
    steps: StepList | None = None,
) -> Catalogue:
    """Build the immutable catalogue from drafts that passed every check; a lesson's ```film
    block becomes `film_html`, its ```what-to-do block the canonical `steps`."""
    steps = steps or StepList()
    lesson_audiences = {lesson.front.slug: lesson.front.audiences for lesson in lessons}
    built_quizzes = {
        quiz.quiz.slug: build_quiz(quiz, tuple(lesson_audiences[quiz.quiz.lesson]), steps)
        for quiz in quizzes
    }
    return Catalogue(
        lessons=tuple(
            build_lesson(lesson, built_quizzes, film_html=film_html, steps=steps)
            for lesson in lessons
        ),
        quizzes=built_quizzes,
        version=version,
        steps=steps,
        help_directory=help_directory or HelpDirectory(),
    )


def build_lesson(
    draft: LessonDraft,
    quizzes: Mapping[str, Quiz] | None = None,
    *,
    film_html: str = "",
    steps: StepList | None = None,
) -> Lesson:
    """Render a lesson's body once for every audience band, and work out its minutes."""
    front = draft.front
    minutes = lesson_minutes(replace(draft, steps=steps), (quizzes or {}).get(front.quiz or ""))
    return Lesson(
        slug=front.slug,
        title=front.title,
        order=front.order,
        audiences=tuple(front.audiences),
        minutes=max(minutes.values(), default=1),
        minutes_by_band=minutes,
        summary=front.summary,
        content_note=front.content_note,
        drawing=front.drawing,
        key_messages=tuple(front.key_messages),
        quiz=front.quiz,
        body_html={
            band: render_body(draft.body, band, film_html=film_html, steps=steps)
            for band in AUDIENCES
        },
        file=draft.file,
    )


def build_quiz(
    draft: QuizDraft, lesson_audiences: tuple[str, ...], steps: StepList | None = None
) -> Quiz:
    """Render a quiz's texts; items without audiences get the lesson's."""
    return Quiz(
        slug=draft.quiz.slug,
        lesson=draft.quiz.lesson,
        title=draft.quiz.title,
        items=tuple(
            build_item(entry, draft.lines, ("items", index), lesson_audiences, steps)
            for index, entry in draft.items
        ),
        file=draft.file,
        remember=tuple(draft.quiz.remember),
    )
