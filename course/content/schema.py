"""The catalogue: immutable, rendered lessons and quizzes, looked up by slug or id."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_serializer, field_validator

AUDIENCES: tuple[str, ...] = ("11-13", "14-18", "adult")
AUDIENCE_LABELS: Mapping[str, str] = {
    "11-13": "11 to 13",
    "14-18": "14 to 18",
    "adult": "Adult (18+)",
}
KEY_MESSAGES: tuple[str, ...] = (
    "dont-panic",
    "dont-pay",
    "stop-contact",
    "keep-evidence",
    "deactivate-not-delete",
    "screenshot-not-images",
    "report",
    "get-images-removed",
    "secure-accounts",
    "tell-someone",
    "not-your-fault",
    "spot-fake-profiles",
)

# Each item type is its own model, told apart by `type`. Later types (red-flags, branching,
# order) become sibling models and `Quiz.items` a union of them discriminated by `type`.
CHOICE_TYPES = ("choice", "multi")


class Frozen(BaseModel):
    """Base for catalogue models: immutable once loaded."""

    model_config = ConfigDict(frozen=True)


class Option(Frozen):
    id: str
    text_html: str
    correct: bool
    feedback_html: str


class Item(Frozen):
    """A choice (one correct option) or multi (select all that apply) question."""

    id: str
    type: Literal["choice", "multi"]
    prompt_html: str
    options: tuple[Option, ...]
    audiences: tuple[str, ...]
    explanation_html: str | None
    line: int

    def option(self, option_id: str) -> Option | None:
        """Return the option with this id, or None."""
        return next((option for option in self.options if option.id == option_id), None)


class Quiz(Frozen):
    slug: str
    lesson: str
    title: str
    items: tuple[Item, ...]
    file: str

    def items_for(self, band: str) -> tuple[Item, ...]:
        """Return the items shown to this audience band, in file order."""
        return tuple(item for item in self.items if band in item.audiences)


class Lesson(Frozen):
    slug: str
    title: str
    order: int
    audiences: tuple[str, ...]
    minutes: int
    summary: str
    content_note: str | None
    key_messages: tuple[str, ...]
    quiz: str | None
    body_html: Mapping[str, str]
    file: str

    @field_validator("body_html")
    @classmethod
    def read_only_body(cls, body_html: Mapping[str, str]) -> Mapping[str, str]:
        """Stop anyone changing a rendered body after load."""
        return MappingProxyType(dict(body_html))

    @field_serializer("body_html")
    def plain_body(self, body_html: Mapping[str, str]) -> dict[str, str]:
        """Dump the read-only mapping as a plain dict."""
        return dict(body_html)

    def html_for(self, band: str) -> str:
        """Return the body HTML as this audience band sees it."""
        return self.body_html[band]


class Catalogue(Frozen):
    lessons: tuple[Lesson, ...]
    quizzes: Mapping[str, Quiz]
    version: str

    _lessons_by_slug: dict[str, Lesson] = PrivateAttr(default_factory=dict)
    _items_by_id: dict[str, tuple[Quiz, Item]] = PrivateAttr(default_factory=dict)
    _lessons_by_band: dict[str, tuple[Lesson, ...]] = PrivateAttr(default_factory=dict)

    @field_validator("quizzes")
    @classmethod
    def read_only_quizzes(cls, quizzes: Mapping[str, Quiz]) -> Mapping[str, Quiz]:
        """Stop anyone adding or replacing a quiz after load."""
        return MappingProxyType(dict(quizzes))

    @field_serializer("quizzes")
    def plain_quizzes(self, quizzes: Mapping[str, Quiz]) -> dict[str, Quiz]:
        """Dump the read-only mapping as a plain dict."""
        return dict(quizzes)

    @field_validator("lessons")
    @classmethod
    def sort_by_order(cls, lessons: tuple[Lesson, ...]) -> tuple[Lesson, ...]:
        """Keep lessons in course order, whatever order they were given in."""
        return tuple(sorted(lessons, key=lambda lesson: lesson.order))

    def model_post_init(self, context: Any, /) -> None:
        """Build the lookup tables once; every request uses them."""
        self._lessons_by_slug = {lesson.slug: lesson for lesson in self.lessons}
        self._items_by_id = {
            item.id: (quiz, item) for quiz in self.quizzes.values() for item in quiz.items
        }
        self._lessons_by_band = {
            band: tuple(lesson for lesson in self.lessons if band in lesson.audiences)
            for band in AUDIENCES
        }

    def lesson(self, slug: str) -> Lesson | None:
        """Return the lesson with this slug, or None."""
        return self._lessons_by_slug.get(slug)

    def quiz(self, slug: str) -> Quiz | None:
        """Return the quiz with this slug, or None."""
        return self.quizzes.get(slug)

    def item(self, item_id: str) -> tuple[Quiz, Item] | None:
        """Return the quiz holding this item id and the item, or None."""
        return self._items_by_id.get(item_id)

    def lessons_for(self, band: str) -> tuple[Lesson, ...]:
        """Return the lessons this audience band sees, in course order."""
        return self._lessons_by_band.get(band, ())

    def next_lesson(self, slug: str, band: str) -> Lesson | None:
        """Return the lesson this band sees after the given one, or None at the end."""
        current = self.lesson(slug)
        if current is None:
            return None
        later = (lesson for lesson in self.lessons_for(band) if lesson.order > current.order)
        return next(later, None)
