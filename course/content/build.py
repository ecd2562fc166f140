"""Turn checked drafts into the catalogue, rendering all Markdown once."""

from collections.abc import Sequence

from course.content.help_directory import HelpDirectory
from course.content.items import build_item
from course.content.lessons import LessonDraft
from course.content.markdown import render_body
from course.content.quizzes import QuizDraft
from course.content.schema import AUDIENCES, Catalogue, Lesson, Quiz


def build_catalogue(
    lessons: Sequence[LessonDraft],
    quizzes: Sequence[QuizDraft],
    version: str,
    *,
    film_html: str = "",
    help_directory: HelpDirectory | None = None,
) -> Catalogue:
    """Build the immutable catalogue from drafts that passed every check; a lesson's ```film
    block becomes `film_html`."""
    lesson_audiences = {lesson.front.slug: lesson.front.audiences for lesson in lessons}
    return Catalogue(
        lessons=tuple(build_lesson(lesson, film_html=film_html) for lesson in lessons),
        quizzes={
            quiz.quiz.slug: build_quiz(quiz, tuple(lesson_audiences[quiz.quiz.lesson]))
            for quiz in quizzes
        },
        version=version,
        help_directory=help_directory or HelpDirectory(),
    )


def build_lesson(draft: LessonDraft, *, film_html: str = "") -> Lesson:
    """Render a lesson's body once for every audience band."""
    front = draft.front
    return Lesson(
        slug=front.slug,
        title=front.title,
        order=front.order,
        audiences=tuple(front.audiences),
        minutes=front.minutes,
        summary=front.summary,
        content_note=front.content_note,
        key_messages=tuple(front.key_messages),
        quiz=front.quiz,
        body_html={band: render_body(draft.body, band, film_html=film_html) for band in AUDIENCES},
        file=draft.file,
    )


def build_quiz(draft: QuizDraft, lesson_audiences: tuple[str, ...]) -> Quiz:
    """Render a quiz's texts; items without audiences get the lesson's."""
    return Quiz(
        slug=draft.quiz.slug,
        lesson=draft.quiz.lesson,
        title=draft.quiz.title,
        items=tuple(
            build_item(entry, draft.lines, ("items", index), lesson_audiences)
            for index, entry in draft.items
        ),
        file=draft.file,
    )
