"""Every table the app keeps, so the schema (and Alembic) always sees all of them."""

from course.film.models import FilmEvent
from course.learning.models import Learner, LessonProgress
from course.live.models import LiveAnswer, LiveDevice, LiveHelp, LiveResult, LiveSession
from course.quizzes.models import Answer, ScenarioStep
from course.schools.models import (
    EmailLink,
    RecoveryCode,
    School,
    SchoolClass,
    Teacher,
    TeacherSession,
)
from course.security.shared_counts import RateCount
from course.stats.models import BreakdownSnapshot

__all__ = [
    "Answer",
    "BreakdownSnapshot",
    "EmailLink",
    "FilmEvent",
    "Learner",
    "LessonProgress",
    "LiveAnswer",
    "LiveDevice",
    "LiveHelp",
    "LiveResult",
    "LiveSession",
    "RateCount",
    "RecoveryCode",
    "ScenarioStep",
    "School",
    "SchoolClass",
    "Teacher",
    "TeacherSession",
]
