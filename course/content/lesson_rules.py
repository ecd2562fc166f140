"""Rules on a whole lesson: its reading level, its key messages, its front-matter text.

Each rule takes a lesson and returns findings. Add a rule by writing one more function and
listing it in LESSON_RULES; rules on the body's text alone belong in lint.RULES instead.
"""

from collections.abc import Callable

from course.content.citations import statistics
from course.content.coverage import check_key_message_words
from course.content.lessons import LessonDraft
from course.content.markdown import body_blocks, check_structure
from course.content.problems import Finding
from course.content.reading import check_reading_level
from course.content.tone import blaming

LessonRule = Callable[[LessonDraft], list[Finding]]


def check_front_matter_text(lesson: LessonDraft) -> list[Finding]:
    """Run the tone and statistics rules over the title, summary and content note."""
    front = lesson.front
    texts = (
        ("title", front.title),
        ("summary", front.summary),
        ("content_note", front.content_note),
    )
    findings: list[Finding] = []
    for field, text in texts:
        line = lesson.lines.text_of(field)
        findings += [*blaming(text or "", line), *statistics(text or "", line)]
    return findings


LESSON_RULES: list[LessonRule] = [
    check_reading_level,
    check_key_message_words,
    check_front_matter_text,
]


def check_lesson(lesson: LessonDraft) -> list[Finding]:
    """Run every lesson rule and return all findings, in line order."""
    if check_structure(list(body_blocks(lesson.body))):
        return []  # the body cannot be rendered until its blocks are fixed, as reported
    return sorted(
        (finding for rule in LESSON_RULES for finding in rule(lesson)), key=lambda f: f[0]
    )
