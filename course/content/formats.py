"""The shape of what writers type: front matter and quiz YAML, checked field by field."""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from course.content.schema import AUDIENCES, KEY_MESSAGES

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _not_blank(text: str) -> str:
    if not text.strip():
        raise PydanticCustomError("blank", "is empty")
    return text


def _known_audience(band: str) -> str:
    if band not in AUDIENCES:
        raise PydanticCustomError("audience", "unknown audience")
    return band


def _known_key_message(key: str) -> str:
    if key not in KEY_MESSAGES:
        raise PydanticCustomError("key_message", "unknown key message")
    return key


Text = Annotated[str, AfterValidator(_not_blank)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Audience = Annotated[str, AfterValidator(_known_audience)]
KeyMessage = Annotated[str, AfterValidator(_known_key_message)]


class Strict(BaseModel):
    """Types exactly as written (no "1" for 1) and no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


class LessonFrontMatter(Strict):
    slug: Slug
    title: Text
    order: int = Field(ge=1)
    audiences: list[Audience] = Field(min_length=1)
    minutes: int = Field(ge=1, le=30)
    summary: Text
    content_note: Text | None = None
    key_messages: list[KeyMessage]
    quiz: Slug | None = None


class OptionEntry(Strict):
    id: Slug
    text: Text
    correct: bool
    feedback: Text


class ChoiceEntry(Strict):
    """A `choice` or `multi` item as written in a quiz file."""

    id: Slug
    type: Literal["choice", "multi"]
    audiences: list[Audience] | None = Field(default=None, min_length=1)
    prompt: Text
    options: list[OptionEntry]
    explanation: Text | None = None


class QuizFile(Strict):
    """A quiz file; its items are checked one by one against ITEM_ENTRIES."""

    slug: Slug
    lesson: Slug
    title: Text
    items: list[Any] = Field(min_length=1)


# Item type -> the model its entries are checked against. Later types add a line here.
ITEM_ENTRIES: dict[str, type[ChoiceEntry]] = {"choice": ChoiceEntry, "multi": ChoiceEntry}
