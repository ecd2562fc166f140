"""Course content: lessons and quizzes read from files into an immutable catalogue."""

from course.content.loader import ContentError, Problem, check_content, load_catalogue
from course.content.schema import (
    AUDIENCE_LABELS,
    AUDIENCES,
    KEY_MESSAGES,
    Catalogue,
    Item,
    Lesson,
    Option,
    Quiz,
)

__all__ = [
    "AUDIENCES",
    "AUDIENCE_LABELS",
    "KEY_MESSAGES",
    "Catalogue",
    "ContentError",
    "Item",
    "Lesson",
    "Option",
    "Problem",
    "Quiz",
    "check_content",
    "load_catalogue",
]
