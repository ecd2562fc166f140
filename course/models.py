"""Every table the app keeps, so the schema (and Alembic) always sees all of them."""

from course.film.models import FilmEvent
from course.learning.models import Learner, LessonProgress
from course.quizzes.models import Answer, ScenarioStep

__all__ = ["Answer", "FilmEvent", "Learner", "LessonProgress", "ScenarioStep"]
